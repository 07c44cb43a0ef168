package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kafkapipeline.api.grains.DeclarativeSourceProtocol;
import kafkapipeline.api.grains.DeclarativeSourceProtocol.State;
import kafkapipeline.api.grains.DeclarativeSourceProtocol.Status;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * An {@code sse} grain against a local server replaying recorded Wikimedia recent changes
 * (fixtures/wikimedia/dataplumbhub_2025-05-03.DERIVED.sse, 144 events, see PROVENANCE.md) with two
 * canaries mixed in: every change published keyed by its {@code meta.id}, the canaries dropped and
 * counted, the position saved after Kafka acknowledged, and a grain started again (as after a
 * restart or a move) resumes from the saved Last-Event-ID.
 */
class DeclarativeSseTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final String RECORDED =
      new String(
          Fakes.fixture("wikimedia/dataplumbhub_2025-05-03.DERIVED.sse"), StandardCharsets.UTF_8);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static String canary(int n) {
    return "event: message\nid: [\"canary-"
        + n
        + "\"]\ndata: {\"$schema\":\"/mediawiki/recentchange/1.0.0\",\"meta\":{\"id\":\"canary-"
        + n
        + "\",\"domain\":\"canary\",\"stream\":\"mediawiki.recentchange\"}}\n\n";
  }

  @Test
  void publishesEveryChangeDropsCanariesAndResumesFromTheSavedIdAfterARestart() throws Exception {
    // Canaries after the first event and in the middle; the recorded events stay in order.
    int firstFrame = RECORDED.indexOf("event: message");
    int middle = RECORDED.indexOf("event: message", RECORDED.length() / 2);
    String stream =
        RECORDED.substring(0, firstFrame)
            + canary(1)
            + RECORDED.substring(firstFrame, middle)
            + canary(2)
            + RECORDED.substring(middle);
    List<String> ids = new ArrayList<>();
    Matcher id = Pattern.compile("(?m)^id: (.*)$").matcher(RECORDED);
    while (id.find()) ids.add(id.group(1));
    String lastId = ids.get(ids.size() - 1);
    List<String> metaIds = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    Matcher data = Pattern.compile("(?m)^data: (.*)$").matcher(RECORDED);
    while (data.find()) metaIds.add(json.readTree(data.group(1)).at("/meta/id").asText());
    assertEquals(144, metaIds.size());

    CountDownLatch release = new CountDownLatch(1);
    try (Fakes.Server server =
        new Fakes.Server(
            (exchange, i) -> {
              exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
              exchange.sendResponseHeaders(200, 0);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write((i == 0 ? stream : ":ok\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                release.await(); // a live stream with nothing new, until the test ends
              } catch (InterruptedException | IOException e) {
                // the client went away or the test is over
              }
            })) {
      MemorySourceStore store = new MemorySourceStore();
      store.save(Fakes.recentChanges(server.url("/v2/stream/recentchange")));
      Fakes.Publisher publisher = new Fakes.Publisher();
      Fakes.Positions positions = new Fakes.Positions();
      DeclarativeSource.Dependencies deps =
          new DeclarativeSource.Dependencies(
              store,
              publisher,
              positions,
              new PipelineMetrics(),
              Map.<String, String>of()::get,
              Fakes.settings(),
              Fakes.loopback());
      ActorRef<DeclarativeSourceProtocol.Command> first =
          testKit.spawn(DeclarativeSource.create("changes", deps));
      Status status = await(first, s -> s.published() == 144 && lastId.equals(s.position()));
      assertEquals(State.RUNNING, status.state());
      assertEquals(2, status.filtered());
      assertEquals(0, status.malformed());
      assertEquals(lastId, positions.saved.get("source:changes"));

      List<KeyedRecord> records = publisher.records();
      assertEquals(metaIds, records.stream().map(KeyedRecord::key).toList());
      for (Fakes.Publisher.Batch b : publisher.batches) assertEquals("rc", b.topic());
      for (KeyedRecord r : records) {
        assertNull(r.deadLetterReason());
        JsonNode value = json.readTree(r.value());
        assertEquals(r.key(), value.at("/meta/id").asText());
      }
      assertNull(server.requests.get(0).getFirst("Last-Event-ID"), "fresh at the live edge");
      assertEquals("kafkapipeline-test", server.requests.get(0).getFirst("User-Agent"));

      TestProbe<Object> watcher = testKit.createTestProbe();
      testKit.stop(first);
      watcher.expectTerminated(first, Duration.ofSeconds(10));
      ActorRef<DeclarativeSourceProtocol.Command> second =
          testKit.spawn(DeclarativeSource.create("changes", deps));
      await(second, s -> s.state() == State.RUNNING && server.requests.size() == 2);
      assertEquals(lastId, server.requests.get(1).getFirst("Last-Event-ID"));
      assertEquals(144, publisher.records().size(), "nothing read twice");
    } finally {
      release.countDown();
    }
  }

  private static Status await(
      ActorRef<DeclarativeSourceProtocol.Command> source,
      java.util.function.Predicate<Status> done) {
    return Fakes.awaitStatus(testKit, source, Duration.ofSeconds(30), done);
  }
}
