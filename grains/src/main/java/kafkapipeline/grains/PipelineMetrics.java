package kafkapipeline.grains;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This silo's counters: events produced per topic, rows written per table, and every failure that
 * is counted rather than thrown. Thread-safe and lock-free on the hot path; counters only grow, and
 * restart from zero with the silo.
 */
public final class PipelineMetrics {
  private final Map<String, Map<String, LongAdder>> groups = new ConcurrentHashMap<>();

  public static final String PRODUCED = "produced";
  public static final String PUBLISH_FAILURES = "publish_failures";
  public static final String ROWS_WRITTEN = "rows_written";
  public static final String WRITE_ERRORS = "write_errors";
  public static final String WRITE_RETRIES = "write_retries";

  /** Groups of rows Cassandra rejected as a whole, then written row by row to find the bad one. */
  public static final String WRITE_GROUPS_SPLIT = "write_groups_split";

  /** Written batches and the sum of their write times (first attempt to last row written). */
  public static final String WRITE_BATCHES = "write_batches";

  public static final String WRITE_BATCH_MICROS = "write_batch_micros";
  public static final String MALFORMED_RECORDS = "malformed_records";
  public static final String DEAD_LETTERS = "dead_letters";

  /** Records with a null value (Kafka's deletion marker): nothing to write, skipped and counted. */
  public static final String TOMBSTONES_SKIPPED = "tombstones_skipped";

  public static final String CONSUMER_RESTARTS = "consumer_restarts";

  /**
   * Per topic: partitions given up in a rebalance or a stop after their records were written and
   * committed.
   */
  public static final String PARTITIONS_DRAINED = "partitions_drained";

  /**
   * Per topic: drains that ended with records unwritten or a failed commit (their next owner reads
   * them again).
   */
  public static final String DRAINS_INCOMPLETE = "drains_incomplete";

  /** Per source: events read from a stream that are not usable, published as dead letters. */
  public static final String MALFORMED_EVENTS = "malformed_events";

  /** Per source: events over a size limit (the stream's or Kafka's), published as dead letters. */
  public static final String OVERSIZE_EVENTS = "oversize_events";

  /** Per source: answers or elements of answers from an outside API that could not be read. */
  public static final String MALFORMED_SOURCE_DATA = "malformed_source_data";

  public void add(String group, String name, long n) {
    groups
        .computeIfAbsent(group, g -> new ConcurrentHashMap<>())
        .computeIfAbsent(name, k -> new LongAdder())
        .add(n);
  }

  public void increment(String group, String name) {
    add(group, name, 1);
  }

  public long get(String group, String name) {
    LongAdder a = groups.getOrDefault(group, Map.of()).get(name);
    return a == null ? 0 : a.sum();
  }

  /** A sorted copy: group -> name -> value. */
  public Map<String, Map<String, Long>> snapshot() {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    groups.forEach(
        (group, counters) -> {
          Map<String, Long> values = new TreeMap<>();
          counters.forEach((name, adder) -> values.put(name, adder.sum()));
          out.put(group, values);
        });
    return out;
  }
}
