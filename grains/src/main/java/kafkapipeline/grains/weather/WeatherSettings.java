package kafkapipeline.grains.weather;

import java.time.Duration;

/**
 * @param baseUrl OpenWeatherMap's base URL (a local replay server in tests)
 * @param apiKey the API key; empty disables weather with a visible reason
 * @param interval how often each city is polled
 * @param callsPerMinute the budget all city grains of the cluster share
 * @param wakeInterval how often registered cities are (re)activated wherever their shard lives
 */
public record WeatherSettings(
    String baseUrl, String apiKey, Duration interval, int callsPerMinute, Duration wakeInterval) {
  public WeatherSettings {
    if (interval.isNegative() || interval.isZero())
      throw new IllegalArgumentException("weather interval must be > 0");
    if (callsPerMinute < 1)
      throw new IllegalArgumentException("weather calls-per-minute must be >= 1");
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
        + "]";
  }
}
