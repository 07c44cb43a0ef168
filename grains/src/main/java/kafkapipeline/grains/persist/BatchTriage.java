package kafkapipeline.grains.persist;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.cassandra.DeadLetterStore.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Sorts one batch of Kafka records, before anything is written, into rows to write, dead letters
 * and skipped tombstones. Pure: no I/O, no clock but the one passed in.
 *
 * <p>Guarantees: every record becomes exactly one of the three, whatever its bytes, and no
 * exception escapes for any record: whatever the mapper throws while parsing, validating or binding
 * one record (a {@link MalformedEventException}, or anything else: an overflowing instant, a bug)
 * makes that record a dead letter naming the error's class and message, and the next record is
 * sorted as if nothing happened. Only {@link Error}s (out of memory) escape: they are the JVM's,
 * not the record's. The order of rows is the order of the records. A reason is kept to its first
 * {@value #MAX_REASON_CHARS} characters (it goes into a log line and a cell).
 */
public final class BatchTriage {
  /**
   * The class recorded for a dead letter a source marked with {@link Topics#DEAD_LETTER_HEADER}.
   */
  public static final String SOURCE_DEAD_LETTER = "SourceDeadLetter";

  /** The class recorded for a record over {@code max-record-bytes}. */
  public static final String RECORD_TOO_LARGE = "RecordTooLarge";

  /**
   * @param rows the rows to write, in record order
   * @param rowRecords the record of each row, same index
   * @param deadLetters records that cannot become rows
   * @param tombstones records with a null value (Kafka's deletion marker): nothing to write
   */
  public record Outcome<R>(
      List<R> rows,
      List<ConsumerRecord<String, byte[]>> rowRecords,
      List<DeadLetter> deadLetters,
      List<ConsumerRecord<String, byte[]>> tombstones) {}

  private BatchTriage() {}

  public static <R> Outcome<R> sort(
      List<ConsumerRecord<String, byte[]>> records,
      Function<ConsumerRecord<String, byte[]>, R> toRow,
      int maxRecordBytes,
      Instant now) {
    List<R> rows = new ArrayList<>(records.size());
    List<ConsumerRecord<String, byte[]>> rowRecords = new ArrayList<>(records.size());
    List<DeadLetter> dead = new ArrayList<>();
    List<ConsumerRecord<String, byte[]>> tombstones = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      byte[] value = record.value();
      String marked = sourceDeadLetterReason(record);
      if (marked != null) {
        dead.add(deadLetter(record, SOURCE_DEAD_LETTER, marked, now));
      } else if (value == null) {
        tombstones.add(record);
      } else if (value.length > maxRecordBytes) {
        dead.add(
            deadLetter(
                record,
                RECORD_TOO_LARGE,
                "record of "
                    + value.length
                    + " bytes exceeds max-record-bytes ("
                    + maxRecordBytes
                    + ")",
                now));
      } else {
        try {
          R row = toRow.apply(record);
          if (row == null) throw new IllegalStateException("the mapper made no row");
          rows.add(row);
          rowRecords.add(record);
        } catch (RuntimeException e) {
          dead.add(
              deadLetter(
                  record, e.getClass().getSimpleName(), String.valueOf(e.getMessage()), now));
        }
      }
    }
    return new Outcome<>(rows, rowRecords, dead, tombstones);
  }

  /** The reason a source gave, or null when the record carries no dead-letter header. */
  static String sourceDeadLetterReason(ConsumerRecord<String, byte[]> record) {
    Header header = record.headers().lastHeader(Topics.DEAD_LETTER_HEADER);
    if (header == null) return null;
    byte[] reason = header.value();
    return reason == null || reason.length == 0
        ? "marked as a dead letter by its source"
        : new String(reason, StandardCharsets.UTF_8);
  }

  /**
   * The longest reason kept: a source's header or an exception's message may echo a whole event.
   */
  static final int MAX_REASON_CHARS = 1_000;

  public static DeadLetter deadLetter(
      ConsumerRecord<String, byte[]> record, String errorClass, String error, Instant now) {
    String reason =
        error.length() <= MAX_REASON_CHARS
            ? error
            : error.substring(0, MAX_REASON_CHARS) + "… (" + error.length() + " characters)";
    // A replayed record that fails again keeps where it first stood (its origin header).
    return DeadLetter.of(record, errorClass, reason, now);
  }
}
