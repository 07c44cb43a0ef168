package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.sources.ColumnType;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.api.sources.SourceSpecs;
import org.junit.jupiter.api.Test;

/**
 * The two sources over recorded payloads (fixtures/spacex/v4_launches.json and
 * fixtures/wikimedia, see PROVENANCE.md): every recorded item becomes its row, with exact values;
 * and the refusals' words at each bound.
 */
class DeclarativeRowTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String LAUNCHES =
      """
      {"name": "launches", "kind": "http-poll", "url": "https://api.spacexdata.com/v4/launches/past",
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
       "primaryKey": {"partition": ["launch_id"], "clustering": []}}
      """;

  static final String CHANGES =
      """
      {"name": "changes", "kind": "sse", "url": "https://stream.wikimedia.org/v2/stream/recentchange",
       "key": "/meta/id", "filter": {"pointer": "/meta/domain", "dropValues": ["canary"]},
       "columns": [
         {"name": "event_id", "pointer": "/meta/id", "type": "uuid", "required": true},
         {"name": "wiki", "pointer": "/wiki", "type": "text", "required": true},
         {"name": "title", "pointer": "/title", "type": "text", "required": false},
         {"name": "changed_at", "pointer": "/timestamp", "type": "timestamp_seconds", "required": false},
         {"name": "dt", "pointer": "/meta/dt", "type": "timestamp", "required": false},
         {"name": "length_new", "pointer": "/length/new", "type": "bigint", "required": false},
         {"name": "bot", "pointer": "/bot", "type": "boolean", "required": false}
       ],
       "primaryKey": {"partition": ["wiki"], "clustering": ["event_id"]}}
      """;

  static SourceSpec spec(String json) {
    return SourceSpecs.validate(SourceSpecs.parse(json.getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] fixture(String path) throws IOException {
    try (InputStream in = DeclarativeRowTest.class.getResourceAsStream("/fixtures/" + path)) {
      return in.readAllBytes();
    }
  }

  @Test
  void everyRecordedLaunchBecomesItsRow() throws IOException {
    SourceSpec spec = spec(LAUNCHES);
    DeclarativeRow rows = DeclarativeRow.of(spec);
    JsonNode launches = JSON.readTree(fixture("spacex/v4_launches.json"));
    assertEquals(193, launches.size());
    for (JsonNode l : launches) {
      Object[] row = rows.values(l);
      assertEquals(l.get("id").textValue(), row[0]);
      assertEquals(l.get("name").textValue(), row[1]);
      assertEquals(l.get("flight_number").intValue(), row[2]);
      assertEquals(Instant.parse(l.get("date_utc").textValue()), row[3]);
      assertEquals(Instant.ofEpochSecond(l.get("date_unix").longValue()), row[4]);
      assertEquals(l.get("success").isNull() ? null : l.get("success").booleanValue(), row[5]);
      assertEquals(JSON.readTree((String) row[6]), l.get("cores"));
    }
  }

  @Test
  void everyRecordedChangeBecomesItsRow() throws IOException {
    SourceSpec spec = spec(CHANGES);
    List<JsonNode> changes = new ArrayList<>();
    for (String line :
        new String(fixture("wikimedia/wiki_visualizer_example.events.sse"), StandardCharsets.UTF_8)
            .split("\n"))
      if (line.startsWith("data: ")) changes.add(JSON.readTree(line.substring(6)));
    assertEquals(3, changes.size());
    for (JsonNode c : changes) {
      Object[] row = DeclarativeRow.values(spec, c);
      assertEquals(UUID.fromString(c.at("/meta/id").textValue()), row[0]);
      assertEquals(c.get("wiki").textValue(), row[1]);
      assertEquals(c.get("title").textValue(), row[2]);
      assertEquals(Instant.ofEpochSecond(c.get("timestamp").longValue()), row[3]);
      assertEquals(Instant.parse(c.at("/meta/dt").textValue()), row[4]);
      assertEquals(
          c.at("/length/new").isMissingNode() ? null : c.at("/length/new").longValue(), row[5]);
    }
  }

  private static String refusal(String spec, String item) {
    return assertThrows(
            MalformedEventException.class,
            () -> DeclarativeRow.values(spec(spec), JSON.readTree(item)))
        .getMessage();
  }

  @Test
  void refusalsNameTheColumnAndTheReason() {
    assertEquals(
        "column launch_id: required, but absent at '/id'", refusal(LAUNCHES, "{\"name\":\"x\"}"));
    assertEquals(
        "column name: required, but null at '/name'",
        refusal(LAUNCHES, "{\"id\":\"x\",\"name\":null}"));
    assertEquals(
        "column flight_number (int): expected an integer, got the string '7'",
        refusal(LAUNCHES, "{\"id\":\"x\",\"name\":\"n\",\"flight_number\":\"7\"}"));
    assertEquals(
        "column flight_number: the number 2147483648 is out of 32 bits",
        refusal(LAUNCHES, "{\"id\":\"x\",\"name\":\"n\",\"flight_number\":2147483648}"));
    assertEquals(
        "column flight_number (int): expected an integer, got the number 1.0",
        refusal(LAUNCHES, "{\"id\":\"x\",\"name\":\"n\",\"flight_number\":1.0}"));
    assertEquals(
        "column date_unix: the number 9223372036854776 is out of Cassandra's timestamps (64-bit epoch milliseconds)",
        refusal(LAUNCHES, "{\"id\":\"x\",\"name\":\"n\",\"date_unix\":9223372036854776}"));
    assertEquals(
        "column date_utc: '2022-12-11T04:27:02' is not an ISO-8601 date-time with an offset (such as 2022-12-11T04:27:02Z)",
        refusal(LAUNCHES, "{\"id\":\"x\",\"name\":\"n\",\"date_utc\":\"2022-12-11T04:27:02\"}"));
    assertEquals(
        "column date_utc: the string '+292278994-08-17T07:12:55.808Z' is out of Cassandra's timestamps (64-bit epoch milliseconds)",
        refusal(
            LAUNCHES,
            "{\"id\":\"x\",\"name\":\"n\",\"date_utc\":\"+292278994-08-17T07:12:55.808Z\"}"));
    assertEquals(
        "column event_id: '1-1-1-1-1' is not a UUID (8-4-4-4-12)",
        refusal(CHANGES, "{\"meta\":{\"id\":\"1-1-1-1-1\"},\"wiki\":\"w\"}"));
    assertEquals(
        "column name: text with a lone surrogate (U+D800 at index 1), which UTF-8 cannot store",
        refusal(LAUNCHES, "{\"id\":\"x\",\"name\":\"a\\ud800\"}"));
  }

  @Test
  void boundsAndTextAreKeptExactly() throws IOException {
    SourceSpec spec = spec(LAUNCHES);
    Object[] row =
        DeclarativeRow.values(
            spec,
            JSON.readTree(
                "{\"id\":\"  padded\\t\",\"name\":\"名前 \\ud83d\\ude80\",\"flight_number\":-2147483648,"
                    + "\"date_utc\":\"+292278994-08-17T07:12:55.807999Z\",\"date_unix\":-9223372036854775}"));
    assertEquals("  padded\t", row[0]);
    assertEquals("名前 \ud83d\ude80", row[1]);
    assertEquals(Integer.MIN_VALUE, row[2]);
    assertEquals(Instant.ofEpochMilli(Long.MAX_VALUE), row[3]);
    assertEquals(Instant.ofEpochSecond(-9_223_372_036_854_775L), row[4]);
    assertNull(row[5]);
    assertNull(row[6]);
    assertEquals(ColumnType.JSON, spec.columns().get(6).type());
  }
}
