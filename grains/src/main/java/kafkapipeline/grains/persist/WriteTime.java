package kafkapipeline.grains.persist;

import java.nio.charset.StandardCharsets;
import kafkapipeline.api.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

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
    Header origin = record.headers().lastHeader(Topics.ORIGIN_HEADER);
    if (origin != null) {
      long offset = originOffset(origin.value(), record.partition());
      if (offset >= 0) return offset;
    }
    return record.offset();
  }

  /**
   * The offset of an origin header {@code "<partition>:<offset>"} naming {@code partition}; -1 when
   * it does not parse, names another partition or an offset past the record's own range.
   */
  static long originOffset(byte[] value, int partition) {
    if (value == null || value.length == 0 || value.length > 40) return -1;
    String text = new String(value, StandardCharsets.US_ASCII);
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) return -1;
    long p = digits(text, 0, colon);
    long offset = digits(text, colon + 1, text.length());
    if (p != partition || offset < 0 || offset >= Long.MAX_VALUE - BASE) return -1;
    return offset;
  }

  /** The decimal number of {@code text[from, to)}: plain digits only, else -1. */
  private static long digits(String text, int from, int to) {
    if (to - from > 18) return -1;
    long n = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') return -1;
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
