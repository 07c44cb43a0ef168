package kafkapipeline.grains.spacex;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads the SpaceX API v4 bodies the source needs. Pure functions without I/O. A body that is
 * not what it should be throws {@link BadBody} with a message that says what is wrong (the
 * client turns it into a typed error); one bad launch object in a list is reported and skipped,
 * it never spoils the others.
 */
final class SpaceXJson {
  private static final ObjectMapper json = new ObjectMapper();

  private SpaceXJson() {}

  /** A launch as the API lists it: rocket, launchpad and payloads are ids still to resolve. */
  record Launch(
      String id, String name, Instant dateUtc, Boolean success, Boolean upcoming, Integer flightNumber,
      String details, String rocketId, String launchpadId, List<String> payloadIds) {}

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
        String id = node.path("id").isTextual() ? " (id " + node.path("id").asText() + ")" : "";
        malformed.add("launch #" + i + id + ": " + e.getMessage());
      }
    }
    return new LaunchList(List.copyOf(launches), List.copyOf(malformed));
  }

  /** One launch object; {@code id} and {@code name} are required, every other field may be null. */
  static Launch launch(JsonNode node) {
    if (!node.isObject()) throw new BadBody("expected a launch object, got " + kind(node));
    String id = text(node, "id");
    if (id == null || id.isBlank()) throw new BadBody("no id");
    String name = text(node, "name");
    if (name == null || name.isBlank()) throw new BadBody("no name");
    return new Launch(id, name, instant(node, "date_utc"), bool(node, "success"), bool(node, "upcoming"),
        integer(node, "flight_number"), text(node, "details"), text(node, "rocket"), text(node, "launchpad"),
        ids(node, "payloads"));
  }

  /** The {@code name} of a {@code /v4/rockets/{id}} or {@code /v4/launchpads/{id}} body. */
  static String name(String body) {
    JsonNode root = tree(body);
    if (!root.isObject()) throw new BadBody("expected an object, got " + kind(root));
    String name = text(root, "name");
    if (name == null || name.isBlank()) throw new BadBody("no name");
    return name;
  }

  /** The {@code type} and {@code mass_kg} of a {@code /v4/payloads/{id}} body. */
  static Payload payload(String body) {
    JsonNode root = tree(body);
    if (!root.isObject()) throw new BadBody("expected a payload object, got " + kind(root));
    return new Payload(text(root, "type"), optional(root, "mass_kg", JsonNode::isNumber, JsonNode::asDouble, "is not a number"));
  }

  private static JsonNode tree(String body) {
    if (body == null || body.isBlank()) throw new BadBody("empty body");
    try {
      return json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadBody("not JSON: " + e.getOriginalMessage());
    }
  }

  /** A field that may be absent or null (then null), else must be of the expected JSON type. */
  private static <T> T optional(
      JsonNode node, String field, Predicate<JsonNode> isExpected, Function<JsonNode, T> value, String otherwise) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) return null;
    if (!isExpected.test(v)) throw new BadBody(field + " " + otherwise);
    return value.apply(v);
  }

  private static String text(JsonNode node, String field) {
    return optional(node, field, JsonNode::isTextual, JsonNode::asText, "is not a string");
  }

  private static Boolean bool(JsonNode node, String field) {
    return optional(node, field, JsonNode::isBoolean, JsonNode::asBoolean, "is not true, false or null");
  }

  private static Integer integer(JsonNode node, String field) {
    return optional(node, field, JsonNode::isInt, JsonNode::asInt, "is not a whole number");
  }

  private static Instant instant(JsonNode node, String field) {
    String text = text(node, field);
    if (text == null) return null;
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new BadBody(field + " is not an ISO-8601 UTC time: " + text);
    }
  }

  private static List<String> ids(JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) return List.of();
    if (!v.isArray()) throw new BadBody(field + " is not an array");
    List<String> out = new ArrayList<>();
    for (JsonNode id : v) {
      if (!id.isTextual()) throw new BadBody(field + " holds a value that is not an id");
      out.add(id.asText());
    }
    return List.copyOf(out);
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().toString().toLowerCase();
  }
}
