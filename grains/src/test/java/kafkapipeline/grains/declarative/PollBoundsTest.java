package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import kafkapipeline.api.grains.DeclarativeSourceProtocol;
import kafkapipeline.api.grains.DeclarativeSourceProtocol.State;
import kafkapipeline.api.grains.DeclarativeSourceProtocol.Status;
import kafkapipeline.grains.PipelineMetrics;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * An {@code http-poll} grain against hostile servers on loopback: a 30 MiB array of small numbers
 * (the document that took silos down), a document with more items than allowed, and a server that
 * sends its headers and then one byte a second. Each attempt fails with the bound and its setting
 * in the source's state, counted, and the source polls again after its backoff.
 */
class PollBoundsTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final int MIB = 1024 * 1024;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** {@code [0,1,2,...,9,0,...]} of {@code bytes} bytes. */
  private static byte[] smallNumbers(int bytes) {
    byte[] body = new byte[bytes];
    body[0] = '[';
    for (int i = 1; i < bytes - 1; i += 2) {
      body[i] = (byte) ('0' + (i / 2) % 10);
      body[i + 1] = ',';
    }
    body[bytes - 2] = '9';
    body[bytes - 1] = ']';
    return body;
  }

  private static Status await(
      ActorRef<DeclarativeSourceProtocol.Command> source, Duration within, Predicate<Status> done) {
    return Fakes.awaitStatus(testKit, source, within, done);
  }

  private static ActorRef<DeclarativeSourceProtocol.Command> start(
      String url, DeclarativeSettings settings, Fakes.Publisher publisher, PipelineMetrics metrics)
      throws Exception {
    MemorySourceStore store = new MemorySourceStore();
    store.save(Fakes.launches(url, Duration.ofSeconds(60)));
    return testKit.spawn(
        DeclarativeSource.create(
            "launches",
            new DeclarativeSource.Dependencies(
                store,
                publisher,
                new Fakes.Positions(),
                metrics,
                Map.of("SOURCE_SECRET_LAUNCHES", "k")::get,
                settings,
                Fakes.loopback())));
  }

  /** Serves {@code body} whole with its length; counts what the connection took. */
  private static Fakes.Server serving(byte[] body, AtomicLong written) throws IOException {
    return new Fakes.Server(
        (exchange, i) -> {
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            for (int at = 0; at < body.length; at += 64 * 1024) {
              int n = Math.min(64 * 1024, body.length - at);
              out.write(body, at, n);
              written.addAndGet(n);
            }
          } catch (IOException cut) {
            // the client stopped reading
          }
        });
  }

  @Test
  void thirtyMebibytesOfNumbersFailOnTheBodyLimitAndAreNotReadWhole() throws Exception {
    byte[] body = smallNumbers(30 * MIB);
    AtomicLong written = new AtomicLong();
    try (Fakes.Server server = serving(body, written)) {
      Fakes.Publisher publisher = new Fakes.Publisher();
      PipelineMetrics metrics = new PipelineMetrics();
      ActorRef<DeclarativeSourceProtocol.Command> source =
          start(
              server.url("/"),
              Fakes.settings(Duration.ofSeconds(5), 8 * MIB, 10_000, Duration.ofSeconds(30)),
              publisher,
              metrics);
      Status failing = await(source, Duration.ofSeconds(20), s -> s.state() == State.BACKING_OFF);
      assertTrue(failing.lastError().contains("max-body-bytes"), failing.lastError());
      // Polled again after its backoff, and refused again: never published, never read whole.
      await(source, Duration.ofSeconds(20), s -> server.requests.size() >= 2);
      assertEquals(0, publisher.records().size());
      assertTrue(written.get() < 30L * MIB, written + " bytes taken of 30 MiB");
      assertTrue(
          metrics.snapshot().toString().contains(DeclarativeSource.BOUNDS_EXCEEDED),
          metrics.snapshot().toString());
    }
  }

  @Test
  void thirtyMebibytesWithinTheOldBodyLimitFailOnTheItemLimitWithOneDeadLetter() throws Exception {
    // The old default body limit (32 MiB) let this document through to be parsed whole.
    byte[] body = smallNumbers(30 * MIB);
    try (Fakes.Server server = serving(body, new AtomicLong())) {
      Fakes.Publisher publisher = new Fakes.Publisher();
      ActorRef<DeclarativeSourceProtocol.Command> source =
          start(
              server.url("/"),
              Fakes.settings(Duration.ofSeconds(20), 32 * MIB, 10_000, Duration.ofSeconds(30)),
              publisher,
              new PipelineMetrics());
      Status failing = await(source, Duration.ofSeconds(30), s -> s.state() == State.BACKING_OFF);
      assertTrue(failing.lastError().startsWith("more than 10000 items"), failing.lastError());
      assertTrue(failing.lastError().contains("max-items"), failing.lastError());
      assertEquals(1, failing.malformed(), "the document's dead letter");
      assertEquals(0, failing.published());
      assertEquals(1, publisher.records().size());
      assertTrue(publisher.records().get(0).deadLetterReason().startsWith("more than 10000"));
    }
  }

  @Test
  void anEncodedBodyIsNotDecompressedButRefusedAndTheRequestAskedForIdentity() throws Exception {
    // 30 MiB of zeros in 30 KiB of gzip: decompressed, it would be past every bound.
    java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(packed)) {
      gzip.write(smallNumbers(30 * MIB));
    }
    byte[] body = packed.toByteArray();
    try (Fakes.Server server =
        new Fakes.Server(
            (exchange, i) -> {
              exchange.getResponseHeaders().add("Content-Encoding", "gzip");
              exchange.sendResponseHeaders(200, body.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              } catch (IOException cut) {
                // the client stopped reading
              }
            })) {
      Fakes.Publisher publisher = new Fakes.Publisher();
      PipelineMetrics metrics = new PipelineMetrics();
      ActorRef<DeclarativeSourceProtocol.Command> source =
          start(
              server.url("/"),
              Fakes.settings(Duration.ofSeconds(5), 8 * MIB, 10_000, Duration.ofSeconds(30)),
              publisher,
              metrics);
      Status failing = await(source, Duration.ofSeconds(20), s -> s.state() == State.BACKING_OFF);
      assertTrue(
          failing.lastError().contains("'gzip'-encoded (Content-Encoding)"), failing.lastError());
      assertEquals(0, publisher.records().size());
      assertEquals(0, failing.malformed(), "nothing was parsed, so nothing is a dead letter");
      assertEquals(1, metrics.get("launches", DeclarativeSource.BOUNDS_EXCEEDED));
      assertEquals("identity", server.requests.get(0).getFirst("Accept-Encoding"));
    }
  }

  @Test
  void aTricklingBodyFailsAtTheDeadlineAndTheSourcePollsAgain() throws Exception {
    CountDownLatch over = new CountDownLatch(1);
    try (Fakes.Server server =
        new Fakes.Server(
            (exchange, i) -> {
              exchange.sendResponseHeaders(200, 0);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write('[');
                out.flush();
                // One byte a second until the client goes or the test ends.
                while (!over.await(1, TimeUnit.SECONDS)) {
                  out.write('1');
                  out.flush();
                }
              } catch (IOException | InterruptedException cut) {
                // the client went away
              }
            })) {
      Duration deadline = Duration.ofSeconds(2);
      ActorRef<DeclarativeSourceProtocol.Command> source =
          start(
              server.url("/"),
              Fakes.settings(deadline, 4 * MIB, 10_000, Duration.ofSeconds(30)),
              new Fakes.Publisher(),
              new PipelineMetrics());
      Status failing = await(source, Duration.ofSeconds(15), s -> s.state() == State.BACKING_OFF);
      long failedAfter = (System.nanoTime() - server.requestNanos.get(0)) / 1_000_000;
      assertTrue(failing.lastError().contains("poll-deadline"), failing.lastError());
      assertTrue(failedAfter < deadline.toMillis() + 3_000, "failed after " + failedAfter + " ms");
      await(source, Duration.ofSeconds(15), s -> server.requests.size() >= 2);
      await(source, Duration.ofSeconds(15), s -> s.state() == State.BACKING_OFF);
    } finally {
      over.countDown();
    }
  }

  @Test
  void aGrainThatCrashesRestartsInPlaceAfterABackoffAndSaysSo() throws Exception {
    byte[] launches = Fakes.fixture("spacex/v4_launches.json");
    try (Fakes.Server server =
        new Fakes.Server(
            (exchange, i) -> {
              exchange.sendResponseHeaders(200, launches.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(launches);
              }
            })) {
      MemorySourceStore store = new MemorySourceStore();
      store.save(Fakes.launches(server.url("/"), Duration.ofSeconds(60)));
      java.util.List<Long> crashNanos = new java.util.concurrent.CopyOnWriteArrayList<>();
      // The secret's lookup throws twice: a bug inside the grain, as far as it knows.
      java.util.function.Function<String, String> env =
          var -> {
            if (crashNanos.size() < 2) {
              crashNanos.add(System.nanoTime());
              throw new IllegalStateException("env unreadable");
            }
            return "k";
          };
      ActorRef<DeclarativeSourceProtocol.Command> source =
          spawnLaunches(store, env, Fakes.settings());
      Status ok = await(source, Duration.ofSeconds(20), s -> s.published() == 193);
      assertEquals(State.RUNNING, ok.state());
      assertTrue(
          ok.lastError().startsWith("the grain crashed 2 times, restarted after a backoff"),
          ok.lastError());
      assertTrue(ok.lastError().contains("env unreadable"), ok.lastError());
      long apart = (crashNanos.get(1) - crashNanos.get(0)) / 1_000_000;
      assertTrue(apart >= 80, "restarted after " + apart + " ms, min backoff 100 ms jittered");
      assertEquals(1, server.requests.size());
    }
  }

  @Test
  void aGrainBackingOffAfterACrashAnswersItsStatusAtOnce() throws Exception {
    MemorySourceStore store = new MemorySourceStore();
    store.save(Fakes.launches("http://127.0.0.1:9/", Duration.ofSeconds(60)));
    CountDownLatch crashed = new CountDownLatch(1);
    // The secret's lookup throws once; the restart then waits its backoff of at least 8 s.
    java.util.function.Function<String, String> env =
        var -> {
          if (crashed.getCount() > 0) {
            crashed.countDown();
            throw new IllegalStateException("env unreadable");
          }
          return "k";
        };
    DeclarativeSettings d = Fakes.settings();
    DeclarativeSettings slow =
        new DeclarativeSettings(
            Duration.ofSeconds(10),
            Duration.ofSeconds(20),
            d.requestTimeout(),
            d.pollDeadline(),
            d.maxBodyBytes(),
            d.maxBufferedBytes(),
            d.maxItems(),
            d.maxEventBytes(),
            d.maxLineBytes(),
            d.batchSize(),
            d.maxBatchBytes(),
            d.batchWindow(),
            d.idleTimeout(),
            d.wakeInterval(),
            d.refreshInterval(),
            d.maxSources());
    ActorRef<DeclarativeSourceProtocol.Command> source = spawnLaunches(store, env, slow);
    assertTrue(crashed.await(10, TimeUnit.SECONDS), "the grain never crashed");
    // While it waits (/api/sources asks every grain), its status is answered, not held.
    var probe = testKit.<Status>createTestProbe();
    source.tell(new DeclarativeSourceProtocol.GetStatus(probe.getRef()));
    Status waiting = probe.receiveMessage(Duration.ofSeconds(1));
    assertEquals(State.BACKING_OFF, waiting.state());
    assertTrue(waiting.lastError().startsWith("the grain crashed 1 time"), waiting.lastError());
    assertTrue(waiting.nextAttemptAt() != null, String.valueOf(waiting));
  }

  /** The launches source over {@code store}, its secrets read through {@code env}. */
  private static ActorRef<DeclarativeSourceProtocol.Command> spawnLaunches(
      MemorySourceStore store,
      java.util.function.Function<String, String> env,
      DeclarativeSettings settings) {
    return testKit.spawn(
        DeclarativeSource.create(
            "launches",
            new DeclarativeSource.Dependencies(
                store,
                new Fakes.Publisher(),
                new Fakes.Positions(),
                new PipelineMetrics(),
                env,
                settings,
                Fakes.loopback())));
  }
}
