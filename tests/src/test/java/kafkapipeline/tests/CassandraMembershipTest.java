package kafkapipeline.tests;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Silos with no seed list find each other through Cassandra's membership table. */
class CassandraMembershipTest {

  private static long upMembers(int port) {
    JsonNode members = SiloHttp.get(port, "/api/health").body().path("members");
    long up = 0;
    for (JsonNode m : members) if ("Up".equals(m.path("status").asText())) up++;
    return up;
  }

  @Test
  void threeSilosStartedTogetherFormOneClusterAndALateOneJoinsIt() {
    Engines engines = Engines.shared();
    engines.truncateIfExists("cluster_members");
    engines.truncateIfExists("cluster_founder");
    Map<String, String> env =
        Map.of("CLUSTER_DISCOVERY", "cassandra", "SEED_NODES", "127.0.0.1:1", "FAKER_RATE", "0");
    try (SiloCluster silos = new SiloCluster(engines, "membership", 4, env)) {
      for (int i = 0; i < 3; i++) silos.start(i);
      for (int i = 0; i < 3; i++) silos.awaitHealthy(i);
      for (int i = 0; i < 3; i++) {
        int port = silos.httpPort(i);
        Await.until(
            Duration.ofSeconds(60),
            () -> upMembers(port) == 3,
            () -> "silo sees " + upMembers(port) + " members Up");
      }
      silos.start(3);
      silos.awaitHealthy(3);
      Await.until(
          Duration.ofSeconds(60),
          () -> upMembers(silos.httpPort(0)) == 4,
          () -> upMembers(silos.httpPort(0)) + " Up");
      // Every member heartbeats into the table (within 10 s of being Up).
      Await.until(
          Duration.ofSeconds(30),
          () -> announced(engines) == 4,
          () -> announced(engines) + " silos in cluster_members");
    }
  }

  private static int announced(Engines engines) {
    return engines
        .session
        .execute("SELECT address FROM kafkapipeline.cluster_members WHERE cluster = 'pipeline'")
        .all()
        .size();
  }
}
