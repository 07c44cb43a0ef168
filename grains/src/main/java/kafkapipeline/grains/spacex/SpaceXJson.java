package kafkapipeline.grains.spacex;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads the SpaceX API v4 bodies the source needs. Pure functions without I/O. A body that is not
 * what it should be throws {@link BadBody} with a message that says what is wrong (the client turns
 * it into a typed error); one bad launch object in a list is reported and skipped, it never spoils
 * the others. No other exception escapes, whatever the body.
 *
 * <p>A value is kept only if it can travel on: a date must be an ISO-8601 instant that Cassandra's
 * millisecond timestamp can hold, a mass a finite number, and strings and id lists are bounded
 * ({@value #MAX_ID} characters for ids, {@value #MAX_NAME} for names and types, {@value
 * #MAX_DETAILS} for details, {@value #MAX_PAYLOADS} payloads), so a launch always fits one Kafka
 * event. Anything else is malformed.
 */
final class SpaceXJson {
  static final int MAX_ID = 100;
  static final int MAX_NAME = 500;
  static final int MAX_DETAILS = 10_000;
  static final int MAX_PAYLOADS = 100;

  /** How much of a bad value a reason quotes. */
  private static final int MAX_QUOTED = 100;

  private static final ObjectMapper json =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private SpaceXJson() {}

  /** A launch as the API lists it: rocket, launchpad and payloads are ids still to resolve. */
  record Launch(
      String id,
      String name,
      Instant dateUtc,
      Boolean success,
      Boolean upcoming,
      Integer flightNumber,
      String details,
      String rocketId,
      String launchpadId,
      List<String> payloadIds) {}

  /** The launches of one list body, and why each skipped element was skipped. */
  record LaunchList(List<Launch> launches, List<String> malformed) {
    LaunchList plus(LaunchList other) {
      List<Launch> l = new ArrayList<>(launches);
      l.addAll(other.launches);
      List<String> m = new ArrayList<>(malformed);
      m.addAll(other.malformed);
      return new LaunchList(List.copyOf(l), List.copyOf(m));
    }
  }

  /** What the source keeps of a payload; either may be null. */
  record Payload(String type, Double massKg) {}

  /** The body is not JSON, or not the object or array it should be. */
  static final class BadBody extends RuntimeException {
    BadBody(String message) {
      super(message);
    }
  }

  /** A {@code /v4/launches/...} body: a JSON array of launch objects. */
  static LaunchList launches(String body) {
    JsonNode root = tree(body);
    if (!root.isArray()) throw new BadBody("expected a JSON array of launches, got " + kind(root));
    List<Launch> launches = new ArrayList<>();
    List<String> malformed = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode node = root.get(i);
      try {
        launches.add(launch(node));
      } catch (BadBody e) {
        String id =
            node.path("id").isTextual() ? " (id " + quote(node.path("id").asText()) + ")" : "";
        malformed.add("launch #" + i + id + ": " + e.getMessage());
      }
    }
    return new LaunchList(List.copyOf(launches), List.copyOf(malformed));
  }

  /** One launch object; {@code id} and {@code name} are required, every other field may be null. */
  static Launch launch(JsonNode node) {
    if (!node.isObject()) throw new BadBody("expected a launch object, got " + kind(node));
    String id = text(node, "id", MAX_ID);
    if (id == null || id.isBlank()) throw new BadBody("no id");
    String name = text(node, "name", MAX_NAME);
    if (name == null || name.isBlank()) throw new BadBody("no name");
    return new Launch(
        id,
        name,
        instant(node, "date_utc"),
        bool(node, "success"),
        bool(node, "upcoming"),
        integer(node, "flight_number"),
        text(node, "details", MAX_DETAILS),
        text(node, "rocket", MAX_ID),
        text(node, "launchpad", MAX_ID),
        ids(node, "payloads"));
  }

  /** The {@code name} of a {@code /v4/rockets/{id}} or {@code /v4/launchpads/{id}} body. */
  static String name(String body) {
    JsonNode root = tree(body);
    if (!root.isObject()) throw new BadBody("expected an object, got " + kind(root));
    String name = text(root, "name", MAX_NAME);
    if (name == null || name.isBlank()) throw new BadBody("no name");
    return name;
  }

  /** The {@code type} and {@code mass_kg} of a {@code /v4/payloads/{id}} body. */
  static Payload payload(String body) {
    JsonNode root = tree(body);
    if (!root.isObject()) throw new BadBody("expected a payload object, got " + kind(root));
    Double mass =
        optional(root, "mass_kg", JsonNode::isNumber, JsonNode::asDouble, "is not a number");
    if (mass != null && !Double.isFinite(mass)) throw new BadBody("mass_kg is out of range");
    return new Payload(text(root, "type", MAX_NAME), mass);
  }

  private static JsonNode tree(String body) {
    if (body == null || body.isBlank()) throw new BadBody("empty body");
    try {
      return json.readTree(body);
    } catch (JsonProcessingException e) {
      // also Jackson's limits: nesting depth, number and string length
      throw new BadBody("not JSON: " + e.getOriginalMessage());
    }
  }

  /** A field that may be absent or null (then null), else must be of the expected JSON type. */
  private static <T> T optional(
      JsonNode node,
      String field,
      Predicate<JsonNode> isExpected,
      Function<JsonNode, T> value,
      String otherwise) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) return null;
    if (!isExpected.test(v)) throw new BadBody(field + " " + otherwise);
    return value.apply(v);
  }

  private static String text(JsonNode node, String field, int maxLength) {
    String text = optional(node, field, JsonNode::isTextual, JsonNode::asText, "is not a string");
    if (text != null && text.length() > maxLength)
      throw new BadBody(field + " is longer than " + maxLength + " characters");
    return text;
  }

  private static Boolean bool(JsonNode node, String field) {
    return optional(
        node, field, JsonNode::isBoolean, JsonNode::asBoolean, "is not true, false or null");
  }

  private static Integer integer(JsonNode node, String field) {
    return optional(node, field, JsonNode::isInt, JsonNode::asInt, "is not a whole number");
  }

  private static Instant instant(JsonNode node, String field) {
    String text = text(node, field, MAX_NAME);
    if (text == null) return null;
    Instant instant;
    try {
      instant = Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new BadBody(field + " is not an ISO-8601 UTC time: " + quote(text));
    }
    try {
      instant.toEpochMilli(); // what Cassandra's timestamp holds
    } catch (ArithmeticException e) {
      throw new BadBody(field + " is out of the timestamp range: " + quote(text));
    }
    return instant;
  }

  private static List<String> ids(JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) return List.of();
    if (!v.isArray()) throw new BadBody(field + " is not an array");
    if (v.size() > MAX_PAYLOADS)
      throw new BadBody(field + " holds more than " + MAX_PAYLOADS + " ids");
    List<String> out = new ArrayList<>();
    for (JsonNode id : v) {
      if (!id.isTextual() || id.asText().isBlank() || id.asText().length() > MAX_ID) {
        throw new BadBody(field + " holds a value that is not an id");
      }
      out.add(id.asText());
    }
    return List.copyOf(out);
  }

  private static String quote(String text) {
    return text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "…" : text;
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().toString().toLowerCase();
  }
}
