package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import kafkapipeline.api.grains.PersisterProtocol;
import org.junit.jupiter.api.Test;

/** What a coordinator makes of its persisters' answers to a pause, without servers. */
class TopicRewindTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final PersisterProtocol.RewindId OTHER =
      new PersisterProtocol.RewindId("rewind-2", "10.0.0.2:2551");

  private static CompletableFuture<PersisterProtocol.Paused> paused(String silo) {
    return CompletableFuture.completedFuture(
        new PersisterProtocol.Paused("faker", silo, true, null));
  }

  @Test
  void everyPersisterPausedIsResumedAndNothingStops() {
    var p =
        TopicRewind.pauses("faker", List.of("a", "b"), List.of(paused("a"), paused("b")), TIMEOUT);
    assertEquals(new TopicRewind.Pauses<>(List.of("a", "b"), 2, null, null), p);
  }

  @Test
  void aPersisterPausedForAnotherRewindIsAConflictAndIsNotResumed() {
    var busy =
        CompletableFuture.completedFuture(new PersisterProtocol.Paused("faker", "b", false, OTHER));
    var p =
        TopicRewind.pauses(
            "faker",
            List.of("a", "b", "c"),
            List.of(paused("a"), busy, CompletableFuture.failedFuture(new TimeoutException("ask"))),
            TIMEOUT);
    assertEquals(List.of("a", "c"), p.toResume());
    assertEquals(1, p.paused());
    assertEquals(
        "a rewind of faker is running, started by 10.0.0.2:2551 (rewind rewind-2); try again once"
            + " it is done",
        p.conflict());
  }

  @Test
  void aPersisterThatDidNotAnswerFailsTheRewindAndIsResumedAnyway() {
    var p =
        TopicRewind.pauses(
            "faker",
            List.of("a", "b"),
            List.of(paused("a"), CompletableFuture.failedFuture(new TimeoutException("ask"))),
            TIMEOUT);
    assertEquals(List.of("a", "b"), p.toResume());
    assertEquals(null, p.conflict());
    assertTrue(
        p.failure()
            .startsWith("a persister of faker did not pause within 15000 ms: TimeoutException"),
        p.failure());
  }
}
