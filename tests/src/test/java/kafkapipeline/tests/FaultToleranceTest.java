package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import kafkapipeline.api.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Faults on real processes, with exact row assertions: a silo killed, Cassandra stopped for
 * 30 s, the Kafka broker restarted, all mid-stream; a silo leaving while it hosts a city.
 * Each test prints its figures (events produced, rows, dead letters, recovery time). Slow:
 * {@code ./mvnw verify -pl tests -am -Dgroups=fault} runs them alone.
 */
@Tag("fault")
class FaultToleranceTest {
  private final Engines engines = Engines.shared();

  @BeforeEach
  void startFromNothing() throws Exception {
    FakerTable.reset(engines);
  }

  @AfterEach
  void serversBackForTheNextTest() {
    engines.cassandraUp();
    if (!engines.kafka.isRunning()) engines.kafka.start();
  }

  private static Map<String, String> fakerEnv(long seed, int rate, int people) {
    return Map.of("FAKER_SEED", Long.toString(seed), "FAKER_RATE", Integer.toString(rate), "FAKER_LIMIT", Integer.toString(people));
  }

  private void report(String test, int produced, long started, String recovery) {
    System.out.printf("[fault] %s: produced %d, rows %d, dead letters %d, %s, total %.1f s%n", test, produced,
        FakerTable.count(engines.session), FakerTable.deadLetters(engines.session, Topics.FAKER), recovery,
        (System.nanoTime() - started) / 1e9);
  }

  /** A fault injected mid-stream; returns how the cluster recovered, for the report. */
  private interface Fault {
    String inject(SiloCluster silos) throws Exception;
  }

  /**
   * Runs {@code people} fake people through {@code siloCount} silos, injects the fault once
   * {@code rowsBefore} rows are in, and asserts that exactly the produced ids end up as rows and
   * that every silo the fault did not kill is still healthy.
   */
  private void exactlyTheProducedRowsDespite(String name, int siloCount, int people, int rate, int rowsBefore, Fault fault)
      throws Exception {
    long seed = ThreadLocalRandom.current().nextLong();
    long started = System.nanoTime();
    try (SiloCluster silos = new SiloCluster(engines, "fault-" + name.replaceAll("\\W+", "-"), siloCount, fakerEnv(seed, rate, people))) {
      silos.startAll();
      silos.awaitAllHealthy();
      FakerTable.awaitRows(engines.session, rowsBefore, Duration.ofMinutes(3));
      String recovery = fault.inject(silos);
      FakerTable.awaitRows(engines.session, people, Duration.ofMinutes(4));
      FakerTable.assertExactlyTheProducedPeople(engines.session, seed, people);
      for (int i = 0; i < silos.size(); i++) {
        if (silos.isAlive(i)) assertTrue(silos.isHealthy(i), "silo " + (i + 1) + " is up but not healthy");
      }
      report(name, people, started, recovery);
    }
  }

  @Test
  void aSiloKilledMidStreamLosesAndDoublesNothing() throws Exception {
    exactlyTheProducedRowsDespite("SIGKILL 1 of 3 silos", 3, 30_000, 1_500, 10_000, silos -> {
      // Silo 1 is the oldest: it hosts the generator and reads a third of the partitions.
      silos.kill(0);
      long killedAt = System.nanoTime();
      long rowsAtKill = FakerTable.count(engines.session);
      assertTrue(rowsAtKill < 30_000, "the stream ended before the kill: " + rowsAtKill);
      Await.until(Duration.ofMinutes(2), () -> silos.sum("produced", Topics.FAKER) > 0,
          () -> "the generator did not move to silo 2 or 3");
      assertTrue(silos.isAlive(1) && silos.isAlive(2), "the survivors stay up");
      return String.format("rows at kill %d, generator running again after %.1f s", rowsAtKill, (System.nanoTime() - killedAt) / 1e9);
    });
  }

  @Test
  void cassandraStoppedForThirtySecondsLosesNothingAndEverySiloStaysUp() throws Exception {
    exactlyTheProducedRowsDespite("Cassandra down 30 s", 2, 20_000, 1_000, 5_000, silos -> {
      engines.cassandra.stop();
      long stoppedAt = System.nanoTime();
      List<String> down = new ArrayList<>();
      for (int s = 0; s < 30; s++) {
        Thread.sleep(1_000);
        for (int i = 0; i < silos.size(); i++) if (!silos.isAlive(i)) down.add("silo " + (i + 1) + " after " + s + " s");
      }
      assertEquals(List.of(), down, "a silo died while Cassandra was down");
      JsonNode health = SiloHttp.get(silos.httpPort(0), "/api/health").body();
      assertTrue(!health.path("cassandra").path("reachable").asBoolean(true), "health should say Cassandra is down: " + health);
      EngineStates.awaitNodes(silos.httpPort(0), Map.of(engines.cassandra.contactPoint(), "down"), Duration.ofSeconds(10));
      engines.cassandraUp();
      long backAt = System.nanoTime();
      EngineStates.awaitNodes(silos.httpPort(0), Map.of(engines.cassandra.contactPoint(), "up"), Duration.ofSeconds(60));
      FakerTable.awaitRows(engines.session, FakerTable.awaitCount(engines.session) + 1, Duration.ofMinutes(2));
      return String.format("down %.1f s, writing again %.1f s after Cassandra was back",
          (backAt - stoppedAt) / 1e9, (System.nanoTime() - backAt) / 1e9);
    });
  }

  @Test
  void aKafkaRestartLosesAndDoublesNothing() throws Exception {
    exactlyTheProducedRowsDespite("Kafka broker restart", 2, 20_000, 1_000, 5_000, silos -> {
      engines.kafka.stop();
      // While Kafka is down the sources fail their sends and back off; the API does not wait on
      // them: every call answers within 1 s.
      Map<String, Long> slowest = new java.util.TreeMap<>();
      long downUntil = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < downUntil) {
        for (String path : List.of("/api/health", "/api/stats", "/api/sources", "/api/cities", "/api/status")) {
          long t0 = System.nanoTime();
          int status = SiloHttp.get(silos.httpPort(1), path).status();
          long millis = (System.nanoTime() - t0) / 1_000_000;
          // Health says 503 once it has seen the broker gone: an answer all the same.
          assertTrue(status / 100 == 2 || (path.equals("/api/health") && status == 503),
              path + " answered " + status + " while Kafka was down");
          slowest.merge(path, millis, Math::max);
        }
      }
      for (Map.Entry<String, Long> e : slowest.entrySet()) {
        assertTrue(e.getValue() < 1_000, e.getKey() + " took " + e.getValue() + " ms while Kafka was down");
      }
      EngineStates.awaitBrokers(silos.httpPort(1), Map.of("1", "down"), Duration.ofSeconds(15));
      engines.kafka.start();
      long backAt = System.nanoTime();
      EngineStates.awaitBrokers(silos.httpPort(1), Map.of("1", "up"), Duration.ofSeconds(60));
      FakerTable.awaitRows(engines.session, FakerTable.awaitCount(engines.session) + 1, Duration.ofMinutes(2));
      return String.format("rows flowing again %.1f s after the broker was back; slowest API answers while down (ms): %s",
          (System.nanoTime() - backAt) / 1e9, slowest);
    });
  }

  @Test
  void aCityKeepsReportingWhenItsSiloLeaves() throws Exception {
    int intervalSeconds = 10;
    try (OwmReplayServer owm = new OwmReplayServer();
        SiloCluster silos = new SiloCluster(engines, "fault-leave", 3, Map.of("OWM_BASE_URL", owm.baseUrl(),
            "OWM_API_KEY", OwmReplayServer.KEY, "WEATHER_INTERVAL", intervalSeconds + "s", "FAKER_RATE", "0"))) {
      silos.startAll();
      silos.awaitAllHealthy();
      int api = silos.httpPort(2);
      if (city(api) != null) SiloHttp.send(api, "DELETE", "/api/cities/london,gb", null);
      assertTrue(SiloHttp.send(api, "POST", "/api/cities", "{\"city\":\"London,GB\"}").status() / 100 == 2);
      Await.until(Duration.ofSeconds(60), () -> owm.answeredAt.size() >= 2 && hostOf(silos) >= 0,
          () -> "London not reporting: " + city(api));
      int host = hostOf(silos);
      int otherApi = silos.httpPort(host == 2 ? 1 : 2);

      long leftAt = System.nanoTime();
      silos.stop(host); // graceful: leaves the cluster, hands its shards over
      Await.until(Duration.ofSeconds(60), () -> {
        int now = hostOf(silos, otherApi);
        return now >= 0 && now != host;
      }, () -> "London did not move: " + city(otherApi));
      int callsAfterMove = owm.answeredAt.size();
      Await.until(Duration.ofSeconds(3L * intervalSeconds), () -> owm.answeredAt.size() >= callsAfterMove + 2,
          () -> "London stopped reporting after the move: " + city(otherApi));

      long worstGap = 0;
      for (int i = 1; i < owm.answeredAt.size(); i++) {
        if (owm.answeredAt.get(i) > leftAt - 60_000_000_000L) {
          worstGap = Math.max(worstGap, owm.answeredAt.get(i) - owm.answeredAt.get(i - 1));
        }
      }
      System.out.printf("[fault] graceful leave of silo %d hosting london,gb: now on silo %d, longest gap between reports %.1f s (interval %d s)%n",
          host + 1, hostOf(silos, otherApi) + 1, worstGap / 1e9, intervalSeconds);
      assertTrue(worstGap <= 2L * intervalSeconds * 1_000_000_000L,
          "gap of " + worstGap / 1e9 + " s is longer than two polling intervals");
      assertEquals(204, SiloHttp.send(otherApi, "DELETE", "/api/cities/london,gb", null).status());
    }
  }

  private static JsonNode city(int api) {
    for (JsonNode c : SiloHttp.get(api, "/api/cities").body()) {
      if ("london,gb".equals(c.path("id").asText())) return c;
    }
    return null;
  }

  private static int hostOf(SiloCluster silos) {
    return hostOf(silos, silos.httpPort(2));
  }

  /** Which silo (index) hosts London's grain, as the API of the silo on {@code api} sees it. */
  private static int hostOf(SiloCluster silos, int api) {
    JsonNode c = city(api);
    String address = c == null ? "" : c.path("silo").asText("");
    for (int i = 0; i < silos.size(); i++) {
      if (address.endsWith(":" + silos.clusterPort(i))) return i;
    }
    return -1;
  }
}
