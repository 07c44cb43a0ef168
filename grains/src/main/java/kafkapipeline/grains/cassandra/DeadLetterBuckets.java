package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The bucket index {@code dead_letter_days} of {@link DeadLetterStore}: emptied old buckets removed
 * without losing a save that races the removal.
 */
final class DeadLetterBuckets {
  /** Called between finding a bucket empty and removing its index line (tests race it). */
  interface BeforeRemove {
    CompletionStage<Void> emptyFound(String topic, LocalDate day);
  }

  record Bucket(String topic, LocalDate day) {}

  /** How much earlier than its check a bucket's index line delete is timed. */
  static final java.time.Duration SAVE_MARGIN = java.time.Duration.ofSeconds(30);

  /** {@link #SAVE_MARGIN}, or less in a test that empties a bucket and removes it at once. */
  volatile java.time.Duration saveMargin = SAVE_MARGIN;

  private final CqlSession session;
  private final DeadLetterStatements cql;
  volatile BeforeRemove beforeRemove = (topic, day) -> nothing();

  DeadLetterBuckets(CqlSession session, DeadLetterStatements cql) {
    this.session = session;
    this.cql = cql;
  }

  /**
   * Removes the bucket's index line if the bucket holds no entry. No partition delete: each entry
   * already has its row tombstone, and a partition tombstone would also hide an entry saved after
   * the check (a legacy move or another silo may still save into an old day). The index line is
   * deleted with the timestamp of the check's start less {@link #SAVE_MARGIN}, so an index write
   * after it (a racing save's, at its silo's clock time, up to the margin behind) survives; a save
   * whose index line was written before but whose entry landed after the check is caught by
   * checking again and writing the line back.
   */
  CompletionStage<Void> removeIfEmpty(Bucket b) {
    // Before the check by a margin: a racing save's index line may carry an earlier write time (a
    // silo whose clock is behind, a save whose line went out just before the check); it must win
    // over this delete. The cost: a line written within the margin keeps an empty bucket listed
    // until the next tidy.
    long checkStart = micros(Instant.now().minus(saveMargin));
    return probe(b)
        .thenCompose(
            empty -> {
              if (!empty) return nothing();
              return beforeRemove
                  .emptyFound(b.topic(), b.day())
                  .thenCompose(
                      x ->
                          session.executeAsync(
                              cql.deleteDayAt.bind(
                                  checkStart, DeadLetterStore.SCOPE, b.day(), b.topic())))
                  .thenCompose(x -> probe(b))
                  .thenCompose(
                      stillEmpty ->
                          stillEmpty
                              ? nothing()
                              : session
                                  .executeAsync(
                                      cql.insertDay
                                          .bind(DeadLetterStore.SCOPE, b.day(), b.topic())
                                          .setIdempotent(true))
                                  .thenApply(rs -> (Void) null));
            });
  }

  private CompletionStage<Boolean> probe(Bucket b) {
    return session
        .executeAsync(Consistency.read(cql.probeBucket.bind(b.topic(), b.day())))
        .thenApply(rs -> rs.one() == null);
  }

  /** Microseconds since the epoch, the unit of Cassandra's write timestamps. */
  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  static CompletionStage<Void> nothing() {
    return CompletableFuture.completedFuture(null);
  }
}
