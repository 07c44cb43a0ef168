package kafkapipeline.grains.kafka;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where source grains hand their events. The returned stage completes once every record of the call
 * is acknowledged by the broker, and fails if any one is not; callers never block on it.
 */
public interface EventPublisher {
  CompletionStage<Void> publish(String topic, List<KeyedRecord> records);

  /**
   * A record's key (its natural id, so one key always lands on one partition) and JSON value.
   *
   * @param deadLetterReason null for an event; else why what the source read is not one: the record
   *     then travels with header {@link kafkapipeline.api.Topics#DEAD_LETTER_HEADER} and ends in
   *     {@code dead_letters}, not in a table
   * @param origin null for a new record (the producer's partitioner picks its partition); else
   *     where the record first stood (a replayed dead letter): it is published to that partition
   *     with header {@link kafkapipeline.api.Topics#ORIGIN_HEADER} saying where, see {@link Origin}
   */
  record KeyedRecord(String key, byte[] value, String deadLetterReason, Origin origin) {
    /** How much of an unusable input a dead-letter marker keeps. */
    public static final int DEAD_LETTER_HEAD_BYTES = 4_096;

    public KeyedRecord(String key, byte[] value) {
      this(key, value, null, null);
    }

    public KeyedRecord(String key, byte[] value, String deadLetterReason) {
      this(key, value, deadLetterReason, null);
    }

    /** This record, to be published to {@code origin}'s partition with its origin header. */
    public KeyedRecord withOrigin(Origin origin) {
      return new KeyedRecord(key, value, deadLetterReason, origin);
    }

    /** A marker for input that cannot be an event, keeping its first few KiB for inspection. */
    public static KeyedRecord deadLetter(String key, byte[] input, String reason) {
      byte[] head =
          input == null || input.length <= DEAD_LETTER_HEAD_BYTES
              ? input
              : Arrays.copyOf(input, DEAD_LETTER_HEAD_BYTES);
      return new KeyedRecord(key, head, reason);
    }

    /**
     * Key plus value, the size Kafka limits (see {@link kafkapipeline.api.Topics#MAX_EVENT_BYTES}).
     */
    public int sizeBytes() {
      int keyBytes = key == null ? 0 : key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      return keyBytes + (value == null ? 0 : value.length);
    }
  }
}
