package kafkapipeline.grains.persist;

import kafkapipeline.api.Topics;
import kafkapipeline.grains.kafka.Origin;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The Cassandra write time (microseconds, {@code USING TIMESTAMP}) of a record's row: {@link #BASE}
 * plus the record's offset in its partition. So the row of every key holds the cells of the last
 * record of that key in its partition's order, whatever order the writes reach Cassandra in.
 *
 * <p>Why the offset and not a clock: Cassandra keeps, per cell, the value with the highest write
 * time, and on a tie the larger value (a null, a tombstone, wins a tie). With the driver's clock
 * the rows of one request shared one time, so versions of a key in one batch mixed cell by cell;
 * two batches in flight, a retried group, a replay after a crash or a rebalance, a rewind could
 * each put an older version over a newer one. The record's own timestamp does not help either: the
 * producing singleton may move to a silo whose clock is behind, and several versions share a
 * millisecond. The offset is the order Kafka itself gives a partition: strictly increasing, the
 * same on every read, so a replayed record writes exactly what it wrote before (same cells, same
 * time: a no-op), and writes commute.
 *
 * <p>A record of one key always lands on one partition (every source keys by its natural id), so
 * offsets order all versions of a row. Limits, stated in the README: adding partitions to a topic
 * moves keys to other partitions, and a topic deleted and made again starts its offsets at 0; in
 * both cases truncate the table first and rewind, or the older offsets' rows win.
 *
 * <p>Why {@link #BASE}: rows written before this existed carry the driver's clock (about 1.8e15 µs
 * in 2026); every offset-derived time is above any clock time before the year 2112, so a new write
 * always wins over an old row after an upgrade.
 *
 * <p>A replayed dead letter carries header {@link Topics#ORIGIN_HEADER} ({@code
 * "<partition>:<offset>"}): its row takes the write time of that first position, so a newer version
 * written since is not overwritten. A header that does not parse, or names another partition (the
 * topic was repartitioned), is ignored: the record's own offset counts.
 */
public final class WriteTime {
  /** 2^52 µs: 4.5e15, the year 2112 as a clock time. */
  public static final long BASE = 1L << 52;

  private WriteTime() {}

  public static long of(ConsumerRecord<?, ?> record) {
    return BASE + position(record);
  }

  /** The offset whose order the record's row takes: its origin's when it is a replay. */
  static long position(ConsumerRecord<?, ?> record) {
    // Origin.of takes only an origin that can be the record's first position: on its partition,
    // before its offset (a forged or a repartitioned one is none, so the record's own counts).
    Origin origin = Origin.of(record);
    return origin != null ? origin.offset() : record.offset();
  }
}
