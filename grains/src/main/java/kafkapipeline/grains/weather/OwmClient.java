package kafkapipeline.grains.weather;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.WeatherReport;

/**
 * OpenWeatherMap's current-weather call, non-blocking, in metric units. Every outcome is a
 * {@link Result}, never an exception; the API key never appears in a result (URLs and bodies
 * are redacted).
 */
public final class OwmClient {
  private static final ObjectMapper json = new ObjectMapper();
  private static final int MAX_ERROR_BODY = 200;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final String apiKey;

  public OwmClient(String baseUrl, String apiKey) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.apiKey = apiKey == null ? "" : apiKey;
  }

  public boolean hasKey() {
    return !apiKey.isBlank();
  }

  public sealed interface Result {}

  /** A report, with the city as the API names it. */
  public record Observed(WeatherReport report, String name, String country, long owmId) implements Result {}

  public record NotFound(String query) implements Result {}

  public record Unauthorized(String message) implements Result {}

  public record RateLimited(String message) implements Result {}

  /** A 5xx, a network failure or a body that is not a weather report. */
  public record Failed(String message) implements Result {}

  /** Current weather by name ("Hanoi,VN"). */
  public CompletionStage<Result> byName(String query) {
    return call("q=" + URLEncoder.encode(query, StandardCharsets.UTF_8), query);
  }

  /** Current weather by OpenWeatherMap city id (unambiguous once a city is registered). */
  public CompletionStage<Result> byId(long owmId, String query) {
    return call("id=" + owmId, query);
  }

  private CompletionStage<Result> call(String selector, String query) {
    URI uri = URI.create(baseUrl + "/data/2.5/weather?" + selector + "&units=metric&appid="
        + URLEncoder.encode(apiKey, StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle((response, error) -> error != null
            ? new Failed("request failed: " + redact(String.valueOf(error.getCause() != null ? error.getCause() : error)))
            : interpret(response.statusCode(), response.body(), query));
  }

  Result interpret(int status, String body, String query) {
    return switch (status) {
      case 200 -> parse(body, query);
      case 404 -> new NotFound(query);
      case 401 -> new Unauthorized("API key rejected (401): " + message(body));
      case 429 -> new RateLimited("rate limited (429): " + message(body));
      default -> new Failed("HTTP " + status + ": " + message(body));
    };
  }

  /** Parses a 200 body; the location is the city id built from the API's own name and country. */
  static Result parse(String body, String query) {
    try {
      JsonNode root = json.readTree(body);
      JsonNode main = root.path("main");
      String name = root.path("name").asText("");
      String country = root.path("sys").path("country").asText("");
      if (name.isBlank() || !root.hasNonNull("dt") || !main.hasNonNull("temp")) {
        return new Failed("not a weather report for " + query + ": missing name, dt or main.temp");
      }
      WeatherReport report = new WeatherReport(
          CityNames.id(name, country),
          Instant.ofEpochSecond(root.path("dt").asLong()),
          root.path("weather").path(0).path("description").asText(""),
          (float) main.path("temp").asDouble(),
          (float) main.path("feels_like").asDouble(),
          (float) main.path("temp_min").asDouble(),
          (float) main.path("temp_max").asDouble(),
          (float) main.path("pressure").asDouble(),
          (float) main.path("humidity").asDouble(),
          (float) root.path("wind").path("speed").asDouble(),
          root.path("sys").path("sunrise").asLong(),
          root.path("sys").path("sunset").asLong());
      return new Observed(report, name, country, root.path("id").asLong());
    } catch (Exception e) {
      return new Failed("malformed weather JSON for " + query + ": " + e.getMessage());
    }
  }

  private String message(String body) {
    String text = body == null ? "" : body;
    try {
      JsonNode node = json.readTree(text);
      if (node != null && node.hasNonNull("message")) text = node.get("message").asText();
    } catch (Exception notJson) {
      // keep the raw text
    }
    text = redact(text);
    return text.length() > MAX_ERROR_BODY ? text.substring(0, MAX_ERROR_BODY) + "…" : text;
  }

  private String redact(String text) {
    return apiKey.isBlank() ? text : text.replace(apiKey, "***");
  }
}
