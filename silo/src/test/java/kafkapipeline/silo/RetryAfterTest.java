package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every 503 of the API says when to try again, in {@code Retry-After} (whole seconds). */
class RetryAfterTest {
  private static final Pattern RETRY_AFTER = Pattern.compile("(?im)^Retry-After:\\s*(\\S+)\\s*$");
  @RegisterExtension static final TestSilo.PerClass silo = new TestSilo.PerClass();

  private static String retryAfter(TestSilo.Response r) {
    Matcher m = RETRY_AFTER.matcher(r.headers());
    assertTrue(m.find(), "no Retry-After on " + r + "\n" + r.headers());
    return m.group(1);
  }

  @Test
  void anAddRefusedByTheBudgetSaysWhenACallIsFreeInTheHeaderAndTheBody() {
    silo.get().budgetDenies.set(Duration.ofMillis(12_300));
    try {
      TestSilo.Response r =
          silo.send(
              "POST",
              "/api/cities",
              Map.of("Content-Type", "application/json"),
              "{\"city\":\"Hanoi,VN\"}".getBytes(StandardCharsets.UTF_8));
      assertEquals(503, r.status(), r.toString());
      assertEquals("13", retryAfter(r), "rounded up to whole seconds");
      assertTrue(r.body().contains("try again in 13 s"), r.body());
    } finally {
      silo.get().budgetDenies.set(null);
    }
  }

  /** Whatever wait a route names, the header is a whole number of seconds of at least 1. */
  @Test
  void anyWaitBecomesWholeSecondsOfAtLeastOne() {
    Map<Duration, String> expected = new java.util.LinkedHashMap<>();
    expected.put(Duration.ZERO, "1");
    expected.put(Duration.ofSeconds(-30), "1");
    expected.put(Duration.ofNanos(1), "1");
    expected.put(Duration.ofMillis(999), "1");
    expected.put(Duration.ofSeconds(1), "1");
    expected.put(Duration.ofSeconds(1, 1), "2");
    expected.put(Duration.ofMillis(12_300), "13");
    expected.put(Duration.ofNanos(Long.MAX_VALUE), "9223372037");
    expected.put(Duration.ofSeconds(Long.MAX_VALUE), String.valueOf(Long.MAX_VALUE));
    expected.put(Duration.ofSeconds(Long.MIN_VALUE), "1");
    expected.forEach(
        (wait, header) ->
            assertEquals(header, JsonRoutes.retryAfter(wait).value(), wait.toString()));
  }

  @Test
  void anyOther503CarriesTheDefault() {
    // The test's Cassandra fails every query: the route answers 503 without a time of its own.
    TestSilo.Response r = silo.send("GET", "/api/rows/fakerdata?limit=5", Map.of(), null);
    assertEquals(503, r.status(), r.toString());
    assertEquals(
        String.valueOf(JsonRoutes.DEFAULT_RETRY_AFTER.toSeconds()), retryAfter(r), r.toString());
  }
}
