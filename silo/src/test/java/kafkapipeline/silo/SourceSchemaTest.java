package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import kafkapipeline.api.sources.ColumnSpec;
import kafkapipeline.api.sources.ColumnType;
import kafkapipeline.api.sources.PrimaryKeySpec;
import kafkapipeline.api.sources.SourceKind;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.api.sources.SourceSpecs;
import kafkapipeline.api.sources.SseFilter;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The schema of {@code POST /api/sources} promises nothing the validator refuses, and refuses
 * nothing it takes, for every rule a JSON Schema can state: each pattern, bound and exclusion is
 * checked against {@link SourceSpecs#problems} over generated values. (What no schema can say, a
 * key column that is no column, a header named twice, is left to the 400.)
 */
class SourceSchemaTest {
  private static final JsonNode SCHEMAS = schemas();

  private static JsonNode schemas() {
    try {
      return new ObjectMapper()
          .readTree(SourceSchemaTest.class.getResourceAsStream("/openapi.json"))
          .path("components")
          .path("schemas");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** A source the validator takes, with {@code change} applied to its fields. */
  private static List<String> problems(Function<SourceSpec, SourceSpec> change) {
    SourceSpec valid =
        new SourceSpec(
            "demo",
            SourceKind.HTTP_POLL,
            "https://example.com/items",
            null,
            null,
            null,
            null,
            "",
            "/id",
            null,
            null,
            null,
            List.of(new ColumnSpec("id", "/id", ColumnType.TEXT, true)),
            new PrimaryKeySpec(List.of("id"), null));
    return SourceSpecs.problems(change.apply(valid));
  }

  private static boolean refuses(List<String> problems, String key) {
    return problems.stream().anyMatch(p -> p.contains(": " + key + " "));
  }

  /** A JSON Schema pattern as ECMA-262 searches it ({@code $}: the very end, not before a \n). */
  private static boolean matches(JsonNode schema, String value) {
    String pattern = schema.path("pattern").asText();
    return Pattern.compile(pattern.endsWith("$") ? pattern.replaceAll("\\$$", "\\\\z") : pattern)
        .matcher(value)
        .find();
  }

  private static boolean reserved(String name) {
    for (JsonNode w : SCHEMAS.at("/CqlReservedWord/enum")) if (w.asText().equals(name)) return true;
    return false;
  }

  private static Gen<String> textOf(String... pieces) {
    return lists()
        .of(Generate.pick(List.of(pieces)))
        .ofSizeBetween(0, 8)
        .map(l -> String.join("", l));
  }

  @Test
  void everyPrimitiveFieldIsRequired() {
    // The parser refuses a missing boolean (FAIL_ON_NULL_FOR_PRIMITIVES): the schema must not
    // let it out. ColumnSpec.required was optional, with a default the server never applied.
    for (Class<?> record :
        List.of(SourceSpec.class, ColumnSpec.class, PrimaryKeySpec.class, SseFilter.class))
      for (RecordComponent c : record.getRecordComponents())
        if (c.getType().isPrimitive()) {
          List<String> required = new ArrayList<>();
          SCHEMAS
              .path(record.getSimpleName())
              .path("required")
              .forEach(r -> required.add(r.asText()));
          assertTrue(required.contains(c.getName()), record.getSimpleName() + "." + c.getName());
        }
    byte[] withoutRequired =
        ("{\"name\":\"demo\",\"kind\":\"http-poll\",\"url\":\"https://example.com\","
                + "\"key\":\"/id\",\"columns\":[{\"name\":\"id\",\"pointer\":\"/id\","
                + "\"type\":\"text\"}],\"primaryKey\":{\"partition\":[\"id\"]}}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String refused =
        org.junit.jupiter.api.Assertions.assertThrows(
                kafkapipeline.api.sources.InvalidSourceException.class,
                () -> SourceSpecs.parse(withoutRequired))
            .getMessage();
    assertTrue(refused.contains("columns[0].required"), refused);
  }

  @Test
  void theReservedWordsAreTheValidators() {
    TreeSet<String> listed = new TreeSet<>();
    SCHEMAS.at("/CqlReservedWord/enum").forEach(w -> listed.add(w.asText()));
    TreeSet<String> validator = new TreeSet<>();
    SourceSpecs.CQL_RESERVED_KEYWORDS.forEach(w -> validator.add(w.toLowerCase(Locale.ROOT)));
    assertEquals(validator, listed);
  }

  @Test
  void namesPointersAndTopicsAgree() {
    Gen<String> names =
        textOf("a", "z", "0", "_", "A", "-", "select", "table", "token")
            .mix(Generate.pick(List.of("a".repeat(48), "a".repeat(49))), 10);
    JsonNode sourceName = SCHEMAS.at("/SourceSpec/properties/name");
    JsonNode table = SCHEMAS.at("/SourceSpec/properties/table");
    JsonNode columnName = SCHEMAS.at("/ColumnSpec/properties/name");
    qt().withExamples(3000)
        .forAll(names)
        .checkAssert(
            n -> {
              boolean schema = matches(sourceName, n) && !reserved(n);
              assertEquals(schema, !refuses(problems(s -> withName(s, n)), "name"), n);
              assertEquals(matches(columnName, n), matches(sourceName, n), n);
              boolean tableSchema = matches(table, n) && !reserved(n);
              assertEquals(tableSchema, !refuses(problems(s -> withTable(s, n)), "table"), n);
            });
    for (String at :
        List.of(
            "/SourceSpec/properties/items",
            "/SourceSpec/properties/key",
            "/ColumnSpec/properties/pointer",
            "/SseFilter/properties/pointer")) {
      JsonNode pointer = SCHEMAS.at(at);
      qt().withExamples(2000)
          .forAll(textOf("/", "~", "0", "1", "2", "a"))
          .checkAssert(
              p -> assertEquals(SourceSpecs.isPointer(p), matches(pointer, p), at + " " + p));
    }
    JsonNode topic = SCHEMAS.at("/SourceSpec/properties/topic");
    qt().withExamples(3000)
        .forAll(
            textOf(".", "_", "-", "a", "Z", "9", "#", " ")
                .mix(
                    Generate.pick(List.of(".", "..", "__a", "a".repeat(249), "a".repeat(250))), 20))
        .checkAssert(
            t -> {
              boolean schema =
                  matches(topic, t) && !(t.equals(".") || t.equals("..") || t.startsWith("__"));
              assertEquals(schema, !refuses(problems(s -> withTopic(s, t)), "topic"), t);
            });
    assertEquals(".", topic.at("/not/anyOf/0/enum/0").asText());
    assertEquals("^__", topic.at("/not/anyOf/1/pattern").asText());
  }

  @Test
  void theFieldsOfOneKindAreRefusedForTheOther() {
    JsonNode variants = SCHEMAS.at("/SourceSpec/oneOf");
    assertEquals("http-poll", variants.at("/0/properties/kind/enum/0").asText());
    assertEquals(List.of("filter"), fieldNames(variants.at("/0/properties")).subList(1, 2));
    assertEquals("sse", variants.at("/1/properties/kind/enum/0").asText());
    assertEquals(
        List.of("interval", "query"), fieldNames(variants.at("/1/properties")).subList(1, 3));
    SseFilter filter = new SseFilter("/meta/domain", List.of("canary"));
    for (SourceKind kind : SourceKind.values())
      for (int present = 0; present < 8; present++) {
        Duration interval = (present & 1) != 0 ? Duration.ofSeconds(60) : null;
        Map<String, String> query = (present & 2) != 0 ? Map.of("q", "1") : null;
        SseFilter f = (present & 4) != 0 ? filter : null;
        boolean schema = kind == SourceKind.SSE ? interval == null && query == null : f == null;
        List<String> problems =
            problems(
                s ->
                    new SourceSpec(
                        s.name(),
                        kind,
                        s.url(),
                        interval,
                        null,
                        null,
                        query,
                        s.items(),
                        s.key(),
                        f,
                        null,
                        null,
                        s.columns(),
                        s.primaryKey()));
        assertEquals(
            schema,
            !refuses(problems, "interval")
                && !refuses(problems, "query")
                && !refuses(problems, "filter"),
            kind + " " + present + " " + problems);
      }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void boundsAgree() {
    JsonNode seconds = SCHEMAS.at("/SourceSpec/properties/interval/oneOf/1");
    for (double s : new double[] {0, 0.999, 1, 60, 86400, 86400.001, -1}) {
      boolean schema =
          s >= seconds.path("minimum").asDouble() && s <= seconds.path("maximum").asDouble();
      Duration d = Duration.ofNanos(Math.round(s * 1e9));
      assertEquals(schema, !refuses(problems(x -> withInterval(x, d)), "interval"), "" + s);
    }
    int max = SCHEMAS.at("/SourceSpec/properties/columns/maxItems").asInt();
    for (int n : new int[] {max, max + 1}) {
      List<ColumnSpec> columns = new ArrayList<>();
      columns.add(new ColumnSpec("id", "/id", ColumnType.TEXT, true));
      for (int i = 1; i < n; i++)
        columns.add(new ColumnSpec("c" + i, "/c", ColumnType.TEXT, false));
      assertEquals(n > max, refuses(problems(s -> withColumns(s, columns)), "columns"), "" + n);
    }
    assertEquals(1, SCHEMAS.at("/SseFilter/properties/dropValues/minItems").asInt());
    JsonNode value = SCHEMAS.at("/SourceSpec/properties/headers/additionalProperties");
    qt().withExamples(2000)
        .forAll(textOf("a", " ", "\t", "\n", "\r", "\u0000", "\u007f", "\u0080", "é"))
        .checkAssert(
            v ->
                assertEquals(
                    matches(value, v),
                    !refuses(problems(s -> withHeader(s, v)), "headers['X-A']"),
                    v));
    JsonNode url = SCHEMAS.at("/SourceSpec/properties/url");
    // The pattern may let a URL through that the validator refuses (a label starting with '-', a
    // path Java cannot parse): that stays a 400. It never refuses one the validator takes.
    qt().withExamples(3000)
        .forAll(
            Generate.pick(List.of("https://", "HTTP://", "ftp://", "http:/"))
                .zip(
                    textOf("a", "0", "-", ".", "_", "é", " ", "@", "[::1]", "[", ":", ":80", "%41"),
                    textOf("/", "?q=1", "#f", "x", "@", " "),
                    (scheme, authority, rest) -> scheme + authority + rest))
        .checkAssert(
            u -> {
              if (!refuses(problems(s -> withUrl(s, u)), "url")) assertTrue(matches(url, u), u);
            });
    for (String refused :
        List.of(
            "https://user@example.com/", "https://:pw@example.com/", "https:///path", "ftp://a"))
      assertTrue(!matches(url, refused) && refuses(problems(s -> withUrl(s, refused)), "url"));
    assertTrue(SCHEMAS.at("/PrimaryKeySpec/properties/partition/uniqueItems").asBoolean());
    assertTrue(SCHEMAS.at("/PrimaryKeySpec/properties/clustering/uniqueItems").asBoolean());
    assertTrue(
        refuses(
            problems(
                s ->
                    new SourceSpec(
                        s.name(),
                        s.kind(),
                        s.url(),
                        null,
                        null,
                        null,
                        null,
                        s.items(),
                        s.key(),
                        null,
                        null,
                        null,
                        s.columns(),
                        new PrimaryKeySpec(List.of("id", "id"), null))),
            "primaryKey.partition[1]"));
  }

  @SuppressWarnings("unchecked") // each key's value is of its field's type
  private static SourceSpec with(SourceSpec s, Map<String, Object> f) {
    return new SourceSpec(
        (String) f.getOrDefault("name", s.name()),
        s.kind(),
        (String) f.getOrDefault("url", s.url()),
        (Duration) f.getOrDefault("interval", s.interval()),
        (Map<String, String>) f.getOrDefault("headers", s.headers()),
        s.secretHeaders(),
        s.query(),
        s.items(),
        s.key(),
        s.filter(),
        (String) f.getOrDefault("topic", s.topic()),
        (String) f.getOrDefault("table", s.table()),
        (List<ColumnSpec>) f.getOrDefault("columns", s.columns()),
        s.primaryKey());
  }

  private static SourceSpec withName(SourceSpec s, String v) {
    return with(s, Map.of("name", v));
  }

  private static SourceSpec withTable(SourceSpec s, String v) {
    return with(s, Map.of("table", v));
  }

  private static SourceSpec withTopic(SourceSpec s, String v) {
    return with(s, Map.of("topic", v));
  }

  private static SourceSpec withUrl(SourceSpec s, String v) {
    return with(s, Map.of("url", v));
  }

  private static SourceSpec withInterval(SourceSpec s, Duration v) {
    return with(s, Map.of("interval", v));
  }

  private static SourceSpec withColumns(SourceSpec s, List<ColumnSpec> v) {
    return with(s, Map.of("columns", v));
  }

  private static SourceSpec withHeader(SourceSpec s, String v) {
    return with(s, Map.of("headers", Map.of("X-A", v)));
  }
}
