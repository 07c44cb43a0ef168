package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import kafkapipeline.grains.profile.GrainProfiler;
import org.junit.jupiter.api.Test;

/**
 * Sample lines of /metrics: labels sorted and escaped, whole numbers without a decimal point; the
 * grain profile as a Prometheus histogram.
 */
class MetricsTextTest {
  private static String line(String name, Map<String, String> labels, double value) {
    StringBuilder out = new StringBuilder();
    MetricsRoutes.sample(out, name, labels, value);
    return out.toString();
  }

  @Test
  void samplesAreWrittenAsTheFormatWants() {
    assertEquals("up 1\n", line("up", Map.of(), 1));
    assertEquals(
        "x{a=\"1\",b=\"q\\\"\\\\\\n\"} 0.25\n", line("x", Map.of("b", "q\"\\\n", "a", "1"), 0.25));
    assertEquals("big 123456789012\n", line("big", Map.of(), 123456789012L));
    assertEquals("neg -1\n", line("neg", Map.of(), -1));
  }

  @Test
  void theGrainProfileIsAPrometheusHistogram() {
    GrainProfiler profiler = new GrainProfiler();
    GrainProfiler.Grain g = profiler.grain("city-weather");
    g.recorder(String.class).record(1_000, false); // on the 1 µs edge: le 0.000001
    g.recorder(String.class).record(1_001, false); // just over it: le 0.000002
    g.recorder(String.class).record(60_000_000, true); // 60 ms: le 0.1 and over
    g.recorder(String.class).record(20_000_000_000L, false); // over 10 s: only +Inf
    profiler.grain("city-keeper");
    StringBuilder out = new StringBuilder();
    MetricsRoutes.profile(out, profiler.snapshot());
    List<String> lines = List.of(out.toString().split("\n"));
    String labels = "grain=\"city-weather\",le=\"%s\",message=\"String\"";
    List<String> expectedBuckets =
        List.of(
            "0.000001 1",
            "0.000002 2",
            "0.000005 2",
            "0.00001 2",
            "0.00002 2",
            "0.00005 2",
            "0.0001 2",
            "0.0002 2",
            "0.0005 2",
            "0.001 2",
            "0.002 2",
            "0.005 2",
            "0.01 2",
            "0.02 2",
            "0.05 2",
            "0.1 3",
            "0.2 3",
            "0.5 3",
            "1 3",
            "2 3",
            "5 3",
            "10 3",
            "+Inf 4");
    List<String> expected = new java.util.ArrayList<>();
    expected.add(
        "# HELP pipeline_grain_handling_seconds Time grains of this silo took to handle a message,"
            + " by grain type and message class.");
    expected.add("# TYPE pipeline_grain_handling_seconds histogram");
    for (String b : expectedBuckets) {
      String[] leAndCount = b.split(" ");
      expected.add(
          "pipeline_grain_handling_seconds_bucket{"
              + String.format(labels, leAndCount[0])
              + "} "
              + leAndCount[1]);
    }
    expected.add(
        "pipeline_grain_handling_seconds_sum{grain=\"city-weather\",message=\"String\"} 20.060002001");
    expected.add(
        "pipeline_grain_handling_seconds_count{grain=\"city-weather\",message=\"String\"} 4");
    expected.add(
        "# HELP pipeline_grain_failures_total Messages whose handler threw, or that the grain"
            + " reported failed, by grain type and message class.");
    expected.add("# TYPE pipeline_grain_failures_total counter");
    expected.add("pipeline_grain_failures_total{grain=\"city-weather\",message=\"String\"} 1");
    expected.add(
        "# HELP pipeline_grain_active Grain instances active on this silo (started minus stopped),"
            + " by grain type.");
    expected.add("# TYPE pipeline_grain_active gauge");
    expected.add("pipeline_grain_active{grain=\"city-keeper\"} 0");
    expected.add("pipeline_grain_active{grain=\"city-weather\"} 0");
    assertEquals(expected, lines);
  }
}
