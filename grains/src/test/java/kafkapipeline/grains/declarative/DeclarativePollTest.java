package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.slf4j.LoggerFactory;

/**
 * An {@code http-poll} grain against a local server serving the recorded SpaceX launches
 * (fixtures/spacex/v4_launches.json, see PROVENANCE.md), with in-memory Kafka and stores: exactly
 * the recorded items with their ids as keys, one batch per poll; a conditional poll that gets 304
 * publishes nothing; 429 waits its Retry-After; 500 backs off and recovers; the secret header
 * reaches the server and no status or log; Stop and a deleted spec stop it.
 */
class DeclarativePollTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final byte[] LAUNCHES = Fakes.fixture("spacex/v4_launches.json");
  private static final String SECRET = "k3y-" + Long.toHexString(System.nanoTime());
  private static final String ETAG = "\"launches-v1\"";

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static List<String> recordedIds() throws Exception {
    List<String> ids = new ArrayList<>();
    for (JsonNode launch : new ObjectMapper().readTree(LAUNCHES))
      ids.add(launch.get("id").asText());
    return ids;
  }

  private static DeclarativeSource.Dependencies deps(
      MemorySourceStore store, Fakes.Publisher publisher) {
    return new DeclarativeSource.Dependencies(
        store,
        publisher,
        new Fakes.Positions(),
        new PipelineMetrics(),
        Map.of("SOURCE_SECRET_LAUNCHES", SECRET)::get,
        Fakes.settings(),
        Fakes.loopback());
  }

  /** Serves the launches with an ETag; a request with that ETag gets 304. */
  private static void launches(com.sun.net.httpserver.HttpExchange exchange)
      throws java.io.IOException {
    if (ETAG.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
      exchange.sendResponseHeaders(304, -1);
      return;
    }
    exchange.getResponseHeaders().add("ETag", ETAG);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, LAUNCHES.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(LAUNCHES);
    }
  }

  private static void error(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
      throws java.io.IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Status await(
      ActorRef<DeclarativeSourceProtocol.Command> source,
      java.util.function.Predicate<Status> done) {
    return Fakes.awaitStatus(testKit, source, Duration.ofSeconds(30), done);
  }

  @Test
  void publishesExactlyTheRecordedLaunchesOnceThenA304PublishesNothing() throws Exception {
    try (Fakes.Server server = new Fakes.Server((exchange, i) -> launches(exchange))) {
      MemorySourceStore store = new MemorySourceStore();
      store.save(Fakes.launches(server.url("/v4/launches/past"), Duration.ofMillis(200)));
      Fakes.Publisher publisher = new Fakes.Publisher();
      ActorRef<DeclarativeSourceProtocol.Command> source =
          testKit.spawn(DeclarativeSource.create("launches", deps(store, publisher)));
      // Three requests answered: the first 200, then two 304s.
      Status status = await(source, s -> s.state() == State.RUNNING && server.requests.size() >= 3);
      await(source, s -> server.requests.size() >= 4); // the third answer was taken in
      status = await(source, s -> true);

      // The one 200's items, in batches of at most the settings' 100, one after the other.
      assertEquals(2, publisher.batches.size(), "193 items in batches of 100");
      for (Fakes.Publisher.Batch b : publisher.batches) {
        assertEquals("launches", b.topic());
        assertTrue(b.records().size() <= 100);
      }
      List<KeyedRecord> records = publisher.records();
      assertEquals(recordedIds(), records.stream().map(KeyedRecord::key).toList());
      ObjectMapper json = new ObjectMapper();
      JsonNode recorded = json.readTree(LAUNCHES);
      for (int i = 0; i < records.size(); i++) {
        assertNull(records.get(i).deadLetterReason());
        assertEquals(recorded.get(i), json.readTree(records.get(i).value()));
      }
      assertEquals(193, status.published());
      assertEquals(0, status.malformed());
      assertEquals(ETAG, status.position());
      assertNull(server.requests.get(0).getFirst("If-None-Match"));
      for (int i = 1; i < 4; i++)
        assertEquals(ETAG, server.requests.get(i).getFirst("If-None-Match"));
      assertEquals("application/json", server.requests.get(0).getFirst("Accept"));
    }
  }

  @Test
  void a429WaitsItsRetryAfter() throws Exception {
    try (Fakes.Server server =
        new Fakes.Server(
            (exchange, i) -> {
              if (i == 0) {
                exchange.getResponseHeaders().add("Retry-After", "2");
                error(exchange, 429, "slow down");
              } else launches(exchange);
            })) {
      MemorySourceStore store = new MemorySourceStore();
      store.save(Fakes.launches(server.url("/"), Duration.ofSeconds(60)));
      ActorRef<DeclarativeSourceProtocol.Command> source =
          testKit.spawn(DeclarativeSource.create("launches", deps(store, new Fakes.Publisher())));
      Status waiting = await(source, s -> s.state() == State.BACKING_OFF);
      assertEquals("rate limited (429): slow down", waiting.lastError());
      assertNotNull(waiting.nextAttemptAt());
      Status ok = await(source, s -> s.published() == 193);
      assertEquals(State.RUNNING, ok.state());
      long waitedMillis = (server.requestNanos.get(1) - server.requestNanos.get(0)) / 1_000_000;
      assertTrue(waitedMillis >= 1_900, "polled again after " + waitedMillis + " ms, asked 2 s");
      assertEquals(2, server.requests.size());
    }
  }

  /** Failed attempts the declarative grains reported to the JVM's profiler. */
  private static long failedAttempts() {
    return kafkapipeline.grains.profile.GrainProfiler.global().snapshot().grains().stream()
        .filter(e -> e.grain().equals(DeclarativeSource.TYPE_KEY.name()))
        .filter(e -> e.message().equals("Attempt"))
        .mapToLong(kafkapipeline.grains.profile.GrainProfile.Entry::failures)
        .sum();
  }

  @Test
  void a500BacksOffAndRecoversAndTheSecretReachesOnlyTheServer() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try (Fakes.Server server =
        new Fakes.Server(
            (exchange, i) -> {
              // The server echoes the key, as some do in their errors.
              if (i < 2) error(exchange, 500, "internal error for key " + SECRET);
              else launches(exchange);
            })) {
      MemorySourceStore store = new MemorySourceStore();
      store.save(Fakes.launches(server.url("/"), Duration.ofSeconds(60)));
      long failedAttempts = failedAttempts();
      ActorRef<DeclarativeSourceProtocol.Command> source =
          testKit.spawn(DeclarativeSource.create("launches", deps(store, new Fakes.Publisher())));
      List<Status> seen = new ArrayList<>();
      seen.add(await(source, s -> s.state() == State.BACKING_OFF));
      seen.add(await(source, s -> s.published() == 193));
      assertEquals(State.RUNNING, seen.get(1).state());
      assertEquals(3, server.requests.size(), "two 500s, then the launches");
      // At least: the profiler is the JVM's, and other tests' grains of this type may fail too.
      assertTrue(failedAttempts() >= failedAttempts + 2, "two failed attempts in the profile");
      assertTrue(
          seen.get(0).lastError().startsWith("HTTP 500: internal error for key <redacted>"),
          seen.get(0).lastError());
      for (var headers : server.requests) assertEquals(SECRET, headers.getFirst("X-Api-Key"));
      long second = server.requestNanos.get(2) - server.requestNanos.get(1);
      long first = server.requestNanos.get(1) - server.requestNanos.get(0);
      assertTrue(first >= 70_000_000L, "first backoff " + first + " ns, min 100 ms jittered");
      assertTrue(second >= 150_000_000L, "second backoff " + second + " ns, doubled");
      for (Status s : seen) assertFalse(s.toString().contains(SECRET), s.toString());
      for (ILoggingEvent e : logs.list)
        assertFalse(e.getFormattedMessage().contains(SECRET), e.getFormattedMessage());
      assertTrue(
          logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("<redacted>")),
          "the failure was logged, redacted");
    } finally {
      root.detachAppender(logs);
    }
  }

  @Test
  void stopStopsIt() throws Exception {
    try (Fakes.Server server = new Fakes.Server((exchange, i) -> launches(exchange))) {
      MemorySourceStore store = new MemorySourceStore();
      store.save(Fakes.launches(server.url("/"), Duration.ofMillis(100)));
      ActorRef<DeclarativeSourceProtocol.Command> source =
          testKit.spawn(DeclarativeSource.create("launches", deps(store, new Fakes.Publisher())));
      await(source, s -> s.published() == 193);
      TestProbe<Object> watcher = testKit.createTestProbe();
      source.tell(DeclarativeSourceProtocol.Stop.INSTANCE);
      watcher.expectTerminated(source, Duration.ofSeconds(10));
    }
  }

  @Test
  void aDeletedSpecStopsItOnStartWithoutARequest() throws Exception {
    try (Fakes.Server server = new Fakes.Server((exchange, i) -> launches(exchange))) {
      MemorySourceStore store = new MemorySourceStore();
      store.save(Fakes.launches(server.url("/"), Duration.ofMillis(100)));
      store.delete("launches");
      store.saveRaw("broken", "{\"name\": ");
      Fakes.Publisher publisher = new Fakes.Publisher();
      TestProbe<Object> watcher = testKit.createTestProbe();
      ActorRef<DeclarativeSourceProtocol.Command> deleted =
          testKit.spawn(DeclarativeSource.create("launches", deps(store, publisher)));
      watcher.expectTerminated(deleted, Duration.ofSeconds(10));
      ActorRef<DeclarativeSourceProtocol.Command> unreadable =
          testKit.spawn(DeclarativeSource.create("broken", deps(store, publisher)));
      watcher.expectTerminated(unreadable, Duration.ofSeconds(10));
      assertEquals(0, server.requests.size());
      assertEquals(0, publisher.batches.size());
    }
  }

  @Test
  void retryAfterIsSecondsOrAnHttpDateWithinAnHour() {
    Instant now = Instant.parse("2015-10-21T07:28:00Z");
    assertEquals(Duration.ofSeconds(120), PollClient.retryAfter(" 120 ", now));
    assertEquals(
        Duration.ofSeconds(90), PollClient.retryAfter("Wed, 21 Oct 2015 07:29:30 GMT", now));
    assertEquals(Duration.ZERO, PollClient.retryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now));
    assertEquals(Duration.ofHours(1), PollClient.retryAfter("999999", now));
    assertEquals(Duration.ZERO, PollClient.retryAfter("-5", now));
    assertEquals(Duration.ZERO, PollClient.retryAfter("soon", now));
  }

  @Test
  void backoffDoublesWithJitterWithinTheBounds() {
    DeclarativeSettings s = Fakes.settings(); // 100 ms to 2 s
    assertEquals(80, Backoff.millis(s, 1, 0));
    assertEquals(119, Backoff.millis(s, 1, 0.999));
    assertEquals(320, Backoff.millis(s, 3, 0));
    assertEquals(2_000, Backoff.millis(s, 40, 0.999));
    assertEquals(1_600, Backoff.millis(s, 40, 0));
  }
}
