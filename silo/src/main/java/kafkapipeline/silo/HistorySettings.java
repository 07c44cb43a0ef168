package kafkapipeline.silo;

import com.typesafe.config.Config;
import java.time.Duration;
import kafkapipeline.grains.ConfigSection;

/**
 * The one-hour history and the alerts, section {@value #PATH}. A bad value fails at construction
 * with the setting's full path in the message.
 *
 * @param interval time between two samples of this silo's figures ({@link SiloHistory}), from 1 s
 *     to 10 min in whole seconds; also how often the alerts of {@code /metrics} are evaluated
 */
public record HistorySettings(Duration interval) {
  public static final String PATH = "pipeline.history";

  public HistorySettings {
    ConfigSection.positive(interval, PATH + ".interval");
    // Whole seconds: the API states the resolution in seconds, and samples are stamped in seconds.
    if (interval.toMillis() % 1000 != 0 || interval.toSeconds() > 600)
      throw new IllegalArgumentException(
          PATH + ".interval must be whole seconds from 1 s to 600 s, was " + interval);
  }

  /** Reads and checks section {@value #PATH} of {@code config} (the whole configuration). */
  public static HistorySettings fromConfig(Config config) {
    return new HistorySettings(ConfigSection.of(config, PATH).duration("interval"));
  }
}
