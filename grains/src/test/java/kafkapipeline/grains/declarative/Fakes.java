package kafkapipeline.grains.declarative;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import kafkapipeline.api.sources.ColumnSpec;
import kafkapipeline.api.sources.ColumnType;
import kafkapipeline.api.sources.PrimaryKeySpec;
import kafkapipeline.api.sources.SourceKind;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.api.sources.SseFilter;
import kafkapipeline.grains.cassandra.StreamPositionStore;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;

/**
 * In-memory stand-ins for Kafka and Cassandra, a local HTTP server, and the specs the tests run.
 */
final class Fakes {
  private Fakes() {}

  static byte[] fixture(String path) {
    try (InputStream in = Fakes.class.getResourceAsStream("/fixtures/" + path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every publish call as one batch, with its topic. */
  static final class Publisher implements EventPublisher {
    record Batch(String topic, List<KeyedRecord> records) {}

    final List<Batch> batches = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Void> publish(String topic, List<KeyedRecord> records) {
      batches.add(new Batch(topic, List.copyOf(records)));
      return CompletableFuture.completedFuture(null);
    }

    List<KeyedRecord> records() {
      return batches.stream().flatMap(b -> b.records().stream()).toList();
    }
  }

  static final class Positions implements StreamPositionStore {
    final Map<String, String> saved = new ConcurrentHashMap<>();
    final List<String> saves = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Optional<String>> load(String source) {
      return CompletableFuture.completedFuture(Optional.ofNullable(saved.get(source)));
    }

    @Override
    public CompletionStage<Void> save(String source, String position) {
      saved.put(source, position);
      saves.add(source + "=" + position);
      return CompletableFuture.completedFuture(null);
    }
  }

  /** A loopback server; {@code requests} is each request's headers, in order. */
  static final class Server implements AutoCloseable {
    interface Handler {
      void handle(HttpExchange exchange, int index) throws IOException;
    }

    final HttpServer http;
    final List<com.sun.net.httpserver.Headers> requests =
        Collections.synchronizedList(new ArrayList<>());
    final List<Long> requestNanos = new CopyOnWriteArrayList<>();

    Server(Handler handler) throws IOException {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      http.createContext(
          "/",
          exchange -> {
            int index;
            synchronized (requests) {
              index = requests.size();
              requests.add(exchange.getRequestHeaders());
            }
            requestNanos.add(System.nanoTime());
            try {
              handler.handle(exchange, index);
            } finally {
              exchange.close();
            }
          });
      http.setExecutor(Executors.newCachedThreadPool());
      http.start();
    }

    String url(String path) {
      return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }

  /** No secrets folder; public addresses and loopback, where the tests' servers listen. */
  static SourceAccessSettings loopback() {
    return new SourceAccessSettings(
        java.util.Optional.empty(), kafkapipeline.api.sources.AddressRule.parse("127.0.0.0/8"));
  }

  static DeclarativeSettings settings() {
    return settings(Duration.ofSeconds(5), 4 * 1024 * 1024, 10_000, Duration.ofSeconds(30));
  }

  /** The test settings with other bounds. */
  static DeclarativeSettings settings(
      Duration pollDeadline, int maxBodyBytes, int maxItems, Duration idleTimeout) {
    return new DeclarativeSettings(
        Duration.ofMillis(100),
        Duration.ofSeconds(2),
        pollDeadline.compareTo(Duration.ofSeconds(5)) < 0 ? pollDeadline : Duration.ofSeconds(5),
        pollDeadline,
        maxBodyBytes,
        Math.max(maxBodyBytes, 16 * 1024 * 1024),
        maxItems,
        1_500_000,
        2_000_000,
        100,
        1024 * 1024,
        Duration.ofMillis(50),
        idleTimeout,
        Duration.ofSeconds(10),
        Duration.ofSeconds(2),
        100);
  }

  /** The launches spec of the issue, polling {@code url} every {@code interval}. */
  static SourceSpec launches(String url, Duration interval) {
    return new SourceSpec(
        "launches",
        SourceKind.HTTP_POLL,
        url,
        interval,
        Map.of("Accept", "application/json"),
        Map.of("X-Api-Key", "SOURCE_SECRET_LAUNCHES"),
        null,
        "",
        "/id",
        null,
        null,
        null,
        List.of(
            new ColumnSpec("launch_id", "/id", ColumnType.TEXT, true),
            new ColumnSpec("name", "/name", ColumnType.TEXT, true),
            new ColumnSpec("cores", "/cores", ColumnType.JSON, false)),
        new PrimaryKeySpec(List.of("launch_id"), List.of()));
  }

  /** Wikimedia recent changes over SSE, canaries dropped. */
  static SourceSpec recentChanges(String url) {
    return new SourceSpec(
        "changes",
        SourceKind.SSE,
        url,
        null,
        Map.of("User-Agent", "kafkapipeline-test"),
        null,
        null,
        "",
        "/meta/id",
        new SseFilter("/meta/domain", List.of("canary")),
        "rc",
        null,
        List.of(
            new ColumnSpec("event_id", "/meta/id", ColumnType.TEXT, true),
            new ColumnSpec("title", "/title", ColumnType.TEXT, false)),
        new PrimaryKeySpec(List.of("event_id"), List.of()));
  }

  /**
   * Asks {@code source} for its status every 50 ms until {@code done} holds; fails with the last
   * status once {@code within} has passed.
   */
  static kafkapipeline.api.grains.DeclarativeSourceProtocol.Status awaitStatus(
      org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit testKit,
      org.apache.pekko.actor.typed.ActorRef<
              kafkapipeline.api.grains.DeclarativeSourceProtocol.Command>
          source,
      Duration within,
      java.util.function.Predicate<kafkapipeline.api.grains.DeclarativeSourceProtocol.Status>
          done) {
    var probe =
        testKit.<kafkapipeline.api.grains.DeclarativeSourceProtocol.Status>createTestProbe();
    return probe.awaitAssert(
        within,
        Duration.ofMillis(50),
        () -> {
          source.tell(
              new kafkapipeline.api.grains.DeclarativeSourceProtocol.GetStatus(probe.getRef()));
          var s = probe.receiveMessage();
          org.junit.jupiter.api.Assertions.assertTrue(done.test(s), String.valueOf(s));
          return s;
        });
  }
}
