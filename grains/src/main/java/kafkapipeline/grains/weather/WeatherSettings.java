package kafkapipeline.grains.weather;

import com.typesafe.config.Config;
import java.time.Duration;
import kafkapipeline.grains.ConfigSection;

/**
 * The weather source's settings, section {@value #PATH}. A value out of range fails at construction
 * with the setting's full path in the message; the key is never printed.
 *
 * @param baseUrl OpenWeatherMap's base URL (a local replay server in tests)
 * @param apiKey the API key; empty disables weather with a visible reason
 * @param interval how often each city is polled
 * @param callsPerMinute the budget all city grains of the cluster share
 * @param wakeInterval how often registered cities are (re)activated wherever their shard lives
 */
public record WeatherSettings(
    String baseUrl, String apiKey, Duration interval, int callsPerMinute, Duration wakeInterval) {
  public static final String PATH = "pipeline.sources.weather";

  public WeatherSettings {
    ConfigSection.nonBlank(baseUrl, PATH + ".base-url");
    ConfigSection.positive(interval, PATH + ".interval");
    ConfigSection.atLeast(callsPerMinute, 1, PATH + ".calls-per-minute");
    ConfigSection.positive(wakeInterval, PATH + ".wake-interval");
  }

  /** Reads and checks section {@value #PATH} of {@code config} (the whole configuration). */
  public static WeatherSettings fromConfig(Config config) {
    ConfigSection s = ConfigSection.of(config, PATH);
    return new WeatherSettings(
        s.string("base-url"),
        s.string("api-key"),
        s.duration("interval"),
        s.integer("calls-per-minute"),
        s.duration("wake-interval"));
  }

  @Override
  public String toString() {
    // Never print the key.
    return "WeatherSettings[baseUrl="
        + baseUrl
        + ", apiKey="
        + (apiKey.isBlank() ? "(none)" : "***")
        + ", interval="
        + interval
        + ", callsPerMinute="
        + callsPerMinute
        + ", wakeInterval="
        + wakeInterval
        + "]";
  }
}
