package kafkapipeline.grains.wikipedia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import kafkapipeline.api.Topics;
import kafkapipeline.api.grains.WikipediaProtocol;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.StreamPositionStore;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The position guarantee of {@link WikipediaSource}, the part {@link WikipediaSourceTest} does not
 * cover: events are published in stream order, one batch at a time; the {@code Last-Event-ID} is
 * saved only after Kafka acknowledged the batch it ends; a failed publish saves nothing and the
 * reconnection resumes from the last saved id, so the failed events are published again and none is
 * skipped; a new grain (another silo, after a crash) resumes there too.
 *
 * <p>Against a local SSE server that sends, on each connection, the events after the {@code
 * Last-Event-ID} it was given and then keeps the stream open, and a publisher whose calls the test
 * acknowledges or fails one by one. Batches of one event, so each call is one event.
 */
class WikipediaPositionTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final int EVENTS = 5;

  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<String> lastEventIds = new CopyOnWriteArrayList<>();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Event n (1-based): SSE id {@code [n]}, key {@code e-n}. */
  private static String event(int n) {
    return "id: ["
        + n
        + "]\ndata: {\"meta\":{\"id\":\"e-"
        + n
        + "\"},\"wiki\":\"enwiki\",\"type\":\"edit\",\"title\":\"T"
        + n
        + "\"}\n\n";
  }

  private static int number(String sseId) {
    return Integer.parseInt(sseId.substring(1, sseId.length() - 1));
  }

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String id = exchange.getRequestHeaders().getFirst("Last-Event-ID");
          lastEventIds.add(id == null ? "none" : id);
          int from = id == null ? 1 : number(id) + 1;
          exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            for (int n = from; n <= EVENTS; n++)
              out.write(event(n).getBytes(StandardCharsets.UTF_8));
            out.flush();
            release.await(); // a live stream with nothing new, until the test ends
          } catch (InterruptedException | IOException e) {
            // the client went away, or the test is over
          }
        });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stopServer() {
    release.countDown();
    server.stop(0);
  }

  /** One publish call, acknowledged or failed only when the test says so. */
  record Call(List<String> keys, CompletableFuture<Void> ack) {}

  /** Queues every call for the test; remembers the keys Kafka acknowledged, in order. */
  static final class ControlledPublisher implements EventPublisher {
    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    final List<String> acknowledged = new CopyOnWriteArrayList<>();
    final List<String> sent = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Void> publish(String topic, List<KeyedRecord> records) {
      assertEquals(Topics.WIKIPEDIA, topic);
      List<String> keys = records.stream().map(KeyedRecord::key).toList();
      sent.addAll(keys);
      Call call = new Call(keys, new CompletableFuture<>());
      calls.add(call);
      return call.ack();
    }

    Call take(List<String> expectedKeys) throws InterruptedException {
      Call c = calls.poll(30, TimeUnit.SECONDS);
      assertNotNull(c, "no publish call; expected " + expectedKeys);
      assertEquals(expectedKeys, c.keys());
      return c;
    }

    void ack(Call c) {
      acknowledged.addAll(c.keys());
      c.ack().complete(null);
    }
  }

  /**
   * Saved positions in memory; a save of an id whose event Kafka has not acknowledged yet is
   * recorded as a violation.
   */
  static final class MemoryPositions implements StreamPositionStore {
    final List<String> saved = new CopyOnWriteArrayList<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final ControlledPublisher publisher;

    MemoryPositions(ControlledPublisher publisher) {
      this.publisher = publisher;
    }

    @Override
    public CompletionStage<Optional<String>> load(String source) {
      return CompletableFuture.completedFuture(
          saved.isEmpty() ? Optional.empty() : Optional.of(saved.get(saved.size() - 1)));
    }

    @Override
    public CompletionStage<Void> save(String source, String position) {
      if (!publisher.acknowledged.contains("e-" + number(position)))
        violations.add(position + " saved before Kafka acknowledged e-" + number(position));
      saved.add(position);
      return CompletableFuture.completedFuture(null);
    }
  }

  private WikipediaSettings settings() {
    return new WikipediaSettings(
        true,
        "http://127.0.0.1:" + server.getAddress().getPort() + "/",
        "kafkapipeline-test",
        1,
        Duration.ofMillis(20),
        Duration.ofMillis(100),
        Duration.ofSeconds(1),
        1_500_000,
        2_000_000);
  }

  private static List<String> keys(int... numbers) {
    List<String> keys = new ArrayList<>();
    for (int n : numbers) keys.add("e-" + n);
    return keys;
  }

  @Test
  void thePositionIsSavedOnlyAfterKafkaAcknowledgedAndAFailedPublishResumesFromIt()
      throws Exception {
    ControlledPublisher publisher = new ControlledPublisher();
    MemoryPositions positions = new MemoryPositions(publisher);
    PipelineMetrics metrics = new PipelineMetrics();
    ActorRef<WikipediaProtocol.Command> source =
        testKit.spawn(WikipediaSource.create(settings(), publisher, positions, metrics));

    Call first = publisher.take(keys(1));
    assertEquals(List.of(), positions.saved, "nothing saved while Kafka has not answered");
    publisher.ack(first);
    // The next batch is read only after the position of the one before is saved.
    Call second = publisher.take(keys(2));
    assertEquals(List.of("[1]"), positions.saved);

    second.ack().completeExceptionally(new RuntimeException("broker unavailable"));
    // The connection ends; the next one resumes after [1]: e-2 again, nothing skipped.
    Call retry = publisher.take(keys(2));
    assertEquals(List.of("[1]"), positions.saved, "the failed batch's position is not saved");
    assertEquals(List.of("none", "[1]"), lastEventIds);
    publisher.ack(retry);
    Call third = publisher.take(keys(3));
    publisher.ack(third);
    Call fourth = publisher.take(keys(4));
    publisher.ack(fourth);
    Call fifth = publisher.take(keys(5)); // left unacknowledged: the grain's silo dies now

    TestProbe<WikipediaProtocol.Status> probe = testKit.createTestProbe();
    WikipediaProtocol.Status s =
        probe.awaitAssert(
            Duration.ofSeconds(30),
            () -> {
              source.tell(new WikipediaProtocol.GetStatus(probe.getRef()));
              WikipediaProtocol.Status st = probe.receiveMessage();
              assertEquals("[4]", st.position(), String.valueOf(st));
              return st;
            });
    assertEquals(4, s.published(), "acknowledged events only, each once");
    assertEquals(2, s.connections());
    assertEquals("streaming", s.state());
    assertTrue(s.lastError().contains("broker unavailable"), s.lastError());
    assertEquals(1, metrics.get(WikipediaSource.SOURCE, "reconnects"));
    assertEquals(List.of("[1]", "[2]", "[3]", "[4]"), positions.saved);
    assertEquals(keys(1, 2, 2, 3, 4, 5), publisher.sent, "in stream order");

    // Another grain (the singleton moved) resumes from the saved id: only e-5 is read again.
    testKit.stop(source);
    fifth.ack().completeExceptionally(new RuntimeException("the silo is gone"));
    ActorRef<WikipediaProtocol.Command> next =
        testKit.spawn(
            WikipediaSource.create(settings(), publisher, positions, new PipelineMetrics()));
    publisher.ack(publisher.take(keys(5)));
    probe.awaitAssert(
        Duration.ofSeconds(30),
        () -> {
          assertEquals(List.of("[1]", "[2]", "[3]", "[4]", "[5]"), positions.saved);
          return null;
        });
    assertEquals(List.of("none", "[1]", "[4]"), lastEventIds);
    assertEquals(keys(1, 2, 3, 4, 5), publisher.acknowledged, "every event, in order, once");
    assertEquals(List.of(), positions.violations);
    assertEquals(0, publisher.calls.size());
    testKit.stop(next);
  }
}
