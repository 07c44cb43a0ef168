package kafkapipeline.api.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two examples, and the exact words of the main refusals. */
class SourceSpecsTest {
  static final String LAUNCHES =
      """
      {
        "name": "launches",
        "kind": "http-poll",
        "url": "http://api.example.com:8123/v4/launches/past",
        "interval": "PT30S",
        "headers": {"Accept": "application/json"},
        "secretHeaders": {"X-Api-Key": "SOURCE_SECRET_LAUNCHES"},
        "items": "",
        "key": "/id",
        "columns": [
          {"name": "launch_id", "pointer": "/id", "type": "text", "required": true},
          {"name": "name", "pointer": "/name", "type": "text", "required": true},
          {"name": "flight_number", "pointer": "/flight_number", "type": "int", "required": false},
          {"name": "date_utc", "pointer": "/date_utc", "type": "timestamp", "required": false},
          {"name": "date_unix", "pointer": "/date_unix", "type": "timestamp_seconds", "required": false},
          {"name": "success", "pointer": "/success", "type": "boolean", "required": false},
          {"name": "cores", "pointer": "/cores", "type": "json", "required": false}
        ],
        "primaryKey": {"partition": ["launch_id"], "clustering": []}
      }
      """;

  static final String CHANGES =
      """
      {
        "name": "changes", "kind": "sse",
        "url": "https://stream.wikimedia.org/v2/stream/recentchange",
        "key": "/meta/id",
        "filter": {"pointer": "/meta/domain", "dropValues": ["canary"]},
        "columns": [
          {"name": "event_id", "pointer": "/meta/id", "type": "uuid", "required": true},
          {"name": "wiki", "pointer": "/wiki", "type": "text", "required": true},
          {"name": "title", "pointer": "/title", "type": "text", "required": false},
          {"name": "changed_at", "pointer": "/timestamp", "type": "timestamp_seconds", "required": false},
          {"name": "dt", "pointer": "/meta/dt", "type": "timestamp", "required": false},
          {"name": "length_new", "pointer": "/length/new", "type": "bigint", "required": false}
        ],
        "primaryKey": {"partition": ["wiki"], "clustering": ["event_id"]}
      }
      """;

  static SourceSpec parse(String json) {
    return SourceSpecs.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  static String refusal(String json) {
    return assertThrows(InvalidSourceException.class, () -> parse(json)).getMessage();
  }

  @Test
  void theExamplesAreValid() {
    SourceSpec launches = parse(LAUNCHES);
    assertEquals(List.of(), SourceSpecs.problems(launches));
    assertEquals(Duration.ofSeconds(30), launches.interval());
    assertEquals(ColumnType.TIMESTAMP_SECONDS, launches.columns().get(4).type());
    assertEquals("launches", launches.tableOrName());
    SourceSpec changes = parse(CHANGES);
    assertEquals(List.of(), SourceSpecs.problems(changes));
    assertEquals(SourceKind.SSE, changes.kind());
    assertEquals(changes, SourceSpecs.validate(changes));
  }

  @Test
  void parseNamesTheKeyOfEachRefusal() {
    assertEquals(
        "source JSON: unknown key intervall (known keys here: columns, filter, headers, interval,"
            + " items, key, kind, name, primaryKey, query, secretHeaders, table, topic, url)",
        refusal(LAUNCHES.replace("\"interval\"", "\"intervall\"")));
    assertEquals(
        "source JSON: kind must be one of \"http-poll\", \"sse\", got the string \"poll\"",
        refusal(LAUNCHES.replace("\"http-poll\"", "\"poll\"")));
    assertTrue(
        refusal(LAUNCHES.replace("\"int\"", "\"integer\""))
            .startsWith(
                "source JSON: columns[2].type must be one of \"text\", \"int\", \"bigint\","),
        refusal(LAUNCHES.replace("\"int\"", "\"integer\"")));
    assertEquals(
        "source JSON: columns[0].required must be true or false, got the string \"yes\"",
        refusal(LAUNCHES.replaceFirst("\"required\": true", "\"required\": \"yes\"")));
    assertEquals(
        "source JSON: name must be a string, got the number 5",
        refusal(LAUNCHES.replace("\"launches\"", "5")));
    assertEquals(
        "source JSON: interval must be an ISO-8601 duration such as \"PT30S\", or a number of"
            + " seconds, got the string \"30s\"",
        refusal(LAUNCHES.replace("\"PT30S\"", "\"30s\"")));
    assertTrue(refusal("{\"name\": \"a\",").startsWith("source JSON: not valid JSON at line 1"));
    assertTrue(refusal("{\"name\": \"a\", \"name\": \"b\"}").contains("Duplicate field 'name'"));
    assertEquals("source JSON: must be an object, got null", refusal("null"));
    assertEquals("source JSON: must be an object, got an array", refusal("[]"));
    assertEquals("source JSON: empty (expected one JSON object)", refusal(""));
    assertEquals(Duration.ofSeconds(45), parse(LAUNCHES.replace("\"PT30S\"", "45")).interval());
  }

  @Test
  void problemsNameTheSourceTheKeyAndTheReason() {
    SourceSpec bad =
        parse(
            LAUNCHES
                .replace("\"/flight_number\"", "\"id\"")
                .replace("\"SOURCE_SECRET_LAUNCHES\"", "\"HTTP_TOKEN\"")
                .replace("\"PT30S\"", "\"PT0.5S\"")
                .replace("\"partition\": [\"launch_id\"]", "\"partition\": [\"cores\"]"));
    assertEquals(
        List.of(
            "source 'launches': interval PT0.5S is not between 1 s (PT1S) and 24 h (PT24H)",
            "source 'launches': secretHeaders['X-Api-Key'] 'HTTP_TOKEN' is refused: "
                + SecretRef.RULE,
            "source 'launches': columns[2].pointer 'id' is not a JSON Pointer (must be empty or"
                + " start with '/', '~' only as ~0 or ~1)",
            "source 'launches': primaryKey.partition[0] 'cores' is not required (every key column"
                + " must be)",
            "source 'launches': primaryKey.partition[0] 'cores' is of type json, which cannot be a"
                + " key column"),
        SourceSpecs.problems(bad));
    InvalidSourceException e =
        assertThrows(InvalidSourceException.class, () -> SourceSpecs.validate(bad));
    assertEquals(5, e.problems().size());
    assertEquals(
        List.of(
            "source 'select': name 'select' is a CQL reserved word",
            "source 'select': url holds credentials (user info); put an API key in secretHeaders"),
        SourceSpecs.problems(
            parse(
                LAUNCHES
                    .replace("\"launches\"", "\"select\"")
                    .replace("http://api", "http://u:secret@api"))));
    assertEquals(List.of("source (no name): is missing (null)"), SourceSpecs.problems(null));
  }

  @Test
  void conflictsNameTheOwner() {
    SourceSpec launches = parse(LAUNCHES);
    assertEquals(List.of(), SourceSpecs.conflicts(launches, List.of()));
    assertEquals(
        List.of(
            "source 'launches': name 'launches' is already a source",
            "source 'launches': topic 'launches' clashes with topic 'launches' of source"
                + " 'launches'",
            "source 'launches': table 'launches' is already the table of source 'launches'"),
        SourceSpecs.conflicts(
            launches, List.of(new SourceInfo("launches", "launches", "launches"))));
    assertEquals(
        List.of(
            "source 'launches': topic 'launches' clashes with topic 'launches' of source 'x'",
            "source 'launches': table 'launches' is already the table of source 'cities'"),
        SourceSpecs.conflicts(
            launches,
            java.util.Arrays.asList(
                new SourceInfo("x", "launches", "x_rows"),
                null,
                new SourceInfo("cities", null, "LAUNCHES"),
                new SourceInfo("spacex", "spacex", "spacex_launches"))));
    SourceSpec dotted = parse(LAUNCHES.replace("\"items\"", "\"topic\": \"a.b\", \"items\""));
    assertEquals(
        List.of("source 'launches': topic 'a.b' clashes with topic 'a_b' of source 'ab'"),
        SourceSpecs.conflicts(dotted, List.of(new SourceInfo("ab", "a_b", "ab"))));
  }
}
