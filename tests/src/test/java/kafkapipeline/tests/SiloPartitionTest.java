package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.datastax.oss.driver.api.core.CqlSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import kafkapipeline.api.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
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
 *
 * <p>Servers: with {@code -Dpartition.servers=replicated} (as {@code ./pipeline test} runs it, in
 * a JVM of its own) the {@link ReplicatedEngines} (3 brokers and a 3-node ring) on
 * 10.77.0.1..3, stopped before the namespaces are removed; otherwise one Kafka broker and one
 * Cassandra node of its own on 10.77.0.1.
 */
@Tag("cluster")
class SiloPartitionTest {
  private static final int PEOPLE = 50_000;
  private static final int RATE = 2_000;
  private static final int ROWS_BEFORE_CUT = 10_000;
  private static final int CUT = 2; // silo 3, index 2
  private static final String TOKEN = "partition-test-token";

  private static final boolean REPLICATED = "replicated".equals(System.getProperty("partition.servers", "single"));

  /** The servers the silos use, whichever set they are. */
  private record Servers(Path dataDir, String bootstrap, String contactPoints, CqlSession session, Admin admin,
                         AutoCloseable closer) {}

  private static NetNamespaces net;
  private static Servers engines;

  @BeforeAll
  static void hostsAndServers() {
    NetNamespaces.Availability a = NetNamespaces.available();
    Assumptions.assumeTrue(a.ok(), () -> "skipped: no network namespaces here: " + a.reason());
    int addresses = REPLICATED ? 3 : 1;
    net = NetNamespaces.create(3, addresses);
    try {
      if (REPLICATED) {
        List<String> hosts = new ArrayList<>();
        for (int k = 1; k <= addresses; k++) hosts.add(NetNamespaces.serverAddress(k));
        ReplicatedEngines r = ReplicatedEngines.shared(new ReplicatedEngines.Placement(hosts, hosts));
        // This test runs in a JVM of its own (tests/pom.xml): it stops the set itself, before the
        // bridge goes. Left to the shutdown hooks, the bridge was removed while the brokers shut
        // down; they could not finish within the fork's exit time and were left running.
        engines = new Servers(r.dataDir, r.kafka.bootstrapServers(), r.cassandra.contactPointList(), r.session, r.admin,
            r::stop);
      } else {
        Engines e = Engines.startOn(NetNamespaces.serverAddress(1));
        engines = new Servers(e.dataDir, e.kafka.bootstrapServers(), e.cassandra.contactPoint(), e.session, e.admin, e);
      }
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
  }

  @AfterAll
  static void removeAll() throws Exception {
    try {
      if (engines != null) engines.closer().close();
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
    List<String> figures = new ArrayList<>(); // printed however the test ends
    // Silo 3 is the first seed: it founds the cluster, so it is the oldest and hosts the singletons.
    try (SiloCluster silos = new SiloCluster(engines.dataDir(), engines.bootstrap(), engines.contactPoints(),
        "partition", 3, env).onHosts(net, TOKEN).withSeeds(CUT, 0)) {
      silos.startAll();
      silos.awaitAllHealthy();
      Await.until(Duration.ofSeconds(60), () -> upMembers(silos, 0) == 3, () -> members(silos, 0).toString());
      figures.add(String.format("servers %s; 3 silos up after %.1f s", REPLICATED ? "3 brokers + 3-node ring" : "1 broker + 1 node",
          seconds(started)));
      assertEquals(CUT, singletonHost(silos, 0), "silo 3 founded the cluster: it is the oldest");
      FakerTable.awaitRows(engines.session(), ROWS_BEFORE_CUT, Duration.ofMinutes(2));
      Await.until(Duration.ofSeconds(60), () -> partitionsReadBy(silos, 0, 1, CUT), () -> "group " + groupMembers());
      figures.add("faker partitions per consumer before the cut " + groupMembers().values());

      // Read just before the cut: after it nothing of silo 3 reaches Kafka or Cassandra.
      long producedByCut = SiloHttp.counter(silos.api(CUT), "produced", Topics.FAKER);
      long writtenByCut = SiloHttp.counter(silos.api(CUT), "rows_written", "fakerdata");
      long countedAt = System.nanoTime();
      net.cut(CUT + 1);
      long cutAt = System.nanoTime();
      long rowsAtCut = FakerTable.count(engines.session());
      figures.add("rows at cut " + rowsAtCut);
      assertTrue(rowsAtCut < PEOPLE, "the stream ended before the cut: " + rowsAtCut);

      // Watched together, each figure timed when first seen: the majority downs silo 3 (silo 1's
      // membership drops it); silo 3's own resolver downs it (it is the minority) and coordinated
      // shutdown ends its JVM; the generator runs again on the majority; silo 3's consumer leaves
      // the group and its partitions go to silo 1 and 2.
      long[] seenAt = new long[4];
      String[] what = {"silo 3 downed and removed by the majority", "its process exited by itself",
          "generator producing on the majority", "all partitions of faker read by silo 1 and 2"};
      Await.until(Duration.ofSeconds(120), () -> {
        boolean[] now = {!hasMember(silos, 0, CUT), !silos.isAlive(CUT), produced(silos, 0) + produced(silos, 1) > 0,
            partitionsReadBy(silos, 0, 1)};
        for (int k = 0; k < now.length; k++) if (now[k] && seenAt[k] == 0) seenAt[k] = System.nanoTime();
        return java.util.Arrays.stream(seenAt).allMatch(t -> t > 0);
      }, () -> {
        List<String> missing = new ArrayList<>();
        for (int k = 0; k < what.length; k++) if (seenAt[k] == 0) missing.add(what[k]);
        return "not yet: " + missing + "; silo 1 sees " + members(silos, 0) + "; group " + groupMembers();
      });
      for (int k = 0; k < what.length; k++) figures.add(String.format("%s after %.1f s", what[k], (seenAt[k] - cutAt) / 1e9));
      int exitCode = silos.onExit(CUT).get();
      figures.add("silo 3's exit code " + exitCode);
      assertTrue(silos.logs().get("silo-3.log").contains("Running CoordinatedShutdown with reason [ClusterDowningReason]"),
          "silo 3 did not shut down for being downed");
      FakerTable.awaitRows(engines.session(), PEOPLE, Duration.ofMinutes(3));
      figures.add(String.format("all %d rows after %.1f s", PEOPLE, seconds(cutAt)));
      FakerTable.assertExactlyTheProducedPeople(engines.session(), seed, PEOPLE);
      assertTrue(silos.isHealthy(0) && silos.isHealthy(1), "the majority stays healthy");
      int newHost = singletonHost(silos, 0);
      assertTrue(newHost == 0 || newHost == 1, "the singletons are on silo " + (newHost + 1));
      // What the takeover repeated, give or take what silo 3 did between reading its counters and the
      // cut (at 2,000/s a few hundred events and rows in 100 ms): an estimate, so not asserted.
      figures.add(String.format("events produced again %d, rows written again %d (silo 3 counted %d ms before the cut)",
          producedByCut + produced(silos, 0) + produced(silos, 1) - PEOPLE,
          writtenByCut + written(silos, 0) + written(silos, 1) - PEOPLE, (cutAt - countedAt) / 1_000_000));

      net.heal(CUT + 1);
      long healedAt = System.nanoTime();
      silos.start(CUT);
      silos.awaitHealthy(CUT);
      Await.until(Duration.ofSeconds(60), () -> upMembers(silos, 0) == 3 && upMembers(silos, CUT) == 3,
          () -> "silo 1 sees " + members(silos, 0) + ", silo 3 sees " + members(silos, CUT));
      figures.add(String.format("healed and restarted, 3 Up members after %.1f s", seconds(healedAt)));
      Await.until(Duration.ofSeconds(60), () -> partitionsReadBy(silos, 0, 1, CUT), () -> "group " + groupMembers());
      figures.add(String.format("silo 3 reading faker partitions again after %.1f s", seconds(healedAt)));
    } finally {
      System.out.printf("[cluster] partition of silo 3 of 3 (the oldest: singletons and a third of the partitions): %s;"
          + " total %.1f s%n", String.join("; ", figures), seconds(started));
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static long produced(SiloCluster silos, int i) {
    return SiloHttp.counter(silos.api(i), "produced", Topics.FAKER);
  }

  /**
   * True if the persisters' consumer group has members on exactly the silos {@code readers}, each
   * with at least one partition of faker, and between them they are assigned every partition.
   */
  private static boolean partitionsReadBy(SiloCluster silos, int... readers) {
    Map<String, Integer> assigned = groupMembers();
    java.util.Set<Integer> on = new java.util.HashSet<>();
    for (Map.Entry<String, Integer> member : assigned.entrySet()) {
      int silo = -1;
      for (int i = 0; i < silos.size(); i++) if (member.getKey().contains("@" + silos.host(i) + ":")) silo = i;
      if (member.getValue() > 0) on.add(silo);
    }
    java.util.Set<Integer> wanted = new java.util.HashSet<>();
    for (int r : readers) wanted.add(r);
    return on.equals(wanted) && assigned.values().stream().mapToInt(Integer::intValue).sum() == fakerPartitions();
  }

  /** Client id -> partitions of faker assigned, of each member of the persisters' group. */
  private static Map<String, Integer> groupMembers() {
    try {
      Map<String, Integer> out = new java.util.TreeMap<>();
      for (MemberDescription m : engines.admin().describeConsumerGroups(List.of("persister-" + Topics.FAKER)).all().get()
          .get("persister-" + Topics.FAKER).members()) {
        out.put(m.clientId(), (int) m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(Topics.FAKER)).count());
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError("cannot describe the persisters' group", e);
    }
  }

  private static int fakerPartitions() {
    try {
      return engines.admin().describeTopics(List.of(Topics.FAKER)).allTopicNames().get().get(Topics.FAKER).partitions().size();
    } catch (Exception e) {
      throw new AssertionError("cannot describe topic faker", e);
    }
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

  /**
   * The silo (index) that {@code /api/status} of silo {@code asked} says hosts the singletons,
   * the fake-person generator among them; -1 if none.
   */
  private static int singletonHost(SiloCluster silos, int asked) {
    JsonNode status = SiloHttp.get(silos.api(asked), "/api/status?rows=false").body();
    for (JsonNode s : status.path("silos")) {
      boolean generator = false;
      for (JsonNode n : s.path("grains").path("singletons")) generator |= n.asText().equals("faker-source");
      if (!generator) continue;
      for (int i = 0; i < silos.size(); i++) {
        if (s.path("address").asText().endsWith("@" + silos.host(i) + ":" + silos.clusterPort(i))) return i;
      }
    }
    return -1;
  }
}
