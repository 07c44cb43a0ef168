package kafkapipeline.grains.spacex;

import java.time.Duration;

/**
 * @param baseUrl the SpaceX API's base URL (a local replay server in tests)
 * @param interval how often the launches are polled (failures back off from here)
 * @param includePast also poll {@code /v4/launches/past}, not only the upcoming launches
 */
public record SpaceXSettings(String baseUrl, Duration interval, boolean includePast) {
  public SpaceXSettings {
    if (baseUrl == null || baseUrl.isBlank())
      throw new IllegalArgumentException("spacex base-url must not be empty");
    if (interval.isNegative() || interval.isZero())
      throw new IllegalArgumentException("spacex interval must be > 0");
  }
}
