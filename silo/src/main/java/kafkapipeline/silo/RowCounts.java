package kafkapipeline.silo;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.Schema;

/**
 * The rows per table of {@code /api/status}, without reading any table: what the persisters wrote
 * (their {@code rows_written} counters, summed over the silos that answered, each since it started)
 * and Cassandra's estimate of the partitions in each table ({@code system.size_estimates} of every
 * node that is up, one partition of a system table each, summed: each node lists its primary
 * ranges, so the sum counts each partition once). {@link #sources} labels both for the response. No
 * {@code count(*)}, no read of a pipeline table.
 *
 * <p>The estimates are kept for {@link #FRESH} (Cassandra refreshes them every 5 minutes): a
 * request after that gets the kept ones at once and starts one refresh in the background; only the
 * first request waits, at most {@code timeout}. A node that does not answer is left out and said so
 * in the label; when none answers the estimates are null, and the label says why.
 */
final class RowCounts {
  /** How long estimates are served without asking Cassandra again. */
  static final Duration FRESH = Duration.ofSeconds(60);

  /**
   * One table's figures.
   *
   * @param writtenSinceStart rows the persisters of the answering silos wrote since each started
   * @param estimatedPartitions Cassandra's estimate of the table's partitions (for a table of one
   *     row per partition, its rows); null when no node answered
   */
  record Table(long writtenSinceStart, Long estimatedPartitions) {}

  /**
   * What Cassandra said: partitions per table, nodes asked and answered, and the first error (null
   * if none).
   */
  record Estimates(Map<String, Long> partitions, int asked, int answered, String problem) {
    String label() {
      if (answered == 0)
        return "unknown: no Cassandra node answered"
            + (problem == null ? "" : " (" + problem + ")");
      return "Cassandra system.size_estimates: partitions (rows only where a partition holds one"
          + " row; weatherreport's partition is a location) in flushed sstables (not yet in"
          + " memtables), summed over the primary ranges of "
          + answered
          + " of "
          + asked
          + " nodes"
          + (problem == null ? "" : " (missing: " + problem + ")")
          + "; Cassandra refreshes it every 5 min";
    }
  }

  private final CqlSession session;
  private final Duration timeout;
  private final LongSupplier nanoTime;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile CompletableFuture<Estimates> kept;
  private volatile long keptAt;

  RowCounts(CqlSession session, Duration timeout) {
    this(session, timeout, System::nanoTime);
  }

  RowCounts(CqlSession session, Duration timeout, LongSupplier nanoTime) {
    this.session = session;
    this.timeout = timeout;
    this.nanoTime = nanoTime;
  }

  /** The estimates: kept ones while fresh (or while one refresh runs), else asked. Never fails. */
  CompletionStage<Estimates> estimates() {
    CompletableFuture<Estimates> now = kept;
    if (now == null) {
      synchronized (this) {
        if (kept == null) {
          kept = ask();
          keptAt = nanoTime.getAsLong();
        }
        return kept;
      }
    }
    boolean stale = nanoTime.getAsLong() - keptAt > FRESH.toNanos();
    if (stale && now.isDone() && refreshing.compareAndSet(false, true)) {
      ask()
          .whenComplete(
              (e, x) -> {
                kept = CompletableFuture.completedFuture(e);
                keptAt = nanoTime.getAsLong();
                refreshing.set(false);
              });
    }
    return now;
  }

  /**
   * Every node asked for its estimates of the keyspace, all at once; a node that is not up counts
   * as asked and not answered (its primary ranges are missing from the sums, and the label says
   * so).
   */
  private CompletableFuture<Estimates> ask() {
    List<Node> nodes = new ArrayList<>(session.getMetadata().getNodes().values());
    List<CompletableFuture<Map<String, Long>>> each = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Node n : nodes) {
      if (n.getState() != NodeState.UP) {
        synchronized (problems) {
          problems.add(n.getEndPoint() + " is " + n.getState());
        }
        each.add(CompletableFuture.completedFuture(null));
        continue;
      }
      each.add(
          session
              .executeAsync(
                  SimpleStatement.newInstance(
                          "SELECT table_name, partitions_count FROM system.size_estimates"
                              + " WHERE keyspace_name = ?",
                          Schema.KEYSPACE)
                      .setNode(n)
                      .setPageSize(PAGE_ROWS)
                      .setTimeout(timeout))
              .thenCompose(rs -> sum(rs, new TreeMap<>()))
              .toCompletableFuture()
              .exceptionally(
                  e -> {
                    synchronized (problems) {
                      problems.add(n.getEndPoint() + ": " + e.getMessage());
                    }
                    return null;
                  }));
    }
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, Long> total = new TreeMap<>();
              int answered = 0;
              for (CompletableFuture<Map<String, Long>> f : each) {
                Map<String, Long> m = f.join();
                if (m == null) continue;
                answered++;
                m.forEach((t, n) -> total.merge(t, n, Long::sum));
              }
              synchronized (problems) {
                return new Estimates(
                    total, nodes.size(), answered, problems.isEmpty() ? null : problems.get(0));
              }
            });
  }

  /** Rows per page of a node's estimates: a row per table and token range (256 per node). */
  static final int PAGE_ROWS = 5_000;

  /**
   * Sums every page of a node's estimates: with 200 tables and 256 tokens a node lists about 51,000
   * rows, more than one page.
   */
  private static CompletionStage<Map<String, Long>> sum(
      com.datastax.oss.driver.api.core.cql.AsyncResultSet rs, Map<String, Long> sums) {
    for (Row r : rs.currentPage()) sums.merge(r.getString(0), r.getLong(1), Long::sum);
    return rs.hasMorePages()
        ? rs.fetchNextPage().thenCompose(next -> sum(next, sums))
        : CompletableFuture.completedFuture(sums);
  }

  /**
   * The figures of each table: the counters of every answering silo's vitals summed, and the
   * estimate (0 for a table Cassandra lists no ranges of yet, null when none answered).
   */
  static Map<String, Table> tables(
      List<String> tables, Map<String, SiloVitals.Vitals> vitals, Estimates estimates) {
    Map<String, Table> out = new TreeMap<>();
    for (String t : tables) {
      long written = 0;
      for (SiloVitals.Vitals v : vitals.values()) {
        Map<String, Long> rows =
            v.counters() == null ? null : v.counters().get(PipelineMetrics.ROWS_WRITTEN);
        if (rows != null) written += rows.getOrDefault(t, 0L);
      }
      Long estimate = estimates.answered() == 0 ? null : estimates.partitions().getOrDefault(t, 0L);
      out.put(t, new Table(written, estimate));
    }
    return out;
  }

  /** What each figure is, for the response: {@code writtenSinceStart} and the estimate. */
  static Map<String, String> sources(int silosAnswered, int silosUp, Estimates estimates) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(
        "writtenSinceStart",
        "the persisters' rows_written counters, summed over "
            + silosAnswered
            + " of "
            + silosUp
            + " silos, each since it started (a row written twice counts twice)");
    out.put("estimatedPartitions", estimates.label());
    return out;
  }
}
