package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import kafkapipeline.grains.cassandra.Schema;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three silos started at the same instant against a fresh keyspace on the 3-node ring ({@link
 * ReplicatedEngines}, keyspace at RF 3) apply the schema once: one logs that it applied it, the
 * others that it was in place; afterwards every node reports one schema version (its own and its
 * peers') and every table of the keyspace has one id on every node, the fixed one.
 */
@Tag("cluster")
class ConcurrentMigrationTest {
  private static final int SILOS = 3;
  private static final String APPLIED = "Applied schema version " + Schema.version();

  @Test
  void threeSilosStartedAtOnceApplyTheSchemaOnceAndEveryNodeAgrees() throws Exception {
    ReplicatedEngines engines = ReplicatedEngines.shared();
    engines.session.execute(
        SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + Schema.KEYSPACE)
            .setTimeout(Duration.ofSeconds(60)));
    assertEquals(3, engines.session.getMetadata().getNodes().size());
    Map<String, String> env =
        Map.of(
            "FAKER_RATE",
            "0",
            "CASSANDRA_REPLICATION_FACTOR",
            "3",
            "KAFKA_REPLICATION_FACTOR",
            "3",
            "CASSANDRA_LOCAL_DC",
            kafkapipeline.launcher.CassandraEngine.LOCAL_DATACENTER);
    try (SiloCluster silos = new SiloCluster(engines, "concurrent-migration", SILOS, env)) {
      CountDownLatch ready = new CountDownLatch(SILOS);
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> starters = new ArrayList<>();
      for (int i = 0; i < SILOS; i++) {
        int silo = i;
        Thread t =
            new Thread(
                () -> {
                  ready.countDown();
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                  silos.start(silo);
                },
                "start-silo-" + (i + 1));
        t.start();
        starters.add(t);
      }
      ready.await();
      go.countDown();
      for (Thread t : starters) t.join();
      silos.awaitAllHealthy();

      Map<String, String> logs = silos.logs();
      assertEquals(SILOS, logs.size(), logs.keySet().toString());
      List<String> appliers = new ArrayList<>();
      for (Map.Entry<String, String> log : logs.entrySet()) {
        long applied = log.getValue().lines().filter(l -> l.contains(APPLIED)).count();
        long inPlace =
            log.getValue()
                .lines()
                .filter(l -> l.contains("Schema version " + Schema.version() + " is in place"))
                .count();
        assertEquals(
            1, applied + inPlace, log.getKey() + " said neither or both:\n" + log.getValue());
        if (applied == 1) appliers.add(log.getKey());
      }
      assertEquals(1, appliers.size(), "silos that applied the schema: " + appliers);

      engines.session.refreshSchema();
      assertOneSchemaVersionAndOneIdPerTable(engines.session);
      Map<String, String> replication =
          engines
              .session
              .execute(
                  "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'kafkapipeline'")
              .one()
              .getMap(0, String.class, String.class);
      assertEquals(
          "3",
          replication.get(kafkapipeline.launcher.CassandraEngine.LOCAL_DATACENTER),
          replication.toString());
      assertTrue(
          replication.get("class").endsWith("NetworkTopologyStrategy"), replication.toString());
    }
  }

  /** Asks every node itself: its own and its peers' schema versions, and the id of each table. */
  static void assertOneSchemaVersionAndOneIdPerTable(CqlSession session) {
    Set<String> versions = new HashSet<>();
    Map<String, Map<String, UUID>> tablesByNode = new TreeMap<>();
    for (Node node : session.getMetadata().getNodes().values()) {
      String name = node.getEndPoint().toString();
      versions.add(
          String.valueOf(
              session
                  .execute(
                      SimpleStatement.newInstance("SELECT schema_version FROM system.local")
                          .setNode(node))
                  .one()
                  .getUuid(0)));
      for (Row peer :
          session.execute(
              SimpleStatement.newInstance("SELECT schema_version FROM system.peers_v2")
                  .setNode(node))) {
        versions.add(String.valueOf(peer.getUuid(0)));
      }
      Map<String, UUID> tables = new TreeMap<>();
      for (Row t :
          session.execute(
              SimpleStatement.newInstance(
                      "SELECT table_name, id FROM system_schema.tables WHERE keyspace_name = ?",
                      Schema.KEYSPACE)
                  .setNode(node))) {
        tables.put(t.getString("table_name"), t.getUuid("id"));
      }
      tablesByNode.put(name, tables);
    }
    assertEquals(1, versions.size(), "schema versions: " + versions);
    assertEquals(session.getMetadata().getNodes().size(), tablesByNode.size());
    Map<String, UUID> first = tablesByNode.values().iterator().next();
    // Exactly the pipeline's own tables (no declarative source is added in this test).
    assertEquals(new java.util.TreeSet<>(Schema.tables()), first.keySet(), first.toString());
    for (Map.Entry<String, UUID> t : first.entrySet()) {
      assertEquals(Schema.tableId(t.getKey()), t.getValue(), t.getKey());
    }
    for (Map.Entry<String, Map<String, UUID>> node : tablesByNode.entrySet()) {
      assertEquals(first, node.getValue(), "tables of " + node.getKey());
    }
  }
}
