package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.silo.sources.SourceRegistry;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The one-hour history: the ring, the rates, the series cap, the actor and the route's parameter.
 */
class HistoryTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseString(
                  "pekko.actor.provider = cluster, pekko.remote.artery.canonical.port = 0,"
                      + " pekko.coordinated-shutdown.exit-jvm = off")
              .withFallback(ConfigFactory.load()));

  private static final Instant T0 = Instant.parse("2026-12-01T22:40:00Z");
  private static final List<SourceInfo> SOURCES =
      List.of(
          new SourceInfo("faker", "faker", "fakerdata"),
          new SourceInfo("wikipedia", "wikipedia", "wikipediadata"));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static HistorySampler.Reading reading(
      Instant at, long fakerProduced, long fakerRows, long wikiProduced, Map<String, Long> grains) {
    return new HistorySampler.Reading(
        at,
        0.5,
        100,
        200,
        Map.of(
            PipelineMetrics.PRODUCED,
            Map.of("faker", fakerProduced),
            PipelineMetrics.ROWS_WRITTEN,
            Map.of("fakerdata", fakerRows),
            "wikipedia",
            Map.of(PipelineMetrics.PRODUCED, wikiProduced)),
        grains,
        SOURCES);
  }

  @Test
  void theRingKeepsExactlyTheLast360SamplesInOrder() {
    qt().withExamples(200)
        .forAll(integers().between(1, 1200))
        .checkAssert(
            ticks -> {
              HistoryRing ring = new HistoryRing();
              HistorySampler sampler = new HistorySampler(ring);
              for (int i = 0; i < ticks; i++)
                sampler.sample(
                    reading(T0.plusSeconds(10L * i), i, 2L * i, 0, Map.of()),
                    Map.of("faker", (long) i));
              SiloHistory.Samples all = ring.since("s", 10, Instant.EPOCH);
              int kept = Math.min(ticks, HistoryRing.CAPACITY);
              assertEquals(kept, all.at().length);
              assertEquals(kept, ring.size());
              for (int j = 0; j < kept; j++) {
                long i = ticks - kept + j;
                assertEquals(T0.getEpochSecond() + 10 * i, all.at()[j]);
              }
              SiloHistory.Series lag = series(all, HistoryRing.Kind.LAG, "faker");
              for (int j = 0; j < kept; j++) assertEquals(ticks - kept + j, (long) lag.values()[j]);
            });
  }

  @Test
  void after1000TicksExactly360AreKept() {
    HistoryRing ring = new HistoryRing();
    HistorySampler sampler = new HistorySampler(ring);
    for (int i = 0; i < 1000; i++)
      sampler.sample(reading(T0.plusSeconds(10L * i), i, i, 0, Map.of()), null);
    SiloHistory.Samples all = ring.since("s", 10, Instant.EPOCH);
    assertEquals(360, all.at().length);
    assertEquals(T0.plusSeconds(6400).getEpochSecond(), all.at()[0]);
    assertEquals(T0.plusSeconds(9990).getEpochSecond(), all.at()[359]);
  }

  @Test
  void ratesAreTheCounterDeltasOverTheTimeBetweenReadings() {
    qt().withExamples(3000)
        .forAll(
            integers().between(0, 1_000_000),
            integers().between(0, 1_000_000),
            integers().between(0, 1_000_000),
            integers().between(1, 600))
        .checkAssert(
            (rows, events, grains, seconds) -> {
              HistoryRing ring = new HistoryRing();
              HistorySampler sampler = new HistorySampler(ring);
              sampler.sample(reading(T0, 1000, 500, 7, Map.of("CityWeather", 3L)), null);
              sampler.sample(
                  reading(
                      T0.plusSeconds(seconds),
                      1000 + events,
                      500 + rows,
                      7 + grains,
                      Map.of("CityWeather", 3L + grains)),
                  Map.of("faker", 4L));
              HistoryRoutes.SiloView view = HistoryRoutes.view(ring.since("s", 10, Instant.EPOCH));
              assertEquals(2, view.samples().size());
              HistoryRoutes.SampleView first = view.samples().get(0);
              assertTrue(first.rowsPerSecond().isEmpty() && first.eventsPerSecond().isEmpty());
              assertTrue(first.lag().isEmpty(), "no lag when Kafka did not answer");
              HistoryRoutes.SampleView second = view.samples().get(1);
              assertEquals(rows / (double) seconds, second.rowsPerSecond().get("fakerdata"));
              assertEquals(0.0, second.rowsPerSecond().get("wikipediadata"));
              assertEquals(events / (double) seconds, second.eventsPerSecond().get("faker"));
              assertEquals(grains / (double) seconds, second.eventsPerSecond().get("wikipedia"));
              assertEquals(
                  grains / (double) seconds, second.grainMessagesPerSecond().get("CityWeather"));
              assertEquals(Map.of("faker", 4L), second.lag());
            });
  }

  @Test
  void eachKindKeepsAtMost64KeysAndCountsTheRest() {
    qt().withExamples(1000)
        .forAll(integers().between(0, 200))
        .checkAssert(
            keys -> {
              HistoryRing ring = new HistoryRing();
              Map<String, Double> lag = new HashMap<>();
              for (int k = 0; k < keys; k++) lag.put("topic" + k, (double) k);
              int dropped =
                  ring.add(
                      new HistoryRing.Figures(
                          T0,
                          0,
                          0,
                          0,
                          Map.of(HistoryRing.Kind.LAG, lag, HistoryRing.Kind.ROWS, lag)));
              int kept = Math.min(keys, HistoryRing.MAX_SERIES);
              assertEquals(2 * (keys - kept), dropped);
              assertEquals(2 * kept, ring.since("s", 10, Instant.EPOCH).series().size());
            });
  }

  @Test
  void aKeyNoKeptSampleHoldsGivesItsSlotToANewKey() {
    HistoryRing ring = new HistoryRing();
    Map<String, Double> old = new HashMap<>();
    for (int k = 0; k < HistoryRing.MAX_SERIES; k++) old.put("old" + k, 1.0);
    ring.add(new HistoryRing.Figures(T0, 0, 0, 0, Map.of(HistoryRing.Kind.EVENTS, old)));
    Map<String, Double> fresh = Map.of("new", 2.0);
    // While the first sample is kept, every slot is taken.
    assertEquals(
        1,
        ring.add(
            new HistoryRing.Figures(
                T0.plusSeconds(10), 0, 0, 0, Map.of(HistoryRing.Kind.EVENTS, fresh))));
    for (int i = 2; i <= HistoryRing.CAPACITY; i++)
      ring.add(new HistoryRing.Figures(T0.plusSeconds(10L * i), 0, 0, 0, Map.of()));
    // The sample holding the old keys is gone: the new key takes a slot.
    assertEquals(
        0,
        ring.add(
            new HistoryRing.Figures(
                T0.plusSeconds(10L * 400), 0, 0, 0, Map.of(HistoryRing.Kind.EVENTS, fresh))));
    assertEquals(
        List.of("new"),
        ring.since("s", 10, Instant.EPOCH).series().stream().map(SiloHistory.Series::key).toList());
  }

  @Test
  void theMinutesParameterTakesOnly1To60() {
    qt().withExamples(5000)
        .forAll(strings().allPossible().ofLengthBetween(0, 8))
        .checkAssert(
            text -> {
              int m = HistoryRoutes.minutes(Optional.of(text));
              Integer parsed;
              try {
                parsed = Integer.parseInt(text.strip());
              } catch (NumberFormatException e) {
                parsed = null;
              }
              boolean good = parsed != null && parsed >= 1 && parsed <= 60;
              assertEquals(good ? parsed : -1, m, "'" + text + "'");
            });
    qt().withExamples(2000)
        .forAll(integers().all())
        .checkAssert(
            n ->
                assertEquals(
                    n >= 1 && n <= 60 ? n : -1, HistoryRoutes.minutes(Optional.of("" + n))));
    assertEquals(60, HistoryRoutes.minutes(Optional.empty()));
  }

  @Test
  void theActorSamplesOnEachTickAndAnswersTheLastMinutes() {
    AtomicReference<Instant> now = new AtomicReference<>(T0);
    Clock clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    PipelineMetrics metrics = new PipelineMetrics();
    AtomicReference<Boolean> kafkaUp = new AtomicReference<>(true);
    SiloHistory.Sources sources =
        new SiloHistory.Sources(
            metrics,
            new SourceRegistry(),
            () ->
                kafkaUp.get()
                    ? CompletableFuture.completedFuture(Map.of("faker", 5L))
                    : CompletableFuture.failedFuture(new IllegalStateException("down")),
            Map::of,
            clock);
    ActorRef<SiloHistory.Command> history =
        testKit.spawn(SiloHistory.manual(sources, Duration.ofSeconds(10)));
    TestProbe<SiloHistory.Samples> probe = testKit.createTestProbe();
    for (int i = 0; i < 12; i++) {
      metrics.add(PipelineMetrics.PRODUCED, "faker", 30);
      kafkaUp.set(i % 2 == 0);
      history.tell(SiloHistory.Tick.INSTANCE);
      // Each tick's sample is kept before the next one is taken, so the clock can move on.
      int kept = i + 1;
      probe.awaitAssert(
          () -> {
            history.tell(new SiloHistory.Get(60, probe.getRef()));
            assertEquals(kept, probe.receiveMessage().at().length);
            return null;
          });
      now.set(now.get().plusSeconds(10));
    }
    // now = T0 + 120 s: the last minute holds the samples at T0+60 .. T0+110.
    history.tell(new SiloHistory.Get(1, probe.getRef()));
    SiloHistory.Samples last = probe.receiveMessage();
    assertEquals(6, last.at().length);
    assertEquals(T0.plusSeconds(60).getEpochSecond(), last.at()[0]);
    HistoryRoutes.SiloView view = HistoryRoutes.view(last);
    for (HistoryRoutes.SampleView s : view.samples()) {
      assertEquals(3.0, s.eventsPerSecond().get("faker"));
      int i = (int) ((s.at().getEpochSecond() - T0.getEpochSecond()) / 10);
      assertEquals(i % 2 == 0 ? Map.of("faker", 5L) : Map.of(), s.lag());
    }
    assertEquals(last.address(), view.address());
    assertEquals(10, last.resolutionSeconds());
    // A sample not after the newest (the clock stepped back) is not kept. Its Measured message is
    // queued while the Tick is handled, so before a Get sent after the reply to one sent after it.
    now.set(T0);
    history.tell(SiloHistory.Tick.INSTANCE);
    history.tell(new SiloHistory.Get(60, probe.getRef()));
    probe.receiveMessage();
    now.set(T0.plusSeconds(120));
    history.tell(new SiloHistory.Get(60, probe.getRef()));
    assertEquals(12, probe.receiveMessage().at().length);
  }

  @Test
  void samplesRoundTripAsCbor() {
    HistoryRing ring = new HistoryRing();
    HistorySampler sampler = new HistorySampler(ring);
    sampler.sample(reading(T0, 0, 0, 0, Map.of()), Map.of("faker", 3L));
    sampler.sample(reading(T0.plusSeconds(10), 100, 50, 0, Map.of()), null);
    SiloHistory.Samples s = ring.since("127.0.0.1:25520", 10, Instant.EPOCH);
    SiloHistory.Samples back = (SiloHistory.Samples) roundTrip(s);
    assertEquals(s.address(), back.address());
    assertArrayEquals(s.at(), back.at());
    assertArrayEquals(s.cpu(), back.cpu());
    assertArrayEquals(s.heapMax(), back.heapMax());
    assertEquals(HistoryRoutes.view(s), HistoryRoutes.view(back));
    TestProbe<SiloHistory.Samples> probe = testKit.createTestProbe();
    SiloHistory.Get get = new SiloHistory.Get(5, probe.getRef());
    assertEquals(get, roundTrip(get));
  }

  private static Object roundTrip(Object message) {
    return CborRoundTrip.of(testKit, message);
  }

  private static SiloHistory.Series series(
      SiloHistory.Samples s, HistoryRing.Kind kind, String key) {
    return s.series().stream()
        .filter(x -> x.kind() == kind && x.key().equals(key))
        .findFirst()
        .orElseThrow();
  }
}
