package kafkapipeline.grains.weather;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The budget's bookkeeping at sizes far past the (a budget of millions a minute, a line of
 * tens of thousands): its memory does not grow with the budget and each message costs the same
 * whatever the line's length. The bounds are generous: the former log held an entry per grant (a
 * million here) and the former line walked itself for every message (over 10 s here).
 */
class GrantWindowBoundsTest {
  private static final long S = 1_000_000_000L;
  private static final long STALE = 60 * S;

  @Test
  void aHugeBudgetKeepsALogOfBoundedSizeAndAnswersAtOnce() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          int budget = 1_000_000;
          GrantWindow w = GrantWindow.fresh(budget, STALE);
          // A million grants spread over the minute, each at its own nanosecond.
          for (int i = 0; i < budget; i++) assertTrue(w.tryAcquire(i * 59_999L));
          long now = 60 * S - 1;
          assertFalse(w.tryAcquire(now));
          assertTrue(
              w.logSize() <= GrantWindow.WINDOW / GrantWindow.STEP + 1,
              "log entries: " + w.logSize());
          // Every refused add is told when to come back: 10,000 of them, each at once.
          for (int i = 0; i < 10_000; i++) assertTrue(w.expectedIn(i, now) > 0);
          // A handover with the largest budget there is counts its whole minute in one entry.
          GrantWindow after = GrantWindow.afterHandover(Integer.MAX_VALUE, STALE, now);
          assertEquals(0, after.free(now));
          assertEquals(1, after.logSize());
          assertEquals(Integer.MAX_VALUE, after.free(now + GrantWindow.WINDOW + GrantWindow.STEP));
        });
  }

  @Test
  void aLongLineCostsTheSameForEveryMessage() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          int waiters = 50_000;
          GrantWindow w = GrantWindow.fresh(1, STALE);
          assertTrue(w.tryAcquire(0));
          long now = S;
          for (int i = 0; i < waiters; i++) {
            assertEquals(0, w.awaitTurn("c" + i, "c" + i, now).size());
            assertEquals(i, w.ahead("c" + i));
          }
          // Every waiter asks again (the 20 s refresh), keeping its place.
          now += 20 * S;
          for (int i = 0; i < waiters; i++) {
            w.awaitTurn("c" + i, "c" + i, now);
            assertEquals(i, w.ahead("c" + i));
            assertTrue(w.nextRelease(now) > 0);
          }
          assertEquals(waiters, w.waiting());
        });
  }
}
