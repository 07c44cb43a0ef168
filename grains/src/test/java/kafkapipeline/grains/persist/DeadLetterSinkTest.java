package kafkapipeline.grains.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kafkapipeline.grains.cassandra.DeadLetterStore.DeadLetter;
import org.junit.jupiter.api.Test;

/** saveAll: every letter saved, at most PARALLEL_SAVES at once, and no new save after a failure. */
class DeadLetterSinkTest {
  private static List<DeadLetter> letters(int n) {
    List<DeadLetter> out = new ArrayList<>();
    for (int i = 0; i < n; i++)
      out.add(new DeadLetter("t", 0, i, "k", new byte[] {1}, "X", "x", Instant.EPOCH));
    return out;
  }

  /** Saves that complete only when the test says, counting how many are in flight. */
  private static final class Pending implements DeadLetterSink {
    final List<CompletableFuture<Void>> open = new ArrayList<>();
    final Set<Long> saved = ConcurrentHashMap.newKeySet();
    final AtomicInteger inFlight = new AtomicInteger();
    int most;

    @Override
    public synchronized CompletionStage<Void> save(DeadLetter d) {
      most = Math.max(most, inFlight.incrementAndGet());
      CompletableFuture<Void> f = new CompletableFuture<>();
      open.add(f);
      return f.thenRun(
          () -> {
            inFlight.decrementAndGet();
            saved.add(d.offset());
          });
    }

    /** Completes the oldest open save (with an error when given); false when none is open. */
    boolean finishOne(RuntimeException error) {
      CompletableFuture<Void> f;
      synchronized (this) {
        if (open.isEmpty()) return false;
        f = open.remove(0);
      }
      if (error == null) f.complete(null);
      else f.completeExceptionally(error);
      return true;
    }
  }

  @Test
  void everyLetterIsSavedWithAtMostTheBoundInFlight() throws Exception {
    Pending sink = new Pending();
    CompletableFuture<Void> all = sink.saveAll(letters(100)).toCompletableFuture();
    assertEquals(DeadLetterSink.PARALLEL_SAVES, sink.open.size(), "the first saves start at once");
    while (sink.finishOne(null)) {}
    all.get(5, TimeUnit.SECONDS);
    assertEquals(100, sink.saved.size());
    assertEquals(DeadLetterSink.PARALLEL_SAVES, sink.most);
  }

  @Test
  void afterAFailureNoSaveStartsAndTheStageFailsWithIt() {
    Pending sink = new Pending();
    CompletableFuture<Void> all = sink.saveAll(letters(100)).toCompletableFuture();
    IllegalStateException refused = new IllegalStateException("refused");
    sink.finishOne(refused);
    int finished = 1;
    while (sink.finishOne(null)) finished++;
    assertEquals(DeadLetterSink.PARALLEL_SAVES, finished, "only the saves in flight settled");
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> all.get(5, TimeUnit.SECONDS));
    assertSame(refused, e.getCause());
    assertEquals(DeadLetterSink.PARALLEL_SAVES - 1, sink.saved.size());
  }

  @Test
  void savesThatCompleteAtOnceAndAnEmptyListNeitherRecurseNorHang() throws Exception {
    AtomicInteger n = new AtomicInteger();
    DeadLetterSink instant =
        d -> {
          n.incrementAndGet();
          return CompletableFuture.completedFuture(null);
        };
    instant.saveAll(letters(200_000)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(200_000, n.get());
    assertTrue(instant.saveAll(List.of()).toCompletableFuture().isDone());
    DeadLetterSink throwing =
        d -> {
          throw new IllegalArgumentException("bad");
        };
    assertFalse(
        !throwing.saveAll(letters(3)).toCompletableFuture().isCompletedExceptionally(),
        "a save that throws fails the stage");
  }
}
