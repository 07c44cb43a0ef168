package kafkapipeline.launcher;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the nodes of a {@link CassandraRing} say about each other, through one driver session whose
 * queries are sent to one chosen node at a time. The ring is up when {@link #missing()} returns
 * null, that is when, for N nodes:
 *
 * <ul>
 *   <li>the driver knows all N nodes and holds them Up;
 *   <li>every node's {@code system.peers_v2} lists the other N-1, each with its token;
 *   <li>every node's {@code system_views.gossip_info} lists all N with status NORMAL ({@code
 *       status_with_port}, else {@code status}), and every node reports the same gossip generation
 *       for each node. A node picks a new generation at each start, so after a restart this holds
 *       only once every other node has gossiped with the new incarnation (which is when they mark
 *       it alive again).
 * </ul>
 *
 * A probe that fails (a node not answering yet) counts as "not yet" in {@link Poll}.
 */
final class RingView implements AutoCloseable {

  private final List<CassandraEngine> nodes;
  private CqlSession session;

  private RingView(List<CassandraEngine> nodes) {
    this.nodes = nodes;
  }

  static RingView open(List<CassandraEngine> nodes) {
    return new RingView(nodes);
  }

  /** Null when the ring is up, else what is missing first. */
  String missing() {
    for (CassandraEngine node : nodes) {
      if (!node.isRunning()) {
        return node + " is not running";
      }
    }
    CqlSession s = session();
    Map<String, Node> known = new TreeMap<>();
    for (Node driverNode : s.getMetadata().getNodes().values()) {
      known.put(address(driverNode), driverNode);
    }
    Map<String, Map<String, Integer>> generationsSeenBy = new TreeMap<>();
    for (CassandraEngine node : nodes) {
      Node driverNode = known.get(node.contactPoint());
      if (driverNode == null) {
        return "the driver does not know " + node + " (knows " + known.keySet() + ")";
      }
      if (driverNode.getState() != NodeState.UP) {
        return node + " is " + driverNode.getState() + " to the driver";
      }
      long peersWithTokens =
          rows(s, driverNode, "SELECT peer, tokens FROM system.peers_v2").stream()
              .filter(r -> !r.getSet("tokens", String.class).isEmpty())
              .count();
      if (peersWithTokens != nodes.size() - 1) {
        return node
            + " lists "
            + peersWithTokens
            + " peers with tokens in system.peers_v2, not "
            + (nodes.size() - 1);
      }
      Map<String, Integer> generations = new TreeMap<>();
      for (Row r :
          rows(
              s,
              driverNode,
              "SELECT address, port, generation, status, status_with_port FROM system_views.gossip_info")) {
        String endpoint = r.getInetAddress("address").getHostAddress();
        // 4.0+ nodes gossip STATUS_WITH_PORT; the legacy STATUS may be absent (e.g. for a
        // node re-learnt after a fat-client timeout).
        String status =
            Optional.ofNullable(r.getString("status_with_port"))
                .or(() -> Optional.ofNullable(r.getString("status")))
                .orElse("");
        if (!status.startsWith("NORMAL")) {
          return node + " sees " + endpoint + " in gossip status '" + status + "'";
        }
        generations.put(endpoint, r.getInt("generation"));
      }
      if (generations.size() != nodes.size()) {
        return node
            + " gossips with "
            + generations.keySet()
            + ", not all "
            + nodes.size()
            + " nodes";
      }
      generationsSeenBy.put(node.toString(), generations);
    }
    if (generationsSeenBy.values().stream().distinct().count() != 1) {
      return "the nodes do not agree on each other's gossip generation yet: " + generationsSeenBy;
    }
    return null;
  }

  private CqlSession session() {
    if (session == null) {
      List<InetSocketAddress> contacts = new ArrayList<>();
      for (CassandraEngine node : nodes) {
        contacts.add(new InetSocketAddress(node.host(), node.nativePort()));
      }
      session =
          CqlSession.builder()
              .addContactPoints(contacts)
              .withLocalDatacenter(CassandraEngine.LOCAL_DATACENTER)
              .withConfigLoader(
                  DriverConfigLoader.programmaticBuilder()
                      .withDuration(
                          DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
                      .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(5))
                      // A restarted node must look Up to the driver within seconds.
                      .withDuration(
                          DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(500))
                      .withDuration(
                          DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(1))
                      .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
                      .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
                      .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                      .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
                      .build())
              .build();
    }
    return session;
  }

  private static List<Row> rows(CqlSession s, Node node, String query) {
    return s.execute(SimpleStatement.newInstance(query).setNode(node)).all();
  }

  /** "host:port" of a node's CQL, as {@link CassandraEngine#contactPoint()} spells it. */
  private static String address(Node node) {
    InetSocketAddress rpc =
        node.getBroadcastRpcAddress().orElse((InetSocketAddress) node.getEndPoint().resolve());
    return rpc.getAddress().getHostAddress() + ":" + rpc.getPort();
  }

  @Override
  public void close() {
    if (session != null) {
      session.close();
    }
  }
}
