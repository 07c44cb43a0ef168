package kafkapipeline.silo;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import kafkapipeline.api.CborSerializable;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.profile.GrainProfiler;
import kafkapipeline.silo.sources.SourceRegistry;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * This silo's one-hour history: every interval ({@link HistorySettings}, 10 s) it samples its CPU,
 * heap, rows written per second per table, events per second per source, consumer lag per topic as
 * this silo sees it and grain messages per second per type into a {@link HistoryRing} of 360
 * samples. Registered with the receptionist under {@link #KEY}, so any silo's API can ask every
 * silo ({@link Get}). Never blocks: the lag is asked of Kafka with pipeToSelf and waited for at
 * most 80% of the interval; if Kafka fails or is late the sample is kept without lag. A sample not
 * newer than the last kept one (a clock step back) is not kept. Values the ring cannot keep (a kind
 * past 64 keys) are counted in {@link PipelineMetrics} as {@code history/series_dropped}.
 */
public final class SiloHistory {
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "silo-history");

  /** The counter of values the ring could not keep. */
  static final String GROUP = "history";

  static final String SERIES_DROPPED = "series_dropped";

  public sealed interface Command {}

  /** The samples of the last {@code minutes} minutes. */
  public record Get(int minutes, ActorRef<Samples> replyTo) implements Command, CborSerializable {}

  /** Takes a sample now (the timer's message; tests send it themselves). */
  enum Tick implements Command {
    INSTANCE
  }

  private record Measured(HistorySampler.Reading reading, Map<String, Long> lag)
      implements Command {}

  /**
   * One silo's samples, oldest first, as columns (small on the wire): {@code at} in epoch seconds,
   * the other arrays of the same length.
   */
  public record Samples(
      String address,
      int resolutionSeconds,
      long[] at,
      double[] cpu,
      long[] heapUsed,
      long[] heapMax,
      List<Series> series)
      implements CborSerializable {}

  /** One key's values, one per sample of its {@link Samples}; NaN where that sample has none. */
  public record Series(HistoryRing.Kind kind, String key, double[] values)
      implements CborSerializable {}

  /**
   * What the sampler reads.
   *
   * @param lag each topic's lag summed over partitions (fails when Kafka does not answer)
   * @param grainMessages messages handled so far per grain type: the grain profiler's totals
   */
  record Sources(
      PipelineMetrics metrics,
      SourceRegistry registry,
      Supplier<CompletionStage<Map<String, Long>>> lag,
      Supplier<Map<String, Long>> grainMessages,
      Clock clock) {}

  private SiloHistory() {}

  /** Samples every {@code interval}, the first one interval after the start. */
  static Behavior<Command> create(
      PipelineMetrics metrics, SourceRegistry registry, KafkaLag lag, Duration interval) {
    Sources sources =
        new Sources(
            metrics,
            registry,
            () -> lag.lagOfEverySource().thenApply(HistorySampler::lagByTopic),
            () -> GrainProfiler.global().snapshot().messagesByGrain(),
            Clock.systemUTC());
    return Behaviors.withTimers(
        timers -> {
          timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
          return manual(sources, interval);
        });
  }

  /** Samples only when sent {@link Tick} (tests, with their own clock). */
  static Behavior<Command> manual(Sources sources, Duration interval) {
    return Behaviors.setup(
        ctx -> {
          ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
          String self = Cluster.get(ctx.getSystem()).selfMember().address().hostPort();
          HistoryRing ring = new HistoryRing();
          HistorySampler sampler = new HistorySampler(ring);
          int resolution = (int) interval.toSeconds();
          long lagWaitMillis = Math.max(1, interval.toMillis() * 8 / 10);
          return Behaviors.receive(Command.class)
              .onMessage(
                  Tick.class,
                  tick -> {
                    HistorySampler.Reading reading = read(sources);
                    ctx.pipeToSelf(
                        sources
                            .lag()
                            .get()
                            .toCompletableFuture()
                            .orTimeout(lagWaitMillis, TimeUnit.MILLISECONDS),
                        (lag, error) -> new Measured(reading, error == null ? lag : null));
                    return Behaviors.same();
                  })
              .onMessage(
                  Measured.class,
                  m -> {
                    keep(ctx, sources, ring, sampler, m);
                    return Behaviors.same();
                  })
              .onMessage(
                  Get.class,
                  get -> {
                    Instant from =
                        sources.clock().instant().minus(Duration.ofMinutes(get.minutes()));
                    get.replyTo().tell(ring.since(self, resolution, from));
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private static void keep(
      ActorContext<Command> ctx,
      Sources sources,
      HistoryRing ring,
      HistorySampler sampler,
      Measured m) {
    Instant newest = ring.newest();
    if (newest != null && !m.reading().at().isAfter(newest)) {
      ctx.getLog()
          .debug("History sample of {} is not after {}: not kept", m.reading().at(), newest);
      return;
    }
    int dropped = sampler.sample(m.reading(), m.lag());
    if (dropped > 0) sources.metrics().add(GROUP, SERIES_DROPPED, dropped);
  }

  private static HistorySampler.Reading read(Sources s) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return new HistorySampler.Reading(
        // Whole seconds: samples are shown and kept by the second.
        s.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
        SiloVitals.processCpu(),
        heap.getUsed(),
        heap.getMax(),
        s.metrics().snapshot(),
        s.grainMessages().get(),
        s.registry().all());
  }
}
