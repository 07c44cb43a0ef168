package kafkapipeline.grains.kafka;

import java.nio.charset.StandardCharsets;
import kafkapipeline.api.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Where a record first stood in its topic: the value of header {@link Topics#ORIGIN_HEADER}, which
 * a replayed dead letter carries ({@code "<partition>:<offset>"}, ASCII decimal digits only).
 *
 * <p>Guarantees: {@link #parse} and {@link #of} never throw, whatever the bytes: anything but
 * exactly {@code digits ':' digits} with a partition in {@code [0, Integer.MAX_VALUE]} and an
 * offset in {@code [0, Long.MAX_VALUE]} (no sign, no spaces, no other characters, at most {@value
 * #MAX_HEADER_BYTES} bytes) is "no origin" (null). {@link #header()} of any origin parses back to
 * the same origin.
 *
 * @param partition the partition the record was first published to, {@code >= 0}
 * @param offset its offset there, {@code >= 0}
 */
public record Origin(int partition, long offset) {
  /** The longest header value read: {@code Integer.MAX_VALUE} and {@code Long.MAX_VALUE}. */
  static final int MAX_HEADER_BYTES = 10 + 1 + 19;

  public Origin {
    if (partition < 0) throw new IllegalArgumentException("partition < 0: " + partition);
    if (offset < 0) throw new IllegalArgumentException("offset < 0: " + offset);
  }

  /** The header value, {@code "<partition>:<offset>"} in ASCII. */
  public byte[] header() {
    return (partition + ":" + offset).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The origin the record carries (its last {@link Topics#ORIGIN_HEADER}), or null when it has
   * none, the header is malformed, or it cannot be where this record first stood: a replay goes
   * back to its first partition and lands after its first offset, so an origin on another
   * partition, or at or past the record's own offset, is forged or from a repartitioned topic.
   * Taking such a header would let any producer pin a row (a write time above every later
   * version's) or send a replay to a partition that does not exist. Never throws.
   */
  public static Origin of(ConsumerRecord<?, ?> record) {
    if (record == null || record.headers() == null) return null;
    Header h = record.headers().lastHeader(Topics.ORIGIN_HEADER);
    Origin origin = h == null ? null : parse(h.value());
    if (origin == null
        || origin.partition() != record.partition()
        || origin.offset() >= record.offset()) return null;
    return origin;
  }

  /** The origin these header bytes spell, or null if they spell none (see the class). */
  public static Origin parse(byte[] value) {
    if (value == null || value.length < 3 || value.length > MAX_HEADER_BYTES) return null;
    int colon = -1;
    for (int i = 0; i < value.length; i++) {
      if (value[i] == ':') {
        if (colon >= 0) return null;
        colon = i;
      } else if (value[i] < '0' || value[i] > '9') {
        return null;
      }
    }
    if (colon <= 0 || colon == value.length - 1) return null;
    long partition = digits(value, 0, colon, Integer.MAX_VALUE);
    long offset = digits(value, colon + 1, value.length, Long.MAX_VALUE);
    if (partition < 0 || offset < 0) return null;
    return new Origin((int) partition, offset);
  }

  /** The decimal value of value[from, to) (digits only, checked), or -1 if it exceeds max. */
  private static long digits(byte[] value, int from, int to, long max) {
    long n = 0;
    for (int i = from; i < to; i++) {
      int d = value[i] - '0';
      if (n > (max - d) / 10) return -1;
      n = n * 10 + d;
    }
    return n;
  }
}
