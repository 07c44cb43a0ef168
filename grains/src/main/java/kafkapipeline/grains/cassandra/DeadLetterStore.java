package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.kafka.Origin;
import kafkapipeline.grains.persist.BatchTriage;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Table {@code dead_letters}: records that cannot become rows, keyed by topic, partition and
 * offset, so saving the same record twice (after a replay) keeps one entry. Saved and deleted at
 * the write consistency, listed at the read consistency ({@link Consistency}).
 */
public final class DeadLetterStore implements kafkapipeline.grains.persist.DeadLetterSink {
  /**
   * @param errorClass what kind of failure: the exception's simple class name (e.g. {@code
   *     MalformedEventException}, {@code ArithmeticException}) or a marker such as {@code
   *     RecordTooLarge}; null in entries saved before the column existed
   * @param error the reason, safe to log
   * @param origin where the record first stood when it was itself a replayed dead letter (its
   *     {@link Topics#ORIGIN_HEADER}); null when it stood first where it failed ({@code partition},
   *     {@code offset})
   */
  public record DeadLetter(
      String topic,
      int partition,
      long offset,
      String key,
      byte[] payload,
      String errorClass,
      String error,
      Instant failedAt,
      Origin origin) {
    /** A dead letter without an origin of its own: it stood first where it failed. */
    public DeadLetter(
        String topic,
        int partition,
        long offset,
        String key,
        byte[] payload,
        String errorClass,
        String error,
        Instant failedAt) {
      this(topic, partition, offset, key, payload, errorClass, error, failedAt, null);
    }

    /**
     * The dead letter of a record read from Kafka: its position, key, value and the origin its
     * header carries ({@link Origin#of}: a malformed header is no origin). Never throws for any
     * record.
     */
    public static DeadLetter of(
        ConsumerRecord<String, byte[]> record, String errorClass, String error, Instant failedAt) {
      return new DeadLetter(
          record.topic(),
          record.partition(),
          record.offset(),
          record.key(),
          record.value(),
          errorClass,
          error,
          failedAt,
          Origin.of(record));
    }

    /** Where the record first stood: its origin, else where it failed. */
    public Origin firstPosition() {
      return origin != null ? origin : new Origin(partition, offset);
    }
  }

  private final CqlSession session;
  private final PreparedStatement insert;
  private final PreparedStatement delete;

  private DeadLetterStore(CqlSession session, PreparedStatement insert, PreparedStatement delete) {
    this.session = session;
    this.insert = insert;
    this.delete = delete;
  }

  public static CompletionStage<DeadLetterStore> prepare(CqlSession session) {
    return session
        .prepareAsync(
            "INSERT INTO "
                + Schema.KEYSPACE
                + ".dead_letters"
                + " (topic, partition, offset, record_key, payload, error_class, error, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .thenCombine(
            session.prepareAsync(
                "DELETE FROM "
                    + Schema.KEYSPACE
                    + ".dead_letters"
                    + " WHERE topic = ? AND partition = ? AND offset = ?"),
            (insert, delete) -> new DeadLetterStore(session, insert, delete));
  }

  /**
   * Publishes up to {@code limit} dead letters again, each to its topic with its key and payload,
   * and deletes each entry only after Kafka acknowledged it (one at a time, in table order): after
   * a fix, they become rows; a record that still cannot becomes a new dead letter at its new offset
   * (see {@link #replayed} for those a source marked). Stops at the first failure, which fails the
   * stage; what was replayed stays replayed.
   *
   * @return how many were replayed
   */
  public CompletionStage<Integer> replay(EventPublisher publisher, int limit) {
    return some(limit)
        .thenCompose(
            letters -> {
              CompletionStage<Integer> done = CompletableFuture.completedFuture(0);
              for (DeadLetter d : letters) {
                done =
                    done.thenCompose(
                        n ->
                            publisher
                                .publish(d.topic(), List.of(replayed(d)))
                                .thenCompose(
                                    acked ->
                                        session.executeAsync(
                                            delete.bind(d.topic(), d.partition(), d.offset())))
                                .thenApply(deleted -> n + 1));
              }
              return done;
            });
  }

  /**
   * A dead letter as it goes back to its topic: its key and payload, to the partition where it
   * first stood, with that first position as its origin (a replay of a replay keeps the first one);
   * one its source marked (only the head of an event too large for Kafka) keeps the mark and
   * reason, so it comes back as the same kind of dead letter rather than as a parse error of its
   * head.
   */
  static EventPublisher.KeyedRecord replayed(DeadLetter d) {
    String reason = BatchTriage.SOURCE_DEAD_LETTER.equals(d.errorClass()) ? d.error() : null;
    return new EventPublisher.KeyedRecord(d.key(), d.payload(), reason, d.firstPosition());
  }

  public CompletionStage<Void> save(DeadLetter d) {
    return session
        .executeAsync(
            insert
                .bind(
                    d.topic(),
                    d.partition(),
                    d.offset(),
                    d.key(),
                    d.payload() == null ? null : ByteBuffer.wrap(d.payload()),
                    d.errorClass(),
                    d.error(),
                    d.failedAt())
                .setIdempotent(true))
        .thenApply(rs -> null);
  }

  /** Up to {@code limit} entries (no particular order across topics). */
  public CompletionStage<List<DeadLetter>> some(int limit) {
    return session
        .executeAsync(
            Consistency.read(
                SimpleStatement.newInstance(
                    "SELECT topic, partition, offset, record_key, payload, error_class, error, failed_at FROM "
                        + Schema.KEYSPACE
                        + ".dead_letters LIMIT "
                        + limit)))
        .thenApply(
            rs -> {
              List<DeadLetter> out = new ArrayList<>();
              for (Row r : rs.currentPage()) {
                ByteBuffer payload = r.getByteBuffer("payload");
                byte[] bytes = null;
                if (payload != null) {
                  bytes = new byte[payload.remaining()];
                  payload.duplicate().get(bytes);
                }
                out.add(
                    new DeadLetter(
                        r.getString("topic"),
                        r.getInt("partition"),
                        r.getLong("offset"),
                        r.getString("record_key"),
                        bytes,
                        r.getString("error_class"),
                        r.getString("error"),
                        r.getInstant("failed_at")));
              }
              return out;
            });
  }
}
