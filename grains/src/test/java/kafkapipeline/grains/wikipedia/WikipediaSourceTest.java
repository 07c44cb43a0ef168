package kafkapipeline.grains.wikipedia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
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
import org.junit.jupiter.api.Test;

/**
 * The source against a local SSE server and in-memory stand-ins for Kafka and Cassandra: each kind
 * of unusable event becomes exactly one dead-letter marker, the position moves past all of them
 * (also past an id without data), nothing makes it reconnect but the end of the stream, and the
 * next connection waits the server's {@code retry:}.
 */
class WikipediaSourceTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static final class RecordingPublisher implements EventPublisher {
    final List<KeyedRecord> records = Collections.synchronizedList(new ArrayList<>());

    @Override
    public CompletionStage<Void> publish(String topic, List<KeyedRecord> batch) {
      assertEquals(Topics.WIKIPEDIA, topic);
      records.addAll(batch);
      return CompletableFuture.completedFuture(null);
    }
  }

  static final class MemoryPositions implements StreamPositionStore {
    final List<String> saved = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Optional<String>> load(String source) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletionStage<Void> save(String source, String position) {
      saved.add(position);
      return CompletableFuture.completedFuture(null);
    }
  }

  static String change(String metaId, String comment) {
    return "{\"meta\":{\"id\":\""
        + metaId
        + "\",\"domain\":\"en.wikipedia.org\"},\"wiki\":\"enwiki\",\"type\":\"edit\","
        + "\"comment\":\""
        + comment
        + "\"}";
  }

  static WikipediaSettings settings(String url) {
    return new WikipediaSettings(
        true,
        url,
        "kafkapipeline-test",
        100,
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofSeconds(10),
        1_500_000,
        2_000_000);
  }

  /** The last event's id, with characters that are not ASCII (sent back in Last-Event-ID). */
  private static final String LAST = "[7\u2028\u00e9]";

  @Test
  void everyUnusableEventIsOneDeadLetterAndThePositionMovesPastIt() throws Exception {
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    first.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    String kafkaBig = change("big-1", "x".repeat(1_100_000));
    String sseBig = change("huge-1", "y".repeat(1_600_000));
    first.writeBytes(
        ("data: "
                + change("c-1", "a\u2028b")
                + "\nid: [1]\n\n"
                + ": a comment\u2028\n"
                + "id: [2]\ndata: null\n\n"
                + "id: [3]\ndata: [1,2]\n\n"
                + "id: [4]\n\n"
                + "id: [5]\ndata: "
                + kafkaBig
                + "\n\n"
                + "id: [6]\ndata: "
                + sseBig
                + "\n\n"
                + "retry: 1500\n"
                + "id: "
                + LAST
                + "\ndata: "
                + change("c-7", "z")
                + "\n\n")
            .getBytes(StandardCharsets.UTF_8));
    List<String> lastEventIds = new CopyOnWriteArrayList<>();
    List<Long> requestedAt = new CopyOnWriteArrayList<>();
    List<Long> closedAt = new CopyOnWriteArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String id = exchange.getRequestHeaders().getFirst("Last-Event-ID");
          // The JDK server reads header bytes as ISO-8859-1; the standard sends the id as UTF-8.
          lastEventIds.add(
              id == null
                  ? "none"
                  : new String(id.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
          requestedAt.add(System.nanoTime());
          exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            if (lastEventIds.size() == 1) {
              out.write(first.toByteArray());
            } else {
              out.write(":ok\n\n".getBytes(StandardCharsets.US_ASCII));
              out.flush();
              release.await(); // a live stream with nothing new, until the test ends
            }
          } catch (InterruptedException | IOException e) {
            // the test is over
          }
          closedAt.add(System.nanoTime());
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    RecordingPublisher publisher = new RecordingPublisher();
    MemoryPositions positions = new MemoryPositions();
    PipelineMetrics metrics = new PipelineMetrics();
    try {
      ActorRef<WikipediaProtocol.Command> source =
          testKit.spawn(
              WikipediaSource.create(
                  settings("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
                  publisher,
                  positions,
                  metrics));
      TestProbe<WikipediaProtocol.Status> probe = testKit.createTestProbe();
      probe.awaitAssert(
          Duration.ofSeconds(30),
          Duration.ofMillis(100),
          () -> {
            source.tell(new WikipediaProtocol.GetStatus(probe.getRef()));
            WikipediaProtocol.Status s = probe.receiveMessage();
            assertEquals(2, s.connections(), String.valueOf(s));
            assertEquals("streaming", s.state(), String.valueOf(s));
            return s;
          });
      source.tell(new WikipediaProtocol.GetStatus(probe.getRef()));
      WikipediaProtocol.Status status = probe.receiveMessage();
      assertEquals(2, status.published(), String.valueOf(status));
      assertEquals(2, status.malformed(), String.valueOf(status));
      assertEquals(2, status.oversize(), String.valueOf(status));
      assertEquals(LAST, status.position());

      List<KeyedRecord> sent = List.copyOf(publisher.records);
      assertEquals(
          List.of("c-1", "[2]", "[3]", "big-1", "[6]", "c-7"),
          sent.stream().map(KeyedRecord::key).toList());
      assertNull(sent.get(0).deadLetterReason());
      assertEquals(
          change("c-1", "a\u2028b"), new String(sent.get(0).value(), StandardCharsets.UTF_8));
      assertEquals("not a JSON object but null", sent.get(1).deadLetterReason());
      assertEquals("null", new String(sent.get(1).value(), StandardCharsets.UTF_8));
      assertEquals("not a JSON object but array", sent.get(2).deadLetterReason());
      assertTrue(
          sent.get(3).deadLetterReason().contains("over Kafka's limit"),
          sent.get(3).deadLetterReason());
      assertTrue(
          sent.get(4).deadLetterReason().contains("over 1500000 bytes"),
          sent.get(4).deadLetterReason());
      for (KeyedRecord r : sent.subList(3, 5))
        assertEquals(KeyedRecord.DEAD_LETTER_HEAD_BYTES, r.value().length);
      assertNull(sent.get(5).deadLetterReason());
      for (KeyedRecord r : sent) assertTrue(r.sizeBytes() <= Topics.MAX_EVENT_BYTES);

      assertEquals(LAST, positions.saved.get(positions.saved.size() - 1));
      assertEquals(
          List.of("none", LAST),
          lastEventIds,
          "fresh at the live edge, then after the last event, as UTF-8");
      long waitedMillis = (requestedAt.get(1) - closedAt.get(0)) / 1_000_000;
      assertTrue(
          waitedMillis >= 1_400,
          "reconnected after " + waitedMillis + " ms, the server asked for 1500");
      assertEquals(2, metrics.get(WikipediaSource.SOURCE, PipelineMetrics.OVERSIZE_EVENTS));
      assertEquals(2, metrics.get(WikipediaSource.SOURCE, PipelineMetrics.MALFORMED_EVENTS));
      assertEquals(1, metrics.get(WikipediaSource.SOURCE, "reconnects"), "only the server's close");
    } finally {
      release.countDown();
      server.stop(0);
    }
  }

  @Test
  void theServersRetryIsAFloorWithinTheBackoffBounds() {
    WikipediaSettings s = settings("http://unused/");
    // min 100 ms, max 10 s; jitter 0 gives the lowest wait, just under 1 the highest.
    assertEquals(50, WikipediaSource.reconnectWaitMillis(s, 1, Duration.ZERO, Optional.empty(), 0));
    assertEquals(
        3_000,
        WikipediaSource.reconnectWaitMillis(
            s, 1, Duration.ZERO, Optional.of(Duration.ofSeconds(3)), 0));
    assertEquals(
        10_000,
        WikipediaSource.reconnectWaitMillis(
            s, 1, Duration.ZERO, Optional.of(Duration.ofHours(2)), 0),
        "kept within max backoff");
    assertEquals(
        100,
        WikipediaSource.reconnectWaitMillis(s, 1, Duration.ZERO, Optional.of(Duration.ZERO), 0),
        "kept within min backoff");
    assertEquals(
        20_000,
        WikipediaSource.reconnectWaitMillis(
            s, 1, Duration.ofSeconds(20), Optional.of(Duration.ofSeconds(3)), 0),
        "Retry-After still wins when longer");
    long highest =
        WikipediaSource.reconnectWaitMillis(
            s, 30, Duration.ZERO, Optional.of(Duration.ofSeconds(3)), 0.999_999);
    assertTrue(highest >= 9_999 && highest <= 10_000, "capped exponential: " + highest);
  }
}
