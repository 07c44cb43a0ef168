package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import kafkapipeline.api.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real network partition: three silos, each on its own host (a {@link NetNamespaces}
 * namespace), Kafka and Cassandra on the bridge; mid-stream the host of the oldest silo (the one
 * running the singletons, the fake-person generator among them, and a third of the partitions)
 * is cut off. The split brain resolver of the majority downs it; on its side it downs itself
 * and its process exits; the majority runs the generator again and reads its partitions, and
 * exactly the produced people end up in {@code fakerdata}. Healed and restarted, it rejoins.
 * Prints the figures. Skips where namespaces cannot be made (not root).
 */
@Tag("cluster")
class SiloPartitionTest {
  private static final int PEOPLE = 50_000;
  private static final int RATE = 1_000;
  private static final int ROWS_BEFORE_CUT = 10_000;
  private static final int CUT = 2; // silo 3, index 2
  private static final String TOKEN = "partition-test-token";

  private static NetNamespaces net;
  private static Engines engines;

  @BeforeAll
  static void hostsAndServers() {
    NetNamespaces.Availability a = NetNamespaces.available();
    Assumptions.assumeTrue(a.ok(), () -> "skipped: no network namespaces here: " + a.reason());
    net = NetNamespaces.create(3, 1);
    try {
      engines = Engines.startOn(NetNamespaces.serverAddress(1));
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
  }

  @AfterAll
  static void removeAll() {
    try {
      if (engines != null) engines.close();
    } finally {
      if (net != null) net.close();
    }
  }

  @Test
  void theCutSiloIsDownedAndLeavesTheMajorityTakesOverAndItRejoinsWhenHealed() throws Exception {
    long seed = ThreadLocalRandom.current().nextLong();
    long started = System.nanoTime();
    Map<String, String> env = Map.of("FAKER_SEED", Long.toString(seed), "FAKER_RATE", Integer.toString(RATE),
        "FAKER_LIMIT", Integer.toString(PEOPLE));
    // Silo 3 is the first seed: it founds the cluster, so it is the oldest and hosts the singletons.
    try (SiloCluster silos = new SiloCluster(engines, "partition", 3, env).onHosts(net, TOKEN).withSeeds(CUT, 0)) {
      silos.startAll();
      silos.awaitAllHealthy();
      Await.until(Duration.ofSeconds(60), () -> upMembers(silos, 0) == 3, () -> members(silos, 0).toString());
      assertTrue(singletonsOn(silos, CUT).contains("faker-source"), "silo 3 is the oldest: " + singletonsOn(silos, CUT));
      FakerTable.awaitRows(engines.session, ROWS_BEFORE_CUT, Duration.ofMinutes(2));

      long producedByCut = SiloHttp.counter(silos.api(CUT), "produced", Topics.FAKER);
      long writtenByCut = SiloHttp.counter(silos.api(CUT), "rows_written", "fakerdata");
      net.cut(CUT + 1);
      long cutAt = System.nanoTime();
      long rowsAtCut = FakerTable.count(engines.session);
      assertTrue(rowsAtCut < PEOPLE, "the stream ended before the cut: " + rowsAtCut);

      // The majority downs it: silo 1's membership drops silo 3.
      Await.until(Duration.ofSeconds(60), () -> !hasMember(silos, 0, CUT), () -> members(silos, 0).toString());
      double downedAfter = seconds(cutAt);
      // Its own resolver downs it (it is the minority) and coordinated shutdown ends its JVM.
      int exitCode = silos.onExit(CUT).get(90, TimeUnit.SECONDS);
      double exitedAfter = seconds(cutAt);
      // The generator runs again on the majority, and its rows keep coming.
      Await.until(Duration.ofSeconds(60), () -> produced(silos, 0) + produced(silos, 1) > 0,
          () -> "the generator did not move to silo 1 or 2");
      double generatorAfter = seconds(cutAt);
      FakerTable.awaitRows(engines.session, PEOPLE, Duration.ofMinutes(3));
      double allRowsAfter = seconds(cutAt);
      FakerTable.assertExactlyTheProducedPeople(engines.session, seed, PEOPLE);
      assertTrue(silos.isHealthy(0) && silos.isHealthy(1), "the majority stays healthy");
      assertTrue(singletonsOn(silos, 0).contains("faker-source"), "silo 1 is the oldest now: " + singletonsOn(silos, 0));
      long producedTwice = producedByCut + produced(silos, 0) + produced(silos, 1) - PEOPLE;
      long writtenTwice = writtenByCut + written(silos, 0) + written(silos, 1) - PEOPLE;

      net.heal(CUT + 1);
      long healedAt = System.nanoTime();
      silos.start(CUT);
      silos.awaitHealthy(CUT);
      Await.until(Duration.ofSeconds(60), () -> upMembers(silos, 0) == 3 && upMembers(silos, CUT) == 3,
          () -> "silo 1 sees " + members(silos, 0) + ", silo 3 sees " + members(silos, CUT));
      double rejoinedAfter = seconds(healedAt);

      System.out.printf("[cluster] partition of silo 3 of 3 (oldest, singletons): rows at cut %d; downed by the majority"
              + " after %.1f s; its process exited by itself (code %d) after %.1f s; generator running on the majority"
              + " after %.1f s; all %d rows after %.1f s; events produced twice %d, rows written twice >= %d; rejoined"
              + " %.1f s after heal; total %.1f s%n", rowsAtCut, downedAfter, exitCode, exitedAfter, generatorAfter, PEOPLE,
          allRowsAfter, producedTwice, writtenTwice, rejoinedAfter, seconds(started));
      assertFalse(exitCode == 137 || exitCode == 143, "silo 3 was killed, it did not exit by itself: " + exitCode);
      assertTrue(producedTwice >= 0 && writtenTwice >= 0,
          "counters say fewer events or rows than people: produced twice " + producedTwice + ", written twice " + writtenTwice);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static long produced(SiloCluster silos, int i) {
    return SiloHttp.counter(silos.api(i), "produced", Topics.FAKER);
  }

  private static long written(SiloCluster silos, int i) {
    return SiloHttp.counter(silos.api(i), "rows_written", "fakerdata");
  }

  /** The cluster members silo {@code i} sees, as "address status". */
  private static List<String> members(SiloCluster silos, int i) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : SiloHttp.get(silos.api(i), "/api/health").body().path("members")) {
      out.add(m.path("address").asText() + " " + m.path("status").asText());
    }
    return out;
  }

  private static long upMembers(SiloCluster silos, int i) {
    return members(silos, i).stream().filter(m -> m.endsWith(" Up")).count();
  }

  private static boolean hasMember(SiloCluster silos, int seenBy, int member) {
    String address = "@" + silos.host(member) + ":" + silos.clusterPort(member) + " ";
    return members(silos, seenBy).stream().anyMatch(m -> m.contains(address));
  }

  /** The singletons {@code /api/status} of silo 1 or 2 places on silo {@code i}. */
  private static List<String> singletonsOn(SiloCluster silos, int i) {
    String address = "@" + silos.host(i) + ":" + silos.clusterPort(i);
    int asked = i == 0 ? 1 : 0;
    for (JsonNode s : SiloHttp.get(silos.api(asked), "/api/status?rows=false").body().path("silos")) {
      if (s.path("address").asText().endsWith(address)) {
        List<String> names = new ArrayList<>();
        s.path("grains").path("singletons").forEach(n -> names.add(n.asText()));
        return names;
      }
    }
    return List.of();
  }
}
