package kafkapipeline.grains.declarative;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a failing source waits before its next attempt: the longest of the exponential backoff,
 * what the failure asked for (a 429's Retry-After) and the stream's {@code retry:} (kept within the
 * settings' minimum and maximum). Pure but for the jitter.
 */
final class Backoff {
  private Backoff() {}

  static long waitMillis(
      DeclarativeSettings s, int failures, Duration atLeast, Optional<Duration> serverRetry) {
    long min = s.minBackoff().toMillis();
    long max = s.maxBackoff().toMillis();
    long retry = serverRetry.map(r -> Math.min(max, Math.max(min, r.toMillis()))).orElse(0L);
    long backoff = millis(s, failures, ThreadLocalRandom.current().nextDouble());
    return Math.max(atLeast.toMillis(), Math.max(backoff, retry));
  }

  /**
   * The wait after {@code failures} failures in a row: the minimum doubled per failure, capped at
   * the maximum, times a jitter of 0.8 to 1.2 ({@code jitter} in [0, 1)), still within the maximum.
   */
  static long millis(DeclarativeSettings settings, int failures, double jitter) {
    long min = settings.minBackoff().toMillis();
    long max = settings.maxBackoff().toMillis();
    long exp = Math.min(max, min << Math.min(Math.max(failures, 1) - 1, 30));
    return Math.min(max, (long) (exp * (0.8 + 0.4 * jitter)));
  }
}
