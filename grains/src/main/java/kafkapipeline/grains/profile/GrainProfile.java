package kafkapipeline.grains.profile;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of one JVM's {@link GrainProfiler}, as {@code /api/status} shows it under {@code
 * silos[].vitals.profile} and as it crosses silos (inside the vitals, CBOR). Counts are totals
 * since the silo started: a reader takes rates and percentiles from the differences between two
 * snapshots.
 *
 * @param boundsMicros the histogram's upper bounds in microseconds ({@link
 *     GrainProfiler#BOUNDS_MICROS}); each entry has one more bucket, +Inf
 * @param active grain type to its instances active on this silo (started minus stopped)
 * @param grains one entry per grain type and message class handled, sorted by grain then message
 */
public record GrainProfile(List<Long> boundsMicros, Map<String, Long> active, List<Entry> grains) {

  /**
   * @param messages messages handled (failed ones too): always the sum of {@code buckets}
   * @param failures handlers that threw, plus failures the grain reported itself
   * @param nanos total handling time in nanoseconds
   * @param buckets non-cumulative counts per bucket of handling time, the last one +Inf
   */
  public record Entry(
      String grain, String message, long messages, long failures, long nanos, List<Long> buckets) {}

  /** Messages handled per grain type, all its messages summed (the history's grain rates). */
  public Map<String, Long> messagesByGrain() {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (Entry e : grains) out.merge(e.grain(), e.messages(), Long::sum);
    return out;
  }
}
