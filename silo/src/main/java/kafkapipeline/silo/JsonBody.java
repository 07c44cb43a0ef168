package kafkapipeline.silo;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import kafkapipeline.grains.weather.CityNames;

/**
 * The request bodies of the API, read as JSON whatever their declared Content-Type (curl's {@code
 * -d} declares {@code application/x-www-form-urlencoded}). Each reader takes the raw bytes and
 * gives either the request or one sentence saying what is wrong: empty, not JSON (invalid UTF-8,
 * trailing text, duplicate keys included), not an object, a field missing, of the wrong type, out
 * of range, or not expected. It never throws.
 */
final class JsonBody {
  /** The largest body read; a larger one is a 413. */
  static final int MAX_BYTES = 64 * 1024;

  /** The faker's largest rate, people per second: the one its settings accept. */
  static final double MAX_RATE = kafkapipeline.grains.faker.FakerSettings.MAX_RATE;

  /**
   * A city as a user may type it, the same in openapi.json: characters of the Basic Multilingual
   * Plane, no control or quote characters, at least one that is not white space.
   */
  static final String CITY_PATTERN =
      "^[\\u0020\\u0021\\u0023-\\u0026\\u0028-\\u005f\\u0061-\\u007e\\u00a0-\\ud7ff\\ue000-\\uffff]*[\\u0021\\u0023-\\u0026\\u0028-\\u005f\\u0061-\\u007e\\u00a0-\\u167f\\u1681-\\u1fff\\u2007\\u200b-\\u2027\\u202a-\\u205e\\u2060-\\u2fff\\u3001-\\ud7ff\\ue000-\\uffff][\\u0020\\u0021\\u0023-\\u0026\\u0028-\\u005f\\u0061-\\u007e\\u00a0-\\ud7ff\\ue000-\\uffff]*$";

  private static final java.util.regex.Pattern CITY = java.util.regex.Pattern.compile(CITY_PATTERN);

  private static final ObjectReader READER =
      JsonRoutes.MAPPER
          .reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final int MAX_MESSAGE = 200;

  private JsonBody() {}

  /** A request read from a body, or why it could not be: exactly one of the two is non-null. */
  record Result<T>(T value, String error) {
    static <T> Result<T> ok(T value) {
      return new Result<>(value, null);
    }

    static <T> Result<T> bad(String error) {
      return new Result<>(null, error);
    }
  }

  /** The body as a JSON value, or why it is none. */
  static Result<JsonNode> parse(byte[] bytes) {
    if (bytes.length == 0
        || new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).isBlank()) {
      return Result.bad("the body is empty: expected JSON");
    }
    try {
      JsonNode node = READER.readTree(bytes);
      if (node == null || node.isMissingNode())
        return Result.bad("the body is empty: expected JSON");
      return Result.ok(node);
    } catch (JsonProcessingException e) {
      return Result.bad("the body is not JSON: " + shorten(e.getOriginalMessage()));
    } catch (IOException e) {
      return Result.bad("the body is not JSON: " + shorten(String.valueOf(e.getMessage())));
    }
  }

  /** {@code {"city": "Hanoi,VN"}}: a city name as {@link CityNames#problem} accepts it. */
  static Result<ApiModel.AddCity> addCity(byte[] bytes) {
    String example = "{\"city\": \"Hanoi,VN\"}";
    Result<JsonNode> object = object(bytes, example, Set.of("city"));
    if (object.error() != null) return Result.bad(object.error());
    JsonNode city = object.value().get("city");
    if (city == null) return Result.bad("field city is missing: expected " + example);
    if (!city.isTextual()) return Result.bad("field city must be a string, was " + kind(city));
    String problem = cityProblem(city.textValue());
    return problem == null
        ? Result.ok(new ApiModel.AddCity(city.textValue().strip()))
        : Result.bad(problem);
  }

  /**
   * Null if {@code raw} (not yet stripped) is a city name as {@link #CITY_PATTERN} describes, else
   * why not.
   */
  static String cityProblem(String raw) {
    String problem = CityNames.problem(raw);
    if (problem != null) return problem;
    if (!CITY.matcher(raw).matches())
      return "city name contains a character outside the Basic Multilingual Plane";
    return null;
  }

  /** {@code {"rate": 100}}: people per second, a number from 0 to {@link #MAX_RATE}. */
  static Result<ApiModel.SetRate> setRate(byte[] bytes) {
    String example = "{\"rate\": 100}";
    Result<JsonNode> object = object(bytes, example, Set.of("rate"));
    if (object.error() != null) return Result.bad(object.error());
    JsonNode rate = object.value().get("rate");
    if (rate == null) return Result.bad("field rate is missing: expected " + example);
    String range =
        "field rate must be a number from 0 to " + (long) MAX_RATE + " (people per second)";
    if (!rate.isNumber()) return Result.bad(range + ", was " + kind(rate));
    double value = rate.doubleValue();
    if (!Double.isFinite(value) || value < 0 || value > MAX_RATE) {
      return Result.bad(range + ", was " + shorten(rate.asText()));
    }
    return Result.ok(new ApiModel.SetRate(value == 0 ? 0.0 : value)); // -0.0 is 0
  }

  private static Result<JsonNode> object(byte[] bytes, String example, Set<String> fields) {
    Result<JsonNode> parsed = parse(bytes);
    if (parsed.error() != null) return Result.bad(parsed.error() + "; expected " + example);
    JsonNode node = parsed.value();
    if (!node.isObject())
      return Result.bad("the body must be a JSON object like " + example + ", was " + kind(node));
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        return Result.bad("unknown field " + shorten(name) + ": expected " + example);
      }
    }
    return Result.ok(node);
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case NULL -> "null";
      case BOOLEAN -> "a boolean";
      case NUMBER -> "a number";
      case STRING -> "a string";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** The start of a message that may echo the caller's text (a huge token, a long field name). */
  private static String shorten(String text) {
    if (text == null) return "";
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
  }
}
