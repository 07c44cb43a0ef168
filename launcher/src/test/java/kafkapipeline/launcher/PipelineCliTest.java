package kafkapipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineCliTest {
  private static final Path DEFAULT = Path.of("/tmp/default-data");

  @Test
  void defaultsAreTwoSilosAndTheProjectDataFolder() {
    assertEquals(
        new PipelineCli.UpOptions(2, DEFAULT, false), PipelineCli.parseUp(List.of(), DEFAULT));
  }

  @Test
  void optionsAreRead() {
    PipelineCli.UpOptions o =
        PipelineCli.parseUp(List.of("--silos", "3", "--data", "/tmp/x", "--fresh"), DEFAULT);
    assertEquals(new PipelineCli.UpOptions(3, Path.of("/tmp/x"), true), o);
    assertEquals(5, PipelineCli.parseUp(List.of("--silos=5"), DEFAULT).silos());
  }

  @Test
  void badOptionsSayWhatIsWrong() {
    assertEquals(
        "--silos needs a whole number from 1 to 16, got 'two'",
        assertThrows(
                PipelineCli.UsageException.class,
                () -> PipelineCli.parseUp(List.of("--silos", "two"), DEFAULT))
            .getMessage());
    assertEquals(
        "--silos needs a whole number from 1 to 16, got 17",
        assertThrows(
                PipelineCli.UsageException.class,
                () -> PipelineCli.parseUp(List.of("--silos", "17"), DEFAULT))
            .getMessage());
    assertEquals(
        "--data needs a value",
        assertThrows(
                PipelineCli.UsageException.class,
                () -> PipelineCli.parseUp(List.of("--data"), DEFAULT))
            .getMessage());
    assertTrue(
        assertThrows(
                PipelineCli.UsageException.class,
                () -> PipelineCli.parseUp(List.of("--silo", "2"), DEFAULT))
            .getMessage()
            .startsWith("unknown option '--silo'"));
  }

  @Test
  void noReplicaFlagIsOneBrokerAndOneNodeOnTodaysPorts() {
    PipelineCli.UpOptions o = PipelineCli.parseUp(List.of(), DEFAULT);
    assertEquals(1, o.kafkaBrokers());
    assertEquals(1, o.cassandraNodes());
    assertEquals(List.of(new KafkaCluster.NodeAddress("127.0.0.1", 9092, 9093)), o.kafka().nodes());
    assertEquals(List.of("127.0.0.1"), o.cassandra().hosts());
    assertEquals(9042, o.cassandra().nativePort());
    assertEquals(7000, o.cassandra().storagePort());
    assertEquals(1, o.kafka().replicationFactor());
    assertEquals(1, o.kafka().minInSyncReplicas());
    assertEquals(1, o.cassandra().replicationFactor());
  }

  @Test
  void replicasSetsBothAndTheSpecificFlagsWinInAnyOrder() {
    PipelineCli.UpOptions three = PipelineCli.parseUp(List.of("--replicas", "3"), DEFAULT);
    assertEquals(3, three.kafkaBrokers());
    assertEquals(3, three.cassandraNodes());
    assertEquals(List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"), three.cassandra().hosts());
    assertEquals(
        List.of(
            new KafkaCluster.NodeAddress("127.0.0.1", 9092, 9093),
            new KafkaCluster.NodeAddress("127.0.0.1", 9094, 9095),
            new KafkaCluster.NodeAddress("127.0.0.1", 9096, 9097)),
        three.kafka().nodes());
    assertEquals(3, three.kafka().replicationFactor());
    assertEquals(2, three.kafka().minInSyncReplicas());
    assertEquals(3, three.cassandra().replicationFactor());

    PipelineCli.UpOptions mixed =
        PipelineCli.parseUp(List.of("--kafka-brokers=2", "--replicas=5"), DEFAULT);
    assertEquals(2, mixed.kafkaBrokers());
    assertEquals(5, mixed.cassandraNodes());
    assertEquals(2, mixed.kafka().replicationFactor());
    assertEquals(1, mixed.kafka().minInSyncReplicas());
    assertEquals(3, mixed.cassandra().replicationFactor(), "RF is min(3, N)");
    PipelineCli.UpOptions nodesOnly =
        PipelineCli.parseUp(List.of("--cassandra-nodes", "4"), DEFAULT);
    assertEquals(1, nodesOnly.kafkaBrokers());
    assertEquals(4, nodesOnly.cassandraNodes());
  }

  @Test
  void replicaCountsOutsideOneToFiveAreUsageErrors() {
    for (String flag : List.of("--replicas", "--kafka-brokers", "--cassandra-nodes")) {
      for (String bad : List.of("0", "6", "-1")) {
        assertEquals(
            flag + " needs a whole number from 1 to 5, got " + Integer.parseInt(bad),
            assertThrows(
                    PipelineCli.UsageException.class,
                    () -> PipelineCli.parseUp(List.of(flag, bad), DEFAULT))
                .getMessage());
      }
      assertEquals(
          flag + " needs a whole number from 1 to 5, got 'three'",
          assertThrows(
                  PipelineCli.UsageException.class,
                  () -> PipelineCli.parseUp(List.of(flag + "=three"), DEFAULT))
              .getMessage());
      assertEquals(
          flag + " needs a value",
          assertThrows(
                  PipelineCli.UsageException.class,
                  () -> PipelineCli.parseUp(List.of(flag), DEFAULT))
              .getMessage());
      assertEquals(
          flag + " needs a value",
          assertThrows(
                  PipelineCli.UsageException.class,
                  () -> PipelineCli.parseUp(List.of(flag, "--fresh"), DEFAULT))
              .getMessage());
    }
    assertEquals(
        "--fresh takes no value",
        assertThrows(
                PipelineCli.UsageException.class,
                () -> PipelineCli.parseUp(List.of("--fresh=yes"), DEFAULT))
            .getMessage());
  }

  @Test
  void aTakenPortOfAnyNodeFailsBeforeAnythingStarts() throws Exception {
    // Kafka node 2's controller port on 127.0.0.1, and Cassandra node 3's CQL port on 127.0.0.3.
    PipelineCli.UpOptions three =
        PipelineCli.parseUp(List.of("--replicas", "3", "--silos", "1"), DEFAULT);
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), 9095));
      LaunchException e =
          assertThrows(LaunchException.class, () -> PipelineCli.requirePortsFree(three));
      assertEquals(
          "port 9095 (Kafka node 2 controller) is already in use on 127.0.0.1", e.getMessage());
    } catch (java.net.BindException taken) {
      org.junit.jupiter.api.Assumptions.abort("port 9095 is in use on this machine: " + taken);
    }
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.3"), 9042));
      LaunchException e =
          assertThrows(LaunchException.class, () -> PipelineCli.requirePortsFree(three));
      assertEquals(
          "port 9042 (Cassandra node 3 native transport) is already in use on 127.0.0.3",
          e.getMessage());
    } catch (java.net.BindException taken) {
      org.junit.jupiter.api.Assumptions.abort("port 9042 is in use on 127.0.0.3: " + taken);
    }
  }

  @Test
  void silosGetEveryBrokerAndNodeAndTheReplicationFactors() {
    RunDirectory.Cluster cluster =
        new RunDirectory.Cluster(
            1,
            "127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096",
            "127.0.0.1:9042,127.0.0.2:9042,127.0.0.3:9042",
            3,
            3,
            Path.of("/tmp/logs"));
    java.util.Map<String, String> env = PipelineCli.siloEnv(2, cluster);
    assertEquals(
        "127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096", env.get("KAFKA_BOOTSTRAP_SERVERS"));
    assertEquals(
        "127.0.0.1:9042,127.0.0.2:9042,127.0.0.3:9042", env.get("CASSANDRA_CONTACT_POINTS"));
    assertEquals("3", env.get("KAFKA_REPLICATION_FACTOR"));
    assertEquals("3", env.get("CASSANDRA_REPLICATION_FACTOR"));
    assertEquals("2552", env.get("SILO_PORT"));
    assertEquals("8081", env.get("HTTP_PORT"));
  }

  @Test
  void theRunDirectoryCarriesTheListsAndFactors(@TempDir Path tmp) {
    RunDirectory run = new RunDirectory(tmp);
    RunDirectory.Cluster cluster =
        new RunDirectory.Cluster(
            ProcessHandle.current().pid(),
            "127.0.0.1:9092,127.0.0.1:9094",
            "127.0.0.1:9042,127.0.0.2:9042",
            2,
            2,
            tmp.resolve("logs"));
    run.writeCluster(cluster);
    assertEquals(java.util.Optional.of(cluster), run.cluster());
  }

  @Test
  void aDataFolderKeepsTheShapeItWasMadeWith(@TempDir Path tmp) throws Exception {
    PipelineCli.UpOptions three =
        PipelineCli.parseUp(List.of("--replicas", "3", "--data", tmp.toString()), DEFAULT);
    PipelineCli.prepareDataDir(tmp, false);
    PipelineCli.requireSameShape(three);
    PipelineCli.requireSameShape(three); // the same shape again is fine
    PipelineCli.UpOptions one = PipelineCli.parseUp(List.of("--data", tmp.toString()), DEFAULT);
    assertEquals(
        tmp
            + " holds servers made with kafka-brokers=3, cassandra-nodes=3; to run kafka-brokers=1, "
            + "cassandra-nodes=1 add --fresh (empties it) or choose another --data",
        assertThrows(PipelineCli.UsageException.class, () -> PipelineCli.requireSameShape(one))
            .getMessage());
    PipelineCli.prepareDataDir(tmp, true);
    PipelineCli.requireSameShape(one); // --fresh: any shape

    Path old = Files.createDirectories(tmp.resolve("old"));
    Files.createDirectories(
        old.resolve("cassandra/data")); // made before shapes were recorded: one of each
    PipelineCli.UpOptions threeOnOld =
        PipelineCli.parseUp(List.of("--replicas", "3", "--data", old.toString()), DEFAULT);
    assertThrows(PipelineCli.UsageException.class, () -> PipelineCli.requireSameShape(threeOnOld));
    PipelineCli.requireSameShape(PipelineCli.parseUp(List.of("--data", old.toString()), DEFAULT));
  }

  @Test
  void ringTokensAreEvenlySpacedOverMurmur3() {
    assertEquals(
        List.of("-9223372036854775808", "-3074457345618258603", "3074457345618258602"),
        CassandraRing.tokens(3));
    assertEquals(List.of("-9223372036854775808", "0"), CassandraRing.tokens(2));
  }

  @Test
  void freshEmptiesOnlyAPipelineDataFolder(@TempDir Path tmp) throws Exception {
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("precious.txt"), "keep me");
    assertThrows(PipelineCli.UsageException.class, () -> PipelineCli.prepareDataDir(foreign, true));
    assertTrue(Files.exists(foreign.resolve("precious.txt")));

    Path ours = tmp.resolve("ours");
    PipelineCli.prepareDataDir(ours, false);
    Files.createDirectories(ours.resolve("cassandra/data"));
    Files.writeString(ours.resolve("cassandra/data/rows"), "old rows");
    PipelineCli.prepareDataDir(ours, false);
    assertTrue(Files.exists(ours.resolve("cassandra/data/rows")), "data survives a second up");
    PipelineCli.prepareDataDir(ours, true);
    assertTrue(Files.notExists(ours.resolve("cassandra")), "--fresh empties it");
    assertTrue(Files.exists(ours.resolve(".pipeline-data")));
  }
}
