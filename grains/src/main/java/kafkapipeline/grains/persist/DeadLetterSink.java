package kafkapipeline.grains.persist;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import kafkapipeline.grains.cassandra.DeadLetterStore;
import kafkapipeline.grains.cassandra.DeadLetterStore.DeadLetter;

/**
 * Where a {@link TopicPersister} saves the records that cannot become rows ({@link DeadLetterStore}
 * over Cassandra; a list in tests). Saving the same record twice keeps one entry (it is keyed by
 * topic, partition and offset). The stage fails when the entry could not be saved.
 */
public interface DeadLetterSink {
  /** How many saves {@link #saveAll} has in flight at most. */
  int PARALLEL_SAVES = 16;

  CompletionStage<Void> save(DeadLetter d);

  /**
   * Saves every one, at most {@value #PARALLEL_SAVES} at a time. Completes when all are saved. On
   * the first failure no further save starts; the stage fails with that error once the saves in
   * flight have settled (some may be saved: saving again is harmless, so the caller retries all).
   */
  default CompletionStage<Void> saveAll(List<DeadLetter> letters) {
    return eachBounded(letters, PARALLEL_SAVES, this::save);
  }

  /**
   * Runs {@code action} on every item, at most {@code parallelism} at a time, in list order of
   * start; the semantics of {@link #saveAll}. An action that throws counts as one that failed.
   */
  static <T> CompletionStage<Void> eachBounded(
      List<T> items, int parallelism, Function<T, CompletionStage<Void>> action) {
    if (parallelism < 1) throw new IllegalArgumentException("parallelism < 1: " + parallelism);
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    CompletableFuture<?>[] lanes = new CompletableFuture<?>[Math.min(parallelism, items.size())];
    for (int i = 0; i < lanes.length; i++) lanes[i] = lane(items, next, failed, action);
    return CompletableFuture.allOf(lanes)
        .thenCompose(
            done ->
                failed.get() == null
                    ? CompletableFuture.<Void>completedFuture(null)
                    : CompletableFuture.<Void>failedFuture(failed.get()));
  }

  /** One lane: takes the next item until none is left or one failed; loops while saves are done. */
  private static <T> CompletableFuture<Void> lane(
      List<T> items,
      AtomicInteger next,
      AtomicReference<Throwable> failed,
      Function<T, CompletionStage<Void>> action) {
    while (true) {
      if (failed.get() != null) return CompletableFuture.completedFuture(null);
      int k = next.getAndIncrement();
      if (k >= items.size()) return CompletableFuture.completedFuture(null);
      CompletableFuture<Void> one;
      try {
        one = action.apply(items.get(k)).toCompletableFuture();
      } catch (RuntimeException e) {
        one = CompletableFuture.failedFuture(e);
      }
      if (one.isDone()) {
        if (one.isCompletedExceptionally()) one.exceptionally(e -> note(failed, e));
        continue;
      }
      return one.handle((v, e) -> e == null ? null : note(failed, e))
          .thenCompose(x -> lane(items, next, failed, action));
    }
  }

  private static Void note(AtomicReference<Throwable> failed, Throwable e) {
    Throwable cause =
        e instanceof java.util.concurrent.CompletionException && e.getCause() != null
            ? e.getCause()
            : e;
    failed.compareAndSet(null, cause);
    return null;
  }
}
