package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import kafkapipeline.api.grains.FakerProtocol;
import kafkapipeline.api.grains.PersisterProtocol;
import kafkapipeline.grains.profile.GrainProfile;
import kafkapipeline.grains.profile.GrainProfiler;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Messages that cross silos go through the silo's configured serializer: Jackson CBOR. */
class SerializationTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseString(
                  "pekko.actor.provider = local, pekko.coordinated-shutdown.exit-jvm = off")
              .withFallback(ConfigFactory.load()));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static Object roundTrip(Object message) {
    return CborRoundTrip.of(testKit, message);
  }

  @Test
  void sourceAndPersisterMessagesRoundTripAsCbor() {
    TestProbe<FakerProtocol.Status> probe = testKit.createTestProbe();
    FakerProtocol.Status status =
        new FakerProtocol.Status(
            "running", 7, 100, 2.5, 0, null, java.time.Instant.parse("2026-11-23T10:00:00Z"));
    assertEquals(status, roundTrip(status));
    FakerProtocol.SetRate setRate = new FakerProtocol.SetRate(12.5, probe.getRef());
    assertEquals(setRate, roundTrip(setRate));
    PersisterProtocol.Status persister =
        new PersisterProtocol.Status(
            "faker",
            "fakerdata",
            "127.0.0.1:2551",
            PersisterProtocol.Phase.RUNNING,
            java.util.List.of(new PersisterProtocol.PartitionState(3, "owned", 10, 41, 40, 1)),
            1,
            "boom",
            new PersisterProtocol.Rewound(
                java.time.Instant.parse("2026-12-01T10:00:00Z"),
                "offset 0",
                java.util.List.of(new PersisterProtocol.RewoundPartition(0, 0, 120))));
    assertEquals(persister, roundTrip(persister));
    TestProbe<PersisterProtocol.Paused> paused = testKit.createTestProbe();
    PersisterProtocol.RewindId id =
        new PersisterProtocol.RewindId("5f0c6b9e-0000-4000-8000-000000000001", "127.0.0.1:2551");
    PersisterProtocol.Pause pause = new PersisterProtocol.Pause(paused.getRef(), id, 60_000);
    assertEquals(pause, roundTrip(pause));
    TestProbe<PersisterProtocol.Resumed> resumed = testKit.createTestProbe();
    PersisterProtocol.Resume resume =
        new PersisterProtocol.Resume(resumed.getRef(), id, persister.lastRewind());
    assertEquals(resume, roundTrip(resume));
    PersisterProtocol.Paused answer = new PersisterProtocol.Paused("faker", "h:1", false, null);
    assertEquals(answer, roundTrip(answer));
    PersisterProtocol.Paused busy = new PersisterProtocol.Paused("faker", "h:1", true, id);
    assertEquals(busy, roundTrip(busy));
    PersisterProtocol.Resumed ignored = new PersisterProtocol.Resumed("faker", "h:1", false);
    assertEquals(ignored, roundTrip(ignored));
  }

  @Test
  void siloVitalsRoundTripAsCbor() {
    TestProbe<SiloVitals.Vitals> probe = testKit.createTestProbe();
    SiloVitals.Get get = new SiloVitals.Get(probe.getRef());
    assertEquals(get, roundTrip(get));
    SiloVitals.Vitals vitals =
        new SiloVitals.Vitals(
            "pipeline@127.0.0.1:2551",
            12,
            0.25,
            1 << 20,
            1 << 28,
            2,
            java.util.Map.of("rows_written", java.util.Map.of("fakerdata", 42L)),
            profile());
    assertEquals(vitals, roundTrip(vitals));
  }

  /** A profile with two grain types, one of them with two message classes. */
  private static GrainProfile profile() {
    GrainProfiler profiler = new GrainProfiler();
    profiler.grain("city-weather").recorder(String.class).record(1_500, false);
    profiler.grain("city-weather").recorder(Integer.class).record(70_000_000, true);
    profiler.grain("faker-source").recorder(String.class).record(10, false);
    GrainProfile p = profiler.snapshot();
    assertEquals(3, p.grains().size());
    return p;
  }
}
