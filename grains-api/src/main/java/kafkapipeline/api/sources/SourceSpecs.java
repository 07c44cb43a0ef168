package kafkapipeline.api.sources;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and checks declarative source descriptions ({@link SourceSpec}).
 *
 * <p>{@link #parse} takes JSON as {@link kafkapipeline.api.EventJson} does (ISO-8601 times,
 * JavaTimeModule), but strictly: an unknown or repeated key, a value of another JSON type (no
 * coercion: {@code 5} is not the string {@code "5"}, {@code "true"} not a boolean), an unknown
 * {@code kind} or column {@code type}, trailing text after the document: each throws {@link
 * InvalidSourceException} naming the key, and nothing else is ever thrown. {@link #problems} lists
 * what makes a parsed description unusable; {@link #conflicts} what it would take from another
 * source. All methods are pure and thread-safe.
 */
public final class SourceSpecs {
  /**
   * CQL 3's reserved keywords, as Cassandra 5.0 lists them ({@code
   * org/apache/cassandra/cql3/reserved_keywords.txt}): none of them can be an unquoted name. The
   * one list of them in the project.
   */
  public static final Set<String> CQL_RESERVED_KEYWORDS =
      Set.of(
          ("ADD ALLOW ALTER AND APPLY ASC AUTHORIZE BATCH BEGIN BY COLUMNFAMILY "
                  + "CREATE DELETE DESC DESCRIBE DROP ENTRIES EXECUTE FROM FULL GRANT IF IN "
                  + "INDEX INFINITY INSERT INTO IS KEYSPACE LIMIT MATERIALIZED MODIFY NAN "
                  + "NORECURSIVE NOT NULL OF ON OR ORDER PRIMARY RENAME REVOKE SCHEMA "
                  + "SELECT SET TABLE TO TOKEN TRUNCATE UNLOGGED UPDATE USE USING VIEW "
                  + "WHERE WITH")
              .split(" "));

  /** A source, table or column name: lower case, so CQL never needs it quoted. */
  public static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,47}");

  private static final ObjectMapper MAPPER = strictMapper();

  private SourceSpecs() {}

  /**
   * The description in {@code json}, not yet checked (see {@link #problems}).
   *
   * @throws InvalidSourceException for anything that is not one JSON object describing a source:
   *     malformed JSON (with line and column), a repeated or unknown key (named, with the keys
   *     known there), a value of the wrong JSON type, an unknown kind or column type (with the
   *     accepted values); never another exception.
   */
  public static SourceSpec parse(byte[] json) {
    if (json == null || json.length == 0)
      throw invalid("source JSON: empty (expected one JSON object)");
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JacksonException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw invalid(
          "source JSON: not valid JSON" + where + ": " + Show.cut(e.getOriginalMessage()));
    } catch (IOException | RuntimeException e) {
      throw invalid("source JSON: unreadable: " + Show.cut(String.valueOf(e.getMessage())));
    }
    if (tree == null || tree.isMissingNode())
      throw invalid("source JSON: empty (expected one JSON object)");
    if (!tree.isObject()) throw invalid("source JSON: must be an object, got " + Show.node(tree));
    try {
      SourceSpec spec = MAPPER.treeToValue(tree, SourceSpec.class);
      if (spec == null) throw invalid("source JSON: must be an object, got null");
      return spec;
    } catch (JsonMappingException e) {
      throw invalid(describe(e, tree));
    } catch (InvalidSourceException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // A converter failing outside Jackson's own exceptions (an arithmetic overflow, say).
      throw invalid(
          "source JSON: unreadable: "
              + e.getClass().getSimpleName()
              + ": "
              + Show.cut(String.valueOf(e.getMessage())));
    }
  }

  /**
   * Every problem that makes {@code spec} unusable, each naming the source, the key and the reason
   * (for example {@code source 'launches': columns[2].pointer 'id' is not a JSON Pointer (must be
   * empty or start with '/')}); empty when it can run. Never throws, whatever is null in it. A URL
   * whose host is an IP literal must be a public address ({@link AddressRule#publicOnly}).
   */
  public static List<String> problems(SourceSpec spec) {
    return problems(spec, AddressRule.publicOnly());
  }

  /**
   * As {@link #problems(SourceSpec)}, an IP literal in the URL checked against {@code addresses};
   * null: not checked (for callers to whom the address does not matter, such as the table's).
   */
  public static List<String> problems(SourceSpec spec, AddressRule addresses) {
    return new SpecProblems(spec, addresses).all();
  }

  /**
   * {@code spec} when it has no {@link #problems}.
   *
   * @throws InvalidSourceException listing them otherwise
   */
  public static SourceSpec validate(SourceSpec spec) {
    List<String> problems = problems(spec);
    if (!problems.isEmpty()) throw new InvalidSourceException(problems);
    return spec;
  }

  /**
   * What {@code spec} would take from {@code others} (every source there counts as another one,
   * built-in or declarative, and internal tables may be passed as sources with a null topic): its
   * name, its topic (Kafka refuses a topic that differs from an existing one only by {@code .}
   * against {@code _}, so those clash too) or its table (CQL names ignore case), each naming the
   * owner. Empty when nothing clashes. Null entries and null fields of {@code others} are skipped.
   */
  public static List<String> conflicts(SourceSpec spec, Collection<SourceInfo> others) {
    List<String> out = new ArrayList<>();
    if (spec == null || others == null) return out;
    String source = "source " + Show.quote(spec.name()) + ": ";
    String topic = spec.topicOrName();
    String table = spec.tableOrName();
    for (SourceInfo other : others) {
      if (other == null) continue;
      String owner = Show.quote(other.name());
      if (spec.name() != null && spec.name().equals(other.name()))
        out.add(source + "name " + Show.quote(spec.name()) + " is already a source");
      if (topic != null && other.topic() != null && kafkaClash(topic, other.topic()))
        out.add(
            source
                + "topic "
                + Show.quote(topic)
                + " clashes with topic "
                + Show.quote(other.topic())
                + " of source "
                + owner);
      if (table != null && other.table() != null && table.equalsIgnoreCase(other.table()))
        out.add(source + "table " + Show.quote(table) + " is already the table of source " + owner);
    }
    return out;
  }

  /** A name CQL takes unquoted and that is no reserved keyword. */
  public static boolean isIdentifier(String name) {
    return name != null
        && IDENTIFIER.matcher(name).matches()
        && !CQL_RESERVED_KEYWORDS.contains(name.toUpperCase(java.util.Locale.ROOT));
  }

  /**
   * An RFC 6901 JSON Pointer: empty, or {@code /}-separated tokens where {@code ~} appears only as
   * {@code ~0} or {@code ~1}.
   */
  public static boolean isPointer(String pointer) {
    if (pointer == null) return false;
    if (pointer.isEmpty()) return true;
    if (pointer.charAt(0) != '/') return false;
    for (int i = 0; i < pointer.length(); i++) {
      if (pointer.charAt(i) != '~') continue;
      if (i + 1 >= pointer.length()) return false;
      char next = pointer.charAt(i + 1);
      if (next != '0' && next != '1') return false;
    }
    return true;
  }

  private static boolean kafkaClash(String a, String b) {
    return a.replace('.', '_').equals(b.replace('.', '_'));
  }

  private static InvalidSourceException invalid(String problem) {
    return new InvalidSourceException(List.of(problem));
  }

  /** The key path (e.g. {@code columns[2].type}), what is expected there and what was found. */
  private static String describe(JsonMappingException e, JsonNode tree) {
    StringBuilder path = new StringBuilder();
    JsonNode found = tree;
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) path.append('.');
        path.append(ref.getFieldName());
        found = found == null ? null : found.get(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
        found = found == null ? null : found.get(ref.getIndex());
      }
    }
    String key = path.length() == 0 ? "the document" : Show.cut(path.toString());
    if (e instanceof UnrecognizedPropertyException u) {
      Set<String> known = new TreeSet<>();
      if (u.getKnownPropertyIds() != null)
        u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
      return "source JSON: unknown key "
          + key
          + (known.isEmpty() ? "" : " (known keys here: " + String.join(", ", known) + ")");
    }
    Class<?> target =
        e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m
            ? m.getTargetType()
            : null;
    return "source JSON: "
        + key
        + " must be "
        + expected(target)
        + ", got "
        + (found == null || found.isMissingNode()
            ? "nothing (the key is missing)"
            : Show.node(found));
  }

  private static String expected(Class<?> target) {
    if (target == null) return "another value";
    if (target == String.class) return "a string";
    if (target == boolean.class || target == Boolean.class) return "true or false";
    if (target == Duration.class)
      return "an ISO-8601 duration such as \"PT30S\", or a number of seconds";
    if (target.isEnum())
      return "one of "
          + java.util.Arrays.stream(target.getFields())
              .filter(f -> f.isEnumConstant() && f.getAnnotation(JsonProperty.class) != null)
              .map(f -> "\"" + f.getAnnotation(JsonProperty.class).value() + "\"")
              .collect(Collectors.joining(", "));
    if (Map.class.isAssignableFrom(target)) return "an object of string values";
    if (Collection.class.isAssignableFrom(target)) return "an array";
    return "an object";
  }

  private static ObjectMapper strictMapper() {
    ObjectMapper mapper =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // "true" is not a boolean, nor 5 a string: a description says what it means.
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }
}
