package kafkapipeline.grains.faker;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * @param ratePerSecond people per second, from 0 (pauses the source) to {@link #MAX_RATE}
 * @param limit stop after this many positions of the stream (0: never stop)
 * @param seed the stream's seed when no checkpoint exists yet (empty: a random one)
 * @param tick how often the source publishes what its rate allows
 */
public record FakerSettings(double ratePerSecond, long limit, OptionalLong seed, Duration tick) {
  /**
   * The largest rate, people per second, at start and at run time (the HTTP API's bound too):
   * beyond it one generator could not keep up anyway.
   */
  public static final double MAX_RATE = 1_000_000;

  public FakerSettings {
    // Also refuses NaN, which compares false with everything.
    if (!(ratePerSecond >= 0 && ratePerSecond <= MAX_RATE)) {
      throw new IllegalArgumentException(
          "faker rate must be a number from 0 to " + (long) MAX_RATE + ", was " + ratePerSecond);
    }
    if (limit < 0) throw new IllegalArgumentException("faker limit must be >= 0, was " + limit);
    if (tick.isNegative() || tick.isZero())
      throw new IllegalArgumentException("faker tick must be > 0");
  }
}
