package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The 144 recorded recent changes, replayed over SSE with a canary, a malformed message and an
 * {@code event: error} mixed in, a 429 first and a connection cut off mid-event, become exactly the
 * 144 expected rows of {@code wikipediadata}; the malformed one becomes one dead letter; a
 * restarted silo resumes with the stored {@code Last-Event-ID}. And a stream that starts with a BOM
 * and carries raw U+2028, U+2029 and U+0085 in comments and data, plus one event over Kafka's
 * limit, loses no event: exactly its rows, one dead letter, no reconnect.
 */
class WikipediaEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MALFORMED =
      "{\"$schema\":\"/mediawiki/recentchange/1.0.0\",\"meta\":{\"id\":";
  private static final int DROP_AFTER = 80;
  private final Engines engines = Engines.shared();

  private static String resource(String name) throws IOException {
    try (InputStream in =
        WikipediaEndToEndTest.class.getResourceAsStream("/fixtures/wikimedia/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String syntheticId(long n) {
    return "[{\"topic\":\"eqiad.mediawiki.recentchange\",\"partition\":0,\"timestamp\":"
        + (1746258000000L + n)
        + "}]";
  }

  /**
   * The recording with a canary after frame 10, a malformed message after 20, an error after 30.
   */
  private static List<SseReplayServer.Frame> stream() throws IOException {
    List<SseReplayServer.Frame> frames =
        new ArrayList<>(SseReplayServer.frames(resource("dataplumbhub_2025-05-03.DERIVED.sse")));
    assertEquals(144, frames.size());
    frames.add(
        30,
        new SseReplayServer.Frame(
            null, "event: error\ndata: {\"message\":\"replay test error\"}\n\n"));
    frames.add(
        20,
        new SseReplayServer.Frame(
            syntheticId(2),
            "event: message\nid: " + syntheticId(2) + "\ndata: " + MALFORMED + "\n\n"));
    frames.add(
        10,
        new SseReplayServer.Frame(
            syntheticId(1),
            "event: message\nid: "
                + syntheticId(1)
                + "\ndata: "
                + "{\"$schema\":\"/mediawiki/recentchange/1.0.1\",\"meta\":{\"domain\":\"canary\",\"id\":\"canary-1\",\"dt\":\"2025-05-03T08:15:00Z\",\"stream\":\"mediawiki.recentchange\"}}\n\n"));
    return frames;
  }

  private static Map<String, String> env(SseReplayServer server) {
    return Map.of(
        "WIKIPEDIA_ENABLED",
        "true",
        "WIKIPEDIA_STREAM_URL",
        server.url(),
        "WIKIPEDIA_MIN_BACKOFF",
        "200ms",
        "WIKIPEDIA_BATCH_SIZE",
        "20",
        "FAKER_RATE",
        "0");
  }

  private long rowCount() {
    return engines
        .session
        .execute("SELECT count(*) FROM kafkapipeline.wikipediadata")
        .one()
        .getLong(0);
  }

  private List<Row> wikipediaDeadLetters() {
    return DeadLetterRows.of(engines.session, "wikipedia");
  }

  private String savedPosition() {
    Row r =
        engines
            .session
            .execute(
                "SELECT last_event_id FROM kafkapipeline.stream_positions WHERE source = 'wikipedia'")
            .one();
    return r == null ? null : r.getString(0);
  }

  /** Whether every record published to topic wikipedia has been written and committed. */
  private static boolean wikipediaConsumed(int port) {
    long end = 0;
    long lag = 0;
    for (JsonNode p : SiloHttp.get(port, "/api/kafka/lag").body()) {
      if (!"wikipedia".equals(p.path("topic").asText())) continue;
      end += p.path("endOffset").asLong();
      lag += p.path("lag").asLong();
    }
    return end > 0 && lag == 0;
  }

  /** Rows, dead letters, saved position and consumer lag: what the test waits on. */
  private String progress(SseReplayServer server, int port) {
    return rowCount()
        + " rows, "
        + wikipediaDeadLetters().size()
        + " dead letters, position "
        + savedPosition()
        + ", consumed "
        + wikipediaConsumed(port)
        + ", requests "
        + server.requests;
  }

  private static JsonNode source(int port, String name) {
    for (JsonNode s : SiloHttp.get(port, "/api/sources").body()) {
      if (name.equals(s.path("name").asText())) return s;
    }
    return null;
  }

  @Test
  void recordedChangesBecomeExactlyTheirRowsAcrossA429ADropAndARestart() throws Exception {
    engines.truncateIfExists("wikipediadata");
    engines.truncateIfExists("stream_positions");
    DeadLetterRows.truncate(engines.session);
    List<SseReplayServer.Frame> frames = stream();
    try (SseReplayServer server = new SseReplayServer(frames)) {
      server.refuseNext.set(1);
      server.dropAfterFrames.set(DROP_AFTER);
      // The cut comes once the source has saved the position of the last whole frame it was sent.
      server.cutWhen = () -> frames.get(DROP_AFTER - 1).id().equals(savedPosition());
      try (SiloCluster silos = new SiloCluster(engines, "wikipedia", 1, env(server))) {
        silos.startAll();
        silos.awaitAllHealthy();
        int port = silos.httpPort(0);
        // Every frame handled (the last one's position saved) and every record written and
        // committed: nothing more can come.
        Await.until(
            Duration.ofSeconds(90),
            () ->
                frames.get(frames.size() - 1).id().equals(savedPosition())
                    && rowCount() >= 144
                    && wikipediaDeadLetters().size() >= 1
                    && wikipediaConsumed(port),
            () -> progress(server, port));
        assertEquals(144, rowCount(), "one row per recorded change, none for the canary");

        assertEquals(
            3, server.requests.size(), "refused, cut off, then streaming: " + server.requests);
        assertNull(server.requests.get(0).lastEventId(), "a fresh source starts at the live edge");
        assertNull(server.requests.get(1).lastEventId(), "nothing was published before the 429");
        assertEquals(
            frames.get(DROP_AFTER - 1).id(),
            server.requests.get(2).lastEventId(),
            "after the drop the source resumes after the last frame it had published");
        assertTrue(
            server.requests.get(0).userAgent().startsWith("kafkapipeline/"),
            server.requests.get(0).userAgent());

        List<Row> dead = wikipediaDeadLetters();
        assertEquals(1, dead.size());
        assertEquals(
            MALFORMED,
            StandardCharsets.UTF_8.decode(dead.get(0).getByteBuffer("payload")).toString());

        JsonNode status = source(silos.httpPort(0), "wikipedia");
        assertEquals("streaming", status.path("state").asText(), String.valueOf(status));
        assertTrue(
            status
                .path("lastError")
                .asText()
                .startsWith(
                    "144 published, 1 canaries discarded, 1 malformed, 0 oversize, 1 server errors, 3 connections"),
            String.valueOf(status));
        assertNotNull(status.get("lastEventTime"));
      }
      assertEveryRowMatchesItsRecordedChange();

      // A new silo (the grain's new home) resumes after the last frame, reading nothing again.
      int before = server.requests.size();
      try (SiloCluster restarted =
          new SiloCluster(engines, "wikipedia-restarted", 1, env(server))) {
        restarted.startAll();
        restarted.awaitAllHealthy();
        Await.until(
            Duration.ofSeconds(60),
            () -> server.requests.size() > before,
            () -> "no new request: " + server.requests);
        assertEquals(frames.get(frames.size() - 1).id(), server.requests.get(before).lastEventId());
        Await.until(
            Duration.ofSeconds(30),
            () ->
                "streaming"
                    .equals(source(restarted.httpPort(0), "wikipedia").path("state").asText()),
            () -> String.valueOf(source(restarted.httpPort(0), "wikipedia")));
        assertEquals(144, rowCount());
      }
    }
  }

  /** Every column of every row, against the recorded events (the same objects as the stream). */
  private void assertEveryRowMatchesItsRecordedChange() throws IOException {
    Map<String, Row> rows = new HashMap<>();
    for (Row r : engines.session.execute("SELECT * FROM kafkapipeline.wikipediadata")) {
      rows.put(r.getString("wiki") + "/" + r.getString("event_id"), r);
    }
    int checked = 0;
    for (String line : resource("dataplumbhub_stream_2025-05-03.compact.jsonl").split("\n")) {
      if (line.isBlank()) continue;
      JsonNode e = JSON.readTree(line);
      Row r = rows.get(e.path("wiki").asText() + "/" + e.path("meta").path("id").asText());
      assertNotNull(r, "no row for " + line.substring(0, 120));
      assertEquals(e.path("type").asText(), r.getString("type"));
      assertEquals(e.path("title").asText(), r.getString("title"));
      assertEquals(e.path("namespace").asInt(), r.getInt("namespace"));
      assertEquals(e.path("user").asText(), r.getString("user"));
      assertEquals(e.path("comment").asText(), r.getString("comment"));
      assertEquals(e.path("bot").asBoolean(), r.getBoolean("bot"));
      assertEquals(Instant.ofEpochSecond(e.path("timestamp").asLong()), r.getInstant("timestamp"));
      assertEquals(optionalLong(e.path("id")), r.get("id", Long.class));
      assertEquals(optionalBoolean(e.path("minor")), r.get("minor", Boolean.class));
      assertEquals(optionalBoolean(e.path("patrolled")), r.get("patrolled", Boolean.class));
      assertEquals(optionalLong(e.path("length").path("old")), r.get("length_old", Long.class));
      assertEquals(optionalLong(e.path("length").path("new")), r.get("length_new", Long.class));
      assertEquals(optionalLong(e.path("revision").path("old")), r.get("revision_old", Long.class));
      assertEquals(optionalLong(e.path("revision").path("new")), r.get("revision_new", Long.class));
      assertEquals(
          e.hasNonNull("log_type") ? e.path("log_type").asText() : null, r.getString("log_type"));
      checked++;
    }
    assertEquals(144, checked);
  }

  private static Long optionalLong(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? null : n.asLong();
  }

  private static Boolean optionalBoolean(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? null : n.asBoolean();
  }
}
