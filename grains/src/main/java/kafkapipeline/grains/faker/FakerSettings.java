package kafkapipeline.grains.faker;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * @param ratePerSecond people per second; 0 pauses the source
 * @param limit stop after this many positions of the stream (0: never stop)
 * @param seed the stream's seed when no checkpoint exists yet (empty: a random one)
 * @param tick how often the source publishes what its rate allows
 */
public record FakerSettings(double ratePerSecond, long limit, OptionalLong seed, Duration tick) {
  public FakerSettings {
    if (ratePerSecond < 0) throw new IllegalArgumentException("faker rate must be >= 0, was " + ratePerSecond);
    if (limit < 0) throw new IllegalArgumentException("faker limit must be >= 0, was " + limit);
    if (tick.isNegative() || tick.isZero()) throw new IllegalArgumentException("faker tick must be > 0");
  }
}
