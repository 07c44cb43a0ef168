package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sample lines of /metrics: labels sorted and escaped, whole numbers without a decimal point. */
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
}
