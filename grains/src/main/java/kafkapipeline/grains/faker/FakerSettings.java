package kafkapipeline.grains.faker;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.OptionalLong;
import kafkapipeline.grains.ConfigSection;

/**
 * The fake-person source's settings, section {@value #PATH}. A value out of range fails at
 * construction with the setting's full path in the message.
 *
 * @param ratePerSecond people per second, from 0 (pauses the source) to {@link #MAX_RATE}
 * @param limit stop after this many positions of the stream (0: never stop)
 * @param seed the stream's seed when no checkpoint exists yet (empty: a random one)
 * @param tick how often the source publishes what its rate allows
 */
public record FakerSettings(double ratePerSecond, long limit, OptionalLong seed, Duration tick) {
  public static final String PATH = "pipeline.sources.faker";

  /**
   * The largest rate, people per second, at start and at run time (the HTTP API's bound too):
   * beyond it one generator could not keep up anyway.
   */
  public static final double MAX_RATE = 1_000_000;

  public FakerSettings {
    // Also refuses NaN, which compares false with everything.
    if (!(ratePerSecond >= 0 && ratePerSecond <= MAX_RATE)) {
      throw new IllegalArgumentException(
          PATH + ".rate must be a number from 0 to " + (long) MAX_RATE + ", was " + ratePerSecond);
    }
    ConfigSection.atLeast(limit, 0, PATH + ".limit");
    ConfigSection.positive(tick, PATH + ".tick");
  }

  /** Reads and checks section {@value #PATH} of {@code config} (the whole configuration). */
  public static FakerSettings fromConfig(Config config) {
    ConfigSection s = ConfigSection.of(config, PATH);
    return new FakerSettings(
        s.number("rate"),
        s.longInteger("limit"),
        seed(s.string("seed"), s.path("seed")),
        s.duration("tick"));
  }

  private static OptionalLong seed(String value, String path) {
    if (value.isBlank()) return OptionalLong.empty();
    try {
      return OptionalLong.of(Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(path + ": '" + value + "' is not a whole number");
    }
  }
}
