package kafkapipeline.grains.weather;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
 * OpenWeatherMap's current-weather call, non-blocking, in metric units. Every outcome is a {@link
 * Result}, never an exception; the API key never appears in a result (every message is redacted,
 * whatever the server echoed).
 *
 * <p>A 200 body becomes an {@link Observed} only if every field the report uses is of its JSON type
 * and fits it: {@code name} a non-blank string of at most {@value #MAX_TEXT} characters, {@code dt}
 * whole seconds that Cassandra's millisecond timestamp can hold, {@code main.temp} and every other
 * measurement a finite number within {@code float}'s range. An absent or null optional field reads
 * as 0 (or ""). Anything else, and a body that is not one JSON object, is a {@link Failed} whose
 * message starts with {@code malformed weather JSON}.
 */
public final class OwmClient {
  private static final ObjectMapper json =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final int MAX_ERROR_BODY = 200;

  /** The longest name, country or description a report may carry. */
  static final int MAX_TEXT = 200;

  // Epoch seconds whose milliseconds fit a long (Cassandra's timestamp).
  private static final long MAX_EPOCH_SECOND = Long.MAX_VALUE / 1000;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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
  public record Observed(WeatherReport report, String name, String country, long owmId)
      implements Result {}

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
    URI uri =
        URI.create(
            baseUrl
                + "/data/2.5/weather?"
                + selector
                + "&units=metric&appid="
                + URLEncoder.encode(apiKey, StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, error) ->
                error != null
                    ? new Failed(
                        "request failed: "
                            + redact(
                                String.valueOf(
                                    error.getCause() != null ? error.getCause() : error)))
                    : interpret(response.statusCode(), response.body(), query));
  }

  Result interpret(int status, String body, String query) {
    return switch (status) {
      case 200 -> redacted(parse(body, query));
      case 404 -> new NotFound(query);
      case 401 -> new Unauthorized("API key rejected (401): " + message(body));
      case 429 -> new RateLimited("rate limited (429): " + message(body));
      default -> new Failed("HTTP " + status + ": " + message(body));
    };
  }

  /** Parses a 200 body; the location is the city id built from the API's own name and country. */
  static Result parse(String body, String query) {
    JsonNode root;
    try {
      root = json.readTree(body == null ? "" : body);
    } catch (Exception e) {
      // Jackson's own limits (nesting, number and string length) land here too.
      return malformed(
          query,
          "not JSON: "
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
    if (root == null || !root.isObject()) return malformed(query, "not a JSON object");
    try {
      String name = text(root, "name");
      if (name.isBlank() || !root.hasNonNull("dt") || !root.path("main").hasNonNull("temp")) {
        return malformed(query, "missing name, dt or main.temp");
      }
      String country = text(object(root, "sys"), "country");
      long dt = whole(root, "dt");
      if (dt > MAX_EPOCH_SECOND || dt < -MAX_EPOCH_SECOND)
        throw new Bad("dt " + dt + " is out of the timestamp range");
      JsonNode main = object(root, "main");
      JsonNode weather = root.path("weather");
      if (!weather.isMissingNode() && !weather.isNull() && !weather.isArray())
        throw new Bad("weather is not an array");
      JsonNode sys = object(root, "sys");
      WeatherReport report =
          new WeatherReport(
              CityNames.id(name, country),
              Instant.ofEpochSecond(dt),
              text(object(weather, 0), "description"),
              measure(main, "temp"),
              measure(main, "feels_like"),
              measure(main, "temp_min"),
              measure(main, "temp_max"),
              measure(main, "pressure"),
              measure(main, "humidity"),
              measure(object(root, "wind"), "speed"),
              whole(sys, "sunrise"),
              whole(sys, "sunset"));
      return new Observed(report, name, country, whole(root, "id"));
    } catch (Bad e) {
      return malformed(query, e.getMessage());
    }
  }

  private static Failed malformed(String query, String why) {
    return new Failed("malformed weather JSON for " + query + ": " + why);
  }

  /** A field that is not what the report needs. */
  private static final class Bad extends RuntimeException {
    Bad(String message) {
      super(message, null, false, false);
    }
  }

  private static boolean absent(JsonNode v) {
    return v.isMissingNode() || v.isNull();
  }

  /**
   * The object under {@code field} (absent or null: a missing node, whose fields are all absent).
   */
  private static JsonNode object(JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (!absent(v) && !v.isObject()) throw new Bad(field + " is not an object");
    return v;
  }

  private static JsonNode object(JsonNode array, int index) {
    JsonNode v = array.path(index);
    if (!absent(v) && !v.isObject()) throw new Bad("element " + index + " is not an object");
    return v;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (absent(v)) return "";
    if (!v.isTextual()) throw new Bad(field + " is not a string");
    if (v.textValue().length() > MAX_TEXT)
      throw new Bad(field + " is longer than " + MAX_TEXT + " characters");
    return v.textValue();
  }

  private static float measure(JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (absent(v)) return 0f;
    if (!v.isNumber()) throw new Bad(field + " is not a number");
    double d = v.doubleValue();
    if (!Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE)
      throw new Bad(field + " is out of range");
    return (float) d;
  }

  private static long whole(JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (absent(v)) return 0L;
    if (!v.isIntegralNumber() || !v.canConvertToLong())
      throw new Bad(field + " is not a whole number of 64 bits");
    return v.longValue();
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

  // The parser's message may quote the body, and a proxy or a broken server may echo the request
  // URL.
  private Result redacted(Result result) {
    if (!(result instanceof Failed f)) return result;
    String text = redact(f.message());
    // Clipped only after the key is gone: a clip could cut the key and leave its start.
    return new Failed(
        text.length() > 2 * MAX_ERROR_BODY ? text.substring(0, 2 * MAX_ERROR_BODY) + "…" : text);
  }

  /** The key, also as it appears URL-encoded in the request, replaced by {@code ***}. */
  private String redact(String text) {
    if (apiKey.isBlank()) return text;
    return text.replace(apiKey, "***")
        .replace(URLEncoder.encode(apiKey, StandardCharsets.UTF_8), "***");
  }
}
