package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two declarative sources, with no Java: an {@code http-poll} source over the recorded SpaceX past
 * launches (the replay server), added at run time through the API, and an {@code sse} source over
 * the recorded Wikimedia changes (a canary added, which its filter drops), given as a file in
 * {@code SOURCES_DIR}. Every row and column is checked against the recordings; one source is
 * removed; the silo is restarted; the other one resumes (from its saved Last-Event-ID) and writes
 * the changes the server held back until then, each change one record in its topic (none published
 * again), the removed one polls no more. Invalid and clashing descriptions are refused with their
 * reasons, and nothing is created for them.
 */
@Timeout(300)
class DeclarativeSourcesEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The last recorded changes, served only after the restart of the silo. */
  private static final int HELD_BACK = 5;

  private final Engines engines = Engines.shared();

  /** The README's example source, with its URL and a name new to this run. */
  static String launchesSource(String name, String url) {
    return """
        {
          "name": "%s",
          "kind": "http-poll",
          "url": "%s",
          "interval": "PT1S",
          "headers": {"Accept": "application/json"},
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
        """
        .formatted(name, url);
  }

  static String changesSource(String name, String url) {
    return """
        {
          "name": "%s",
          "kind": "sse",
          "url": "%s",
          "key": "/meta/id",
          "filter": {"pointer": "/meta/domain", "dropValues": ["canary"]},
          "columns": [
            {"name": "event_id", "pointer": "/meta/id", "type": "text", "required": true},
            {"name": "wiki", "pointer": "/wiki", "type": "text", "required": true},
            {"name": "title", "pointer": "/title", "type": "text", "required": false},
            {"name": "change_type", "pointer": "/type", "type": "text", "required": false},
            {"name": "namespace", "pointer": "/namespace", "type": "int", "required": false},
            {"name": "changed_at", "pointer": "/timestamp", "type": "timestamp_seconds", "required": false},
            {"name": "dt", "pointer": "/meta/dt", "type": "timestamp", "required": false},
            {"name": "bot", "pointer": "/bot", "type": "boolean", "required": false},
            {"name": "length", "pointer": "/length", "type": "json", "required": false}
          ],
          "primaryKey": {"partition": ["wiki"], "clustering": ["event_id"]}
        }
        """
        .formatted(name, url);
  }

  @Test
  void sourcesAddedAtRunTimeWriteTheirRecordingsAndOneSurvivesARestartOfEverySilo()
      throws Exception {
    String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    String launches = "launches_" + suffix;
    String changes = "changes_" + suffix;
    List<SseReplayServer.Frame> frames = new ArrayList<>(frames());
    java.nio.file.Path sourcesDir = java.nio.file.Files.createTempDirectory("sources");
    try (SpaceXReplayServer spacex = new SpaceXReplayServer();
        SseReplayServer sse = new SseReplayServer(frames);
        SiloCluster silos =
            new SiloCluster(
                engines,
                "declarative",
                1,
                Map.of(
                    "FAKER_RATE",
                    "0",
                    "SPACEX_ENABLED",
                    "false",
                    "SOURCES_DIR",
                    sourcesDir.toString()))) {
      // The sse source is a file the silo reads at its start (SOURCES_DIR); the http-poll one is
      // added through the API.
      java.nio.file.Files.writeString(
          sourcesDir.resolve(changes + ".json"), changesSource(changes, sse.url()));
      // The last changes come only after the restart: the resumed stream must bring them.
      int before = frames.size() - HELD_BACK;
      sse.available.set(before);
      silos.startAll();
      silos.awaitAllHealthy();
      int port = silos.httpPort(0);
      String pastUrl = spacex.baseUrl() + "/v4/launches/past";

      // Refused before anything is made: the reasons name the source and the key.
      SiloHttp.Response bad =
          SiloHttp.send(
              port,
              "POST",
              "/api/sources",
              launchesSource(launches, pastUrl).replace("\"/flight_number\"", "\"flight_number\""));
      assertEquals(400, bad.status(), bad.body().toString());
      assertTrue(
          bad.body().path("problems").toString().contains("columns[2].pointer"),
          bad.body().toString());
      assertFalse(tableExists(launches), "a refused source created its table");
      assertTrue(entry(sources(port), launches).isMissingNode(), "a refused source is listed");
      // A source whose table is the faker's: refused, and fakerdata is not widened by its columns
      // (adding creates or widens the table after the checks), and nothing of its own is made.
      String taker = "x_" + suffix;
      Map<String, String> fakerColumns = columns("fakerdata");
      SiloHttp.Response clash =
          SiloHttp.send(
              port,
              "POST",
              "/api/sources",
              launchesSource("x_" + suffix, pastUrl)
                  .replace(
                      "\"name\": \"x_" + suffix + "\",",
                      "\"name\": \"x_" + suffix + "\", \"table\": \"fakerdata\","));
      assertEquals(409, clash.status(), clash.body().toString());
      assertTrue(clash.body().toString().contains("fakerdata"), clash.body().toString());
      assertEquals(fakerColumns, columns("fakerdata"), "a refused source altered fakerdata");
      assertFalse(tableExists(taker), "a refused source created a table of its name");
      assertTrue(entry(sources(port), taker).isMissingNode(), "a refused source is listed");
      assertFalse(
          engines.admin.listTopics().names().get().contains(taker),
          "a refused source created its topic");

      SiloHttp.Response added =
          SiloHttp.send(port, "POST", "/api/sources", launchesSource(launches, pastUrl));
      assertEquals(201, added.status(), added.body().toString());
      assertEquals("http-poll", added.body().path("kind").asText());
      assertEquals(launches, added.body().path("table").asText());
      SiloHttp.Response again =
          SiloHttp.send(port, "POST", "/api/sources", launchesSource(launches, pastUrl));
      assertEquals(409, again.status(), "the same name twice: " + again.body());

      // Every recorded past launch is exactly one row, every column as recorded.
      JsonNode past = JSON.readTree(get(pastUrl));
      Await.until(
          Duration.ofSeconds(90),
          () -> count(launches) == past.size() && count(changes) == before - 1,
          () ->
              count(launches)
                  + " of "
                  + past.size()
                  + " launches, "
                  + count(changes)
                  + " of "
                  + (before - 1)
                  + " changes");
      assertLaunchRows(launches, past);
      Map<String, JsonNode> recorded = changesByEventId(frames);
      assertChangeRows(changes, changesByEventId(frames.subList(0, before)));

      JsonNode listed = SiloHttp.get(port, "/api/sources").body();
      assertEquals("sse", entry(listed, changes).path("kind").asText());
      assertEquals(changes, entry(listed, changes).path("topic").asText());
      assertEquals("running", entry(listed, changes).path("state").asText(), listed.toString());
      assertTrue(
          entry(listed, changes).path("lastError").asText().contains("1 filtered"),
          entry(listed, changes).toString());

      // Removed: it stops polling; its rows stay.
      assertEquals(200, SiloHttp.send(port, "DELETE", "/api/sources/" + launches, null).status());
      assertEquals(404, SiloHttp.send(port, "DELETE", "/api/sources/" + launches, null).status());
      assertEquals(409, SiloHttp.send(port, "DELETE", "/api/sources/faker", null).status());

      // Every silo restarted: the sse source comes back by itself and resumes after the last
      // event it published; the removed one stays removed.
      int requestsBefore = sse.requests.size();
      silos.stop(0);
      int pollsAfterStop = spacex.pastCalls.get();
      sse.available.set(frames.size());
      silos.start(0);
      silos.awaitHealthy(0);
      String lastId = frames.get(before - 1).id();
      Await.until(
          Duration.ofSeconds(60),
          () -> sse.requests.size() > requestsBefore,
          () -> "the sse source did not reconnect after the restart");
      assertEquals(lastId, sse.requests.get(sse.requests.size() - 1).lastEventId());
      JsonNode after = SiloHttp.get(silos.httpPort(0), "/api/sources").body();
      assertTrue(entry(after, launches).isMissingNode(), "a removed source is listed: " + after);
      assertFalse(entry(after, changes).isMissingNode(), after.toString());
      Await.until(
          Duration.ofSeconds(30),
          () ->
              "running"
                  .equals(
                      entry(SiloHttp.get(silos.httpPort(0), "/api/sources").body(), changes)
                          .path("state")
                          .asText()),
          () -> SiloHttp.get(silos.httpPort(0), "/api/sources").body().toString());
      assertEquals(pollsAfterStop, spacex.pastCalls.get(), "the removed source polled again");
      assertEquals(past.size(), count(launches), "the removed source's rows stay");
      // The changes held back are rows now, so the resumed stream has been read past them; had
      // the source started over, it would have published every earlier change again before them.
      // The rows could not show that (the same keys, upserted), the topic does: one record per
      // change.
      Await.until(
          Duration.ofSeconds(60),
          () -> count(changes) == frames.size() - 1,
          () -> count(changes) + " of " + (frames.size() - 1) + " changes after the restart");
      assertChangeRows(changes, recorded);
      assertEquals(frames.size() - 1, records(changes), "records in topic " + changes);
      System.out.printf(
          "[declarative] %d launches and %d changes written as recorded; 1 canary filtered; "
              + "resumed after %s and wrote the %d changes held back until the restart, "
              + "each published once%n",
          past.size(), frames.size() - 1, lastId, HELD_BACK);
    }
  }

  /** The recorded changes with one canary after the tenth. */
  private static List<SseReplayServer.Frame> frames() throws Exception {
    String recording;
    try (InputStream in =
        DeclarativeSourcesEndToEndTest.class.getResourceAsStream(
            "/fixtures/wikimedia/dataplumbhub_2025-05-03.DERIVED.sse")) {
      recording = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<SseReplayServer.Frame> frames = new ArrayList<>(SseReplayServer.frames(recording));
    String canaryId = "[{\"topic\":\"canary\",\"partition\":0,\"offset\":1}]";
    frames.add(
        10,
        new SseReplayServer.Frame(
            canaryId,
            "event: message\nid: "
                + canaryId
                + "\ndata: {\"meta\":{\"domain\":\"canary\",\"id\":\"canary-1\"},\"wiki\":\"x\"}\n\n"));
    // The last frame stays a real change, so the position saved is a real change's id.
    return frames;
  }

  /** The data of every frame but the canary, by its meta.id. */
  private static Map<String, JsonNode> changesByEventId(List<SseReplayServer.Frame> frames)
      throws Exception {
    Map<String, JsonNode> out = new HashMap<>();
    for (SseReplayServer.Frame f : frames) {
      StringBuilder data = new StringBuilder();
      for (String line : f.text().split("\n")) {
        if (line.startsWith("data:")) data.append(line.substring(5).strip());
      }
      JsonNode event = JSON.readTree(data.toString());
      if (!"canary".equals(event.path("meta").path("domain").asText()))
        out.put(event.path("meta").path("id").asText(), event);
    }
    return out;
  }

  private void assertLaunchRows(String table, JsonNode past) throws Exception {
    Map<String, Row> rows = new HashMap<>();
    for (Row r : engines.session.execute("SELECT * FROM kafkapipeline." + table).all())
      rows.put(r.getString("launch_id"), r);
    assertEquals(past.size(), rows.size());
    for (JsonNode l : past) {
      Row r = rows.get(l.path("id").asText());
      String id = l.path("id").asText();
      assertEquals(l.path("name").asText(), r.getString("name"), id);
      assertEquals(intOrNull(l.get("flight_number")), r.get("flight_number", Integer.class), id);
      assertEquals(
          textOrNull(l.get("date_utc")) == null ? null : Instant.parse(l.path("date_utc").asText()),
          r.getInstant("date_utc"),
          id);
      assertEquals(
          l.path("date_unix").isNumber()
              ? Instant.ofEpochSecond(l.path("date_unix").asLong())
              : null,
          r.getInstant("date_unix"),
          id);
      assertEquals(
          l.path("success").isBoolean() ? l.path("success").asBoolean() : null,
          r.get("success", Boolean.class),
          id);
      JsonNode cores = l.get("cores");
      assertEquals(
          cores == null || cores.isNull() ? null : cores,
          r.getString("cores") == null ? null : JSON.readTree(r.getString("cores")),
          id);
    }
  }

  private void assertChangeRows(String table, Map<String, JsonNode> recorded) throws Exception {
    List<Row> rows = engines.session.execute("SELECT * FROM kafkapipeline." + table).all();
    assertEquals(recorded.size(), rows.size());
    for (Row r : rows) {
      JsonNode e = recorded.get(r.getString("event_id"));
      String id = r.getString("event_id");
      assertTrue(e != null, "a row of no recorded change: " + id);
      assertEquals(e.path("wiki").asText(), r.getString("wiki"), id);
      assertEquals(textOrNull(e.get("title")), r.getString("title"), id);
      assertEquals(textOrNull(e.get("type")), r.getString("change_type"), id);
      assertEquals(intOrNull(e.get("namespace")), r.get("namespace", Integer.class), id);
      assertEquals(
          e.path("timestamp").isNumber()
              ? Instant.ofEpochSecond(e.path("timestamp").asLong())
              : null,
          r.getInstant("changed_at"),
          id);
      assertEquals(Instant.parse(e.path("meta").path("dt").asText()), r.getInstant("dt"), id);
      assertEquals(
          e.path("bot").isBoolean() ? e.path("bot").asBoolean() : null,
          r.get("bot", Boolean.class),
          id);
      JsonNode length = e.get("length");
      assertEquals(
          length == null || length.isNull() ? null : length,
          r.getString("length") == null ? null : JSON.readTree(r.getString("length")),
          id);
    }
  }

  private static Integer intOrNull(JsonNode n) {
    return n == null || n.isNull() ? null : n.intValue();
  }

  private static String textOrNull(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  private static JsonNode entry(JsonNode sources, String name) {
    for (JsonNode s : sources) if (name.equals(s.path("name").asText())) return s;
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static JsonNode sources(int port) {
    return SiloHttp.get(port, "/api/sources").body();
  }

  /** Column name to CQL type, of a table of keyspace kafkapipeline. */
  private Map<String, String> columns(String table) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (Row r :
        engines.session.execute(
            "SELECT column_name, type FROM system_schema.columns WHERE keyspace_name ="
                + " 'kafkapipeline' AND table_name = ?",
            table)) out.put(r.getString("column_name"), r.getString("type"));
    return out;
  }

  /** Records in the topic: from each partition's start offset to its end (no transactions). */
  private long records(String topic) throws Exception {
    List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
    for (var p :
        engines.admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
      partitions.add(new org.apache.kafka.common.TopicPartition(topic, p.partition()));
    long total = 0;
    for (var tp : partitions) {
      total +=
          engines
                  .admin
                  .listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                  .partitionResult(tp)
                  .get()
                  .offset()
              - engines
                  .admin
                  .listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.earliest()))
                  .partitionResult(tp)
                  .get()
                  .offset();
    }
    return total;
  }

  private long count(String table) {
    if (!tableExists(table)) return -1;
    return engines.session.execute("SELECT count(*) FROM kafkapipeline." + table).one().getLong(0);
  }

  private boolean tableExists(String table) {
    return engines
            .session
            .execute(
                "SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'kafkapipeline'"
                    + " AND table_name = ?",
                table)
            .one()
        != null;
  }

  private static byte[] get(String url) throws Exception {
    HttpResponse<byte[]> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    return r.body();
  }
}
