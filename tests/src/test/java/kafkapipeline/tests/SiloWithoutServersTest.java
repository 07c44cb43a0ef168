package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import kafkapipeline.launcher.Ports;
import org.junit.jupiter.api.Test;

/** A silo whose Cassandra is not there waits for it, says why, and does not die. */
class SiloWithoutServersTest {

  @Test
  void aSiloThatCannotReachCassandraStaysUpAndSaysWhy() {
    Engines engines = Engines.shared();
    int nobodyListens = Ports.freePort();
    try (SiloCluster silos =
        new SiloCluster(
            engines,
            "no-cassandra",
            1,
            Map.of("CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + nobodyListens))) {
      silos.start(0);
      Await.until(
          Duration.ofSeconds(60),
          () -> {
            try {
              return SiloHttp.get(silos.httpPort(0), "/api/health")
                  .body()
                  .path("pipeline")
                  .asText()
                  .startsWith("waiting for servers");
            } catch (AssertionError notListeningYet) {
              return false;
            }
          },
          () -> "no health answer saying what the silo waits for");
      SiloHttp.Response health = SiloHttp.get(silos.httpPort(0), "/api/health");
      JsonNode body = health.body();
      assertEquals(503, health.status(), body.toString());
      assertFalse(body.path("healthy").asBoolean());
      assertFalse(body.path("cassandra").path("reachable").asBoolean(), body.toString());
      assertTrue(body.path("kafka").path("reachable").asBoolean(), body.toString());
      assertTrue(
          body.path("pipeline").asText().contains(String.valueOf(nobodyListens)), body.toString());
      // No session: the contact point is listed, its state unknown; Kafka's broker is up.
      assertFalse(body.at("/engines/cassandra/connected").asBoolean(true), body.toString());
      assertEquals(
          Map.of("127.0.0.1:" + nobodyListens, "unknown"), EngineStates.nodes(silos.api(0)));
      EngineStates.awaitBrokers(silos.httpPort(0), Map.of("1", "up"), Duration.ofSeconds(30));
      assertTrue(silos.isAlive(0), "the silo must keep retrying, not exit");
    }
  }
}
