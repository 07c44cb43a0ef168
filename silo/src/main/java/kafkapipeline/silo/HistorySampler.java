package kafkapipeline.silo;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.grains.PipelineMetrics;

/**
 * The sample step of {@link SiloHistory}, a pure computation: from this reading of the silo's
 * counters and the one before, the rates per second since then (counter delta over the time between
 * the two readings), written into the ring. The first reading, one taken no later than the one
 * before, and a counter that went down (it cannot, short of a restart) give no rate for that key.
 * Which tables, sources and topics there are comes from the reading's source list (the registry at
 * that moment), never from a list of its own.
 */
final class HistorySampler {
  /**
   * What the silo showed at one moment.
   *
   * @param counters {@link PipelineMetrics#snapshot()}
   * @param grainMessages messages handled so far per grain type (empty until the grain profiler
   *     provides them)
   * @param sources every source of the registry
   */
  record Reading(
      Instant at,
      double cpu,
      long heapUsed,
      long heapMax,
      Map<String, Map<String, Long>> counters,
      Map<String, Long> grainMessages,
      List<SourceInfo> sources) {}

  private final HistoryRing ring;
  private Reading previous;

  HistorySampler(HistoryRing ring) {
    this.ring = ring;
  }

  /**
   * Adds the sample of {@code now} to the ring.
   *
   * @param lagByTopic this silo's view of each topic's consumer lag, summed over its partitions;
   *     null when Kafka did not answer (the sample then has no lag)
   * @return how many values the ring could not keep (see {@link HistoryRing#add})
   */
  int sample(Reading now, Map<String, Long> lagByTopic) {
    Map<HistoryRing.Kind, Map<String, Double>> values = new EnumMap<>(HistoryRing.Kind.class);
    Reading before = previous;
    previous = now;
    if (before != null && now.at().isAfter(before.at())) {
      double seconds = Duration.between(before.at(), now.at()).toNanos() / 1e9;
      Map<String, Double> rows = new TreeMap<>();
      Map<String, Double> events = new TreeMap<>();
      for (SourceInfo s : now.sources()) {
        rate(rows, s.table(), rowsWritten(now, s), rowsWritten(before, s), seconds);
        rate(events, s.name(), produced(now, s), produced(before, s), seconds);
      }
      Map<String, Double> grains = new TreeMap<>();
      now.grainMessages()
          .forEach(
              (type, n) ->
                  rate(grains, type, n, before.grainMessages().getOrDefault(type, 0L), seconds));
      values.put(HistoryRing.Kind.ROWS, rows);
      values.put(HistoryRing.Kind.EVENTS, events);
      values.put(HistoryRing.Kind.GRAINS, grains);
    }
    if (lagByTopic != null) {
      Map<String, Double> lag = new TreeMap<>();
      lagByTopic.forEach((topic, n) -> lag.put(topic, (double) n));
      values.put(HistoryRing.Kind.LAG, lag);
    }
    return ring.add(
        new HistoryRing.Figures(now.at(), now.cpu(), now.heapUsed(), now.heapMax(), values));
  }

  /** Sums the lag of each topic over its partitions. */
  static Map<String, Long> lagByTopic(List<KafkaLag.PartitionLag> partitions) {
    Map<String, Long> out = new TreeMap<>();
    for (KafkaLag.PartitionLag p : partitions) out.merge(p.topic(), p.lag(), Long::sum);
    return out;
  }

  private static void rate(
      Map<String, Double> out, String key, long now, long before, double seconds) {
    if (now >= before) out.put(key, (now - before) / seconds);
  }

  private static long rowsWritten(Reading r, SourceInfo s) {
    return count(r, PipelineMetrics.ROWS_WRITTEN, s.table());
  }

  /**
   * Events a source published here. Built-in sources count them under group {@code produced} by
   * topic, the Wikipedia and declarative ones under their own name as group: the sum covers both.
   */
  private static long produced(Reading r, SourceInfo s) {
    return count(r, PipelineMetrics.PRODUCED, s.topic())
        + count(r, s.name(), PipelineMetrics.PRODUCED);
  }

  private static long count(Reading r, String group, String name) {
    return r.counters().getOrDefault(group, Map.of()).getOrDefault(name, 0L);
  }
}
