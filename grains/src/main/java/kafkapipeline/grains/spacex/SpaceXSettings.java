package kafkapipeline.grains.spacex;

import com.typesafe.config.Config;
import java.time.Duration;
import kafkapipeline.grains.ConfigSection;

/**
 * The SpaceX source's settings, section {@value #PATH}. A value out of range fails at construction
 * with the setting's full path in the message.
 *
 * @param baseUrl the SpaceX API's base URL (a local replay server in tests)
 * @param interval how often the launches are polled (failures back off from here)
 * @param includePast also poll {@code /v4/launches/past}, not only the upcoming launches
 */
public record SpaceXSettings(String baseUrl, Duration interval, boolean includePast) {
  public static final String PATH = "pipeline.sources.spacex";

  public SpaceXSettings {
    ConfigSection.nonBlank(baseUrl, PATH + ".base-url");
    ConfigSection.positive(interval, PATH + ".interval");
  }

  /** Reads and checks section {@value #PATH} of {@code config} (the whole configuration). */
  public static SpaceXSettings fromConfig(Config config) {
    ConfigSection s = ConfigSection.of(config, PATH);
    return new SpaceXSettings(s.string("base-url"), s.duration("interval"), s.bool("include-past"));
  }
}
