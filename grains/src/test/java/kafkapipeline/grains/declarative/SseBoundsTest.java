package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import kafkapipeline.api.grains.DeclarativeSourceProtocol;
import kafkapipeline.api.grains.DeclarativeSourceProtocol.State;
import kafkapipeline.api.grains.DeclarativeSourceProtocol.Status;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * An {@code sse} grain against hostile streams on loopback: one endless event, a stream that goes
 * silent after its headers, and a burst of large events. The first two fail with the bound and its
 * setting in the source's state and connect again; the burst goes out in batches no heavier than
 * {@code max-batch-bytes}, every event once.
 */
class SseBoundsTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static Status await(
      ActorRef<DeclarativeSourceProtocol.Command> source, Duration within, Predicate<Status> done) {
    return Fakes.awaitStatus(testKit, source, within, done);
  }

  private static ActorRef<DeclarativeSourceProtocol.Command> start(
      String url, DeclarativeSettings settings, Fakes.Publisher publisher) throws Exception {
    MemorySourceStore store = new MemorySourceStore();
    store.save(Fakes.recentChanges(url));
    return testKit.spawn(
        DeclarativeSource.create(
            "changes",
            new DeclarativeSource.Dependencies(
                store,
                publisher,
                new Fakes.Positions(),
                new PipelineMetrics(),
                Map.<String, String>of()::get,
                settings,
                Fakes.loopback())));
  }

  /** A stream of {@code body}, then held open until {@code release}. */
  private static Fakes.Server stream(Body body, CountDownLatch release) throws IOException {
    return new Fakes.Server(
        (exchange, i) -> {
          exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            body.write(out);
            out.flush();
            release.await();
          } catch (IOException | InterruptedException cut) {
            // the client went away or the test is over
          }
        });
  }

  interface Body {
    void write(OutputStream out) throws IOException;
  }

  @Test
  void anEndlessEventFailsTheStreamWhichConnectsAgain() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) 'x');
    // 64 MiB of one data line at most, never ending it: far past the bound of 7 MB.
    Body endless =
        out -> {
          out.write("data: ".getBytes(StandardCharsets.UTF_8));
          for (int i = 0; i < 1_024; i++) out.write(chunk);
        };
    try (Fakes.Server server = stream(endless, release)) {
      Fakes.Publisher publisher = new Fakes.Publisher();
      ActorRef<DeclarativeSourceProtocol.Command> source =
          start(server.url("/"), Fakes.settings(), publisher);
      Status failing = await(source, Duration.ofSeconds(30), s -> s.state() == State.BACKING_OFF);
      assertTrue(failing.lastError().contains("no event ended within"), failing.lastError());
      assertTrue(failing.lastError().contains("max-event-bytes"), failing.lastError());
      await(source, Duration.ofSeconds(30), s -> server.requests.size() >= 2);
      assertEquals(0, publisher.records().size());
    } finally {
      release.countDown();
    }
  }

  @Test
  void aSilentStreamFailsAtTheIdleTimeoutAndConnectsAgain() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Fakes.Server server =
        stream(out -> out.write(":ok\n\n".getBytes(StandardCharsets.UTF_8)), release)) {
      ActorRef<DeclarativeSourceProtocol.Command> source =
          start(
              server.url("/"),
              Fakes.settings(Duration.ofSeconds(5), 4 * 1024 * 1024, 10_000, Duration.ofSeconds(1)),
              new Fakes.Publisher());
      Status failing = await(source, Duration.ofSeconds(15), s -> s.state() == State.BACKING_OFF);
      assertTrue(failing.lastError().contains("idle-timeout"), failing.lastError());
      await(source, Duration.ofSeconds(15), s -> server.requests.size() >= 2);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aBurstOfLargeEventsGoesOutInBatchesWithinTheByteLimit() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    String pad = "p".repeat(100_000);
    int events = 300;
    Body burst =
        out -> {
          for (int i = 0; i < events; i++)
            out.write(
                ("id: "
                        + i
                        + "\ndata: {\"meta\":{\"id\":\"e-"
                        + i
                        + "\"},\"pad\":\""
                        + pad
                        + "\"}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        };
    try (Fakes.Server server = stream(burst, release)) {
      Fakes.Publisher publisher = new Fakes.Publisher();
      ActorRef<DeclarativeSourceProtocol.Command> source =
          start(server.url("/"), Fakes.settings(), publisher);
      await(source, Duration.ofSeconds(30), s -> s.published() == events);
      int maxBatchBytes = Fakes.settings().maxBatchBytes();
      for (Fakes.Publisher.Batch b : publisher.batches) {
        long bytes = b.records().stream().mapToLong(KeyedRecord::sizeBytes).sum();
        assertTrue(
            bytes <= maxBatchBytes || b.records().size() == 1,
            b.records().size() + " records of " + bytes + " bytes in one batch");
      }
      assertEquals(events, publisher.records().size(), "every event once");
    } finally {
      release.countDown();
    }
  }
}
