package kafkapipeline.tests;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * What one Cassandra node of a ring holds itself: a range read at ONE with that node as its
 * coordinator, traced, each page kept only when its trace shows that no other node took part.
 *
 * <p>Why the trace: at ONE a coordinator reads from the replica its snitch puts first, which need
 * not be itself. The ring's {@code SimpleSnitch} leaves the replicas in ring order and the dynamic
 * snitch re-sorts them by latency, so node 3 coordinating a read may well answer it from node 1's
 * data, and a row node 3 lacks would be found all the same. So each page's trace is read: every
 * event must come from this node, none may name another node (the coordinator notes each range
 * request it sends to another replica, "Enqueuing request to ...", and every message it sends), and
 * one must be the local scan's "Read N live rows". A page that was served elsewhere is read again,
 * until the deadline: the dynamic snitch's scores move. A read at ONE asks one replica, so it
 * repairs nothing: read before any QUORUM read of the same rows, which would write what this node
 * lacks onto it.
 */
final class NodeAloneRead {
  private NodeAloneRead() {}

  /** The values read, how many pages, and how many of them were read again. */
  record Result<T>(Set<T> values, int pages, int pagesReadAgain) {}

  // Few pages, few traces to wait for: a loaded ring writes trace rows late (the SIGKILLed node's
  // scenario of ClusterFaultTest reads about 30,000 ids).
  private static final int PAGE = 20_000;

  /** How long one page's trace may take to be complete before that page is read again. */
  private static final Duration TRACE_WAIT = Duration.ofSeconds(20);

  /**
   * Every value of {@code cql} (a range read, e.g. {@code SELECT id FROM ks.t}) as {@code node}
   * alone holds it.
   */
  static <T> Result<T> read(
      CqlSession session, Node node, String cql, Function<Row, T> value, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String self = host(node);
    List<String> others = new ArrayList<>();
    for (Node n : session.getMetadata().getNodes().values()) if (n != node) others.add(host(n));
    Set<T> values = new HashSet<>();
    ByteBuffer pagingState = null;
    int pages = 0;
    int again = 0;
    String lastSeen = "nothing read yet";
    while (true) {
      if (System.nanoTime() > deadline)
        throw new AssertionError(
            "no page of '"
                + cql
                + "' served by "
                + self
                + " alone within "
                + timeout.toSeconds()
                + " s, page "
                + (pages + 1)
                + "; last seen: "
                + lastSeen);
      AsyncResultSet page;
      try {
        page =
            session
                .executeAsync(
                    SimpleStatement.newInstance(cql)
                        .setNode(node)
                        .setConsistencyLevel(DefaultConsistencyLevel.ONE)
                        .setTracing(true)
                        .setPageSize(PAGE)
                        .setPagingState(pagingState)
                        .setTimeout(Duration.ofSeconds(30)))
                .toCompletableFuture()
                .join();
      } catch (RuntimeException e) {
        lastSeen = "the read failed: " + e;
        again++;
        continue;
      }
      UUID trace = page.getExecutionInfo().getTracingId();
      List<String> events =
          events(session, trace, Math.min(deadline, System.nanoTime() + TRACE_WAIT.toNanos()));
      String elsewhere = elsewhere(events, self, others);
      if (elsewhere != null) {
        lastSeen =
            "trace "
                + trace
                + ": "
                + (events.isEmpty()
                    ? "not complete within " + TRACE_WAIT.toSeconds() + " s"
                    : elsewhere);
        again++;
        continue;
      }
      for (Row row : page.currentPage()) values.add(value.apply(row));
      pages++;
      pagingState = page.getExecutionInfo().getPagingState();
      if (pagingState == null) return new Result<>(values, pages, again);
    }
  }

  /**
   * Why a trace does not show a read by {@code self} alone, or null when it does: an event from
   * another node, an event naming another node (the coordinator's "Enqueuing request to" and
   * "Sending ... message to" a replica), or no read of this node's own data ("Read N live rows",
   * which a local scan logs: a trace in a form this reader does not know proves nothing).
   */
  private static String elsewhere(List<String> events, String self, List<String> others) {
    boolean readHere = false;
    for (String e : events) {
      String source = e.substring(0, e.indexOf(' '));
      if (!source.equals(self)) return "an event of " + source + ": " + e;
      for (String other : others) if (e.contains(other)) return "names " + other + ": " + e;
      String activity = e.substring(source.length() + 1);
      if (activity.startsWith("Read ") && activity.contains(" live rows")) readHere = true;
    }
    return readHere ? null : "no read of its own data (\"Read N live rows\"): " + events;
  }

  /**
   * The trace's events, each as "source activity", once its session has ended (its duration is
   * written when the coordinator is done); empty when it has not ended by {@code until}.
   */
  private static List<String> events(CqlSession session, UUID trace, long until) {
    // Trace rows are written in the background; the session's duration comes last.
    while (System.nanoTime() < until) {
      Row s =
          session
              .execute(
                  SimpleStatement.newInstance(
                          "SELECT duration FROM system_traces.sessions WHERE session_id = ?", trace)
                      .setConsistencyLevel(DefaultConsistencyLevel.QUORUM))
              .one();
      if (s != null && !s.isNull("duration")) {
        List<String> out = new ArrayList<>();
        for (Row e :
            session.execute(
                SimpleStatement.newInstance(
                        "SELECT source, activity FROM system_traces.events WHERE session_id = ?",
                        trace)
                    .setConsistencyLevel(DefaultConsistencyLevel.QUORUM)))
          out.add(e.getInetAddress("source").getHostAddress() + " " + e.getString("activity"));
        return out;
      }
      try {
        Thread.sleep(100); // the next look at the session's row; it has no callback
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return List.of();
  }

  /** The driver's node for the ring node listening on {@code host}. */
  static Node node(CqlSession session, String host) {
    String address;
    try {
      address = java.net.InetAddress.getByName(host).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(host, e);
    }
    for (Node n : session.getMetadata().getNodes().values()) if (host(n).equals(address)) return n;
    throw new AssertionError(
        "no node at " + host + " among " + session.getMetadata().getNodes().values());
  }

  /** The node's address as its trace events name it (its broadcast address). */
  static String host(Node node) {
    InetSocketAddress a =
        node.getBroadcastAddress()
            .orElseGet(() -> (InetSocketAddress) node.getEndPoint().resolve());
    return a.getAddress().getHostAddress();
  }
}
