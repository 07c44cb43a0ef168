package kafkapipeline.grains.cassandra;

import java.time.LocalDate;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * The package-private test hooks of {@link DeadLetterStore}, for the tests on the real Cassandra
 * (in another package): what runs between a bucket found empty and its removal.
 */
public final class DeadLetterHooks {
  private DeadLetterHooks() {}

  /** Runs {@code hook} after each old bucket is found empty, before its index line is removed. */
  public static void beforeRemove(
      DeadLetterStore store, BiFunction<String, LocalDate, CompletionStage<Void>> hook) {
    store.buckets.beforeRemove = hook::apply;
  }

  /**
   * How much earlier than its emptiness check an old bucket's index line is removed (30 s unless
   * set): a test that saves into an old bucket and empties it seconds later sets it lower.
   */
  public static void saveMargin(DeadLetterStore store, java.time.Duration margin) {
    store.buckets.saveMargin = margin;
  }
}
