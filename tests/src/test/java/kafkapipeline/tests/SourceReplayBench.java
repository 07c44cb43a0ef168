package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a test but a measuring harness (tag {@code bench}, left out of {@code ./pipeline test}): how
 * many recent changes per second the Wikipedia source carries from an SSE replay into {@code
 * wikipediadata} on one silo. The 144 recorded changes are replayed {@value #ROUNDS} times, each
 * round with its own event ids, so every event is a new row. Prints the figures. Run: {@code ./mvnw
 * -B verify -pl tests -am -Dgroups=bench -Dsurefire.excludedGroups=
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("bench")
class SourceReplayBench {
  private static final int ROUNDS = 200;
  private static final Pattern META_ID =
      Pattern.compile("(\"meta\":\\{[^}]*?\"id\":\")([0-9a-f-]{36})\"");
  private final Engines engines = Engines.shared();

  private static String recording() throws IOException {
    try (InputStream in =
        SourceReplayBench.class.getResourceAsStream(
            "/fixtures/wikimedia/dataplumbhub_2025-05-03.DERIVED.sse")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Round r of the recording: the same changes with event ids and SSE ids of their own. */
  private static List<SseReplayServer.Frame> rounds(List<SseReplayServer.Frame> once) {
    List<SseReplayServer.Frame> all = new ArrayList<>();
    long n = 0;
    for (int r = 0; r < ROUNDS; r++) {
      for (SseReplayServer.Frame f : once) {
        Matcher m = META_ID.matcher(f.text());
        if (!m.find()) throw new IllegalStateException("no meta.id in " + f.text());
        String eventId = m.group(2).substring(0, 32) + String.format("%04x", r);
        String text = f.text().substring(0, m.start(2)) + eventId + f.text().substring(m.end(2));
        String id =
            "[{\"topic\":\"eqiad.mediawiki.recentchange\",\"partition\":0,\"offset\":"
                + (n++)
                + "}]";
        all.add(
            new SseReplayServer.Frame(
                id, text.replace("id: " + f.id() + "\n", "id: " + id + "\n")));
      }
    }
    return all;
  }

  @Test
  void wikipediaReplayIntoCassandra() throws Exception {
    engines.truncateIfExists("wikipediadata");
    engines.truncateIfExists("stream_positions");
    List<SseReplayServer.Frame> frames = rounds(SseReplayServer.frames(recording()));
    int expected = frames.size();
    try (SseReplayServer server = new SseReplayServer(frames);
        SiloCluster silos =
            new SiloCluster(
                engines,
                "bench-wikipedia",
                1,
                Map.of(
                    "WIKIPEDIA_ENABLED",
                    "true",
                    "WIKIPEDIA_STREAM_URL",
                    server.url(),
                    "FAKER_RATE",
                    "0"))) {
      silos.startAll();
      silos.awaitAllHealthy();
      Await.until(
          Duration.ofSeconds(60),
          () -> !server.requests.isEmpty(),
          () -> "the source never connected");
      long start = System.nanoTime();
      int api = silos.httpPort(0);
      Await.until(
          Duration.ofMinutes(5),
          () -> SiloHttp.counter(api, "rows_written", "wikipediadata") >= expected,
          () ->
              SiloHttp.counter(api, "rows_written", "wikipediadata")
                  + " of "
                  + expected
                  + " rows written");
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals(expected, rowCount());
      System.out.printf(
          "[bench] wikipedia SSE replay -> Kafka -> wikipediadata, 1 silo: %d events in %.1f s = %.0f events/s%n",
          expected, seconds, expected / seconds);
    }
  }

  private long rowCount() {
    return engines
        .session
        .execute(
            com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                    "SELECT count(*) FROM kafkapipeline.wikipediadata")
                .setTimeout(Duration.ofSeconds(60)))
        .one()
        .getLong(0);
  }
}
