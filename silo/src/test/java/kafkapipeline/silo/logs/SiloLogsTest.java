package kafkapipeline.silo.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every registered silo is asked and merged by time; one that does not answer is left out; the
 * counts are summed over those that answered.
 */
class SiloLogsTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseString(
                  "pekko.actor.provider = local, pekko.coordinated-shutdown.exit-jvm = off")
              .withFallback(ConfigFactory.load()));
  private static final Instant T0 = Instant.parse("2026-12-01T22:40:00Z");

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static SiloLogs.Line line(int ms, String silo, LogLevel level, String message) {
    return new SiloLogs.Line(T0.plusMillis(ms), silo, level, "kafkapipeline.X", message);
  }

  @Test
  void mergeSortsByTimeKeepsTheNewestAndSums() {
    SiloLogs.Lines b =
        new SiloLogs.Lines(
            "127.0.0.1:25521",
            List.of(
                line(1, "127.0.0.1:25521", LogLevel.WARN, "b1"),
                line(5, "127.0.0.1:25521", LogLevel.INFO, "b5"),
                line(5, "127.0.0.1:25521", LogLevel.INFO, "b5'")),
            7,
            2);
    SiloLogs.Lines a =
        new SiloLogs.Lines(
            "127.0.0.1:25520",
            List.of(
                line(0, "127.0.0.1:25520", LogLevel.ERROR, "a0"),
                line(5, "127.0.0.1:25520", LogLevel.WARN, "a5"),
                line(123, "127.0.0.1:25520", LogLevel.WARN, "a123")),
            3,
            1);
    SiloLogs.Merged all = SiloLogs.merge(List.of(b, a), 100);
    // Equal times: the silos in address order, each silo's own order kept.
    assertEquals(
        List.of("a0", "b1", "a5", "b5", "b5'", "a123"),
        all.lines().stream().map(SiloLogs.Shown::message).toList());
    assertEquals(List.of("127.0.0.1:25520", "127.0.0.1:25521"), all.silos());
    assertEquals(10, all.warnings());
    assertEquals(3, all.errors());
    assertEquals("2026-12-01T22:40:00.000Z", all.lines().get(0).at());
    assertEquals("2026-12-01T22:40:00.123Z", all.lines().get(5).at());
    assertEquals(
        List.of("b5'", "a123"),
        SiloLogs.merge(List.of(a, b), 2).lines().stream().map(SiloLogs.Shown::message).toList());
    assertEquals(new SiloLogs.Merged(List.of(), List.of(), 0, 0), SiloLogs.merge(List.of(), 5));
  }

  @Test
  void asksEverySiloAndLeavesOutOneThatDoesNotAnswer() throws Exception {
    LogRing first = new LogRing(() -> Redactor.of(List.of()));
    LogRing second = new LogRing(() -> Redactor.of(List.of()));
    first.add(T0, LogLevel.INFO, "x", "first info");
    first.add(T0.plusMillis(2), LogLevel.ERROR, "x", "first error");
    second.add(T0.plusMillis(1), LogLevel.WARN, "y", "second warn");
    second.add(T0.plusMillis(3), LogLevel.DEBUG, "y", "second debug");
    testKit.spawn(SiloLogs.serve("silo-1", first));
    testKit.spawn(SiloLogs.serve("silo-2", second));
    // Registered but silent, like a silo that is gone without its registration yet.
    ActorRef<SiloLogs.Command> silent = testKit.spawn(Behaviors.ignore());
    testKit.system().receptionist().tell(Receptionist.register(SiloLogs.KEY, silent));
    var probe = testKit.<Receptionist.Listing>createTestProbe();
    probe.awaitAssert(
        () -> {
          testKit.system().receptionist().tell(Receptionist.find(SiloLogs.KEY, probe.getRef()));
          assertEquals(3, probe.receiveMessage().getServiceInstances(SiloLogs.KEY).size());
          return null;
        });
    List<SiloLogs.Lines> answers =
        SiloLogs.askAll(testKit.system(), LogLevel.INFO, 10, Duration.ofMillis(500))
            .toCompletableFuture()
            .get();
    SiloLogs.Merged merged = SiloLogs.merge(answers, 10);
    assertEquals(List.of("silo-1", "silo-2"), merged.silos());
    assertEquals(
        List.of("first info", "second warn", "first error"),
        merged.lines().stream().map(SiloLogs.Shown::message).toList());
    assertEquals(
        List.of("silo-1", "silo-2", "silo-1"),
        merged.lines().stream().map(SiloLogs.Shown::silo).toList());
    assertEquals(1, merged.warnings());
    assertEquals(1, merged.errors());
  }

  @Test
  void messagesBetweenSilosRoundTripAsCbor() {
    var serialization =
        org.apache.pekko.serialization.SerializationExtension.get(testKit.system().classicSystem());
    var probe = testKit.<SiloLogs.Lines>createTestProbe();
    for (Object message :
        List.of(
            new SiloLogs.Get(LogLevel.WARN, 100, probe.getRef()),
            new SiloLogs.Lines(
                "127.0.0.1:25520",
                List.of(line(123, "127.0.0.1:25520", LogLevel.ERROR, "a \u0000 \uD83D\uDE00")),
                3,
                1))) {
      var serializer = serialization.findSerializerFor(message);
      assertEquals(
          "org.apache.pekko.serialization.jackson.JacksonCborSerializer",
          serializer.getClass().getName());
      byte[] bytes = serialization.serialize(message).get();
      assertEquals(
          message,
          serialization
              .deserialize(
                  bytes,
                  serializer.identifier(),
                  org.apache.pekko.serialization.Serializers.manifestFor(serializer, message))
              .get());
    }
  }
}
