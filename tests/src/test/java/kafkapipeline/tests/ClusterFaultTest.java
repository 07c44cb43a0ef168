package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.launcher.CassandraEngine;
import kafkapipeline.launcher.KafkaEngine;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Faults on the replicated shape: three KRaft brokers and a three-node Cassandra ring (RF 3,
 * topics at min ISR 2, rows at LOCAL_QUORUM), three silos, 50,000 fake people at a steady rate.
 * A broker or a Cassandra node is SIGKILLed mid-stream and restarted later; each test ends with
 * exactly the produced ids in {@code fakerdata}, no dead letter, no write that failed for good
 * (every failed write attempt was retried), and every silo up. Each prints what
 * the fault cost. The set of servers is started once per run ({@link ReplicatedEngines#shared()}).
 */
@Tag("cluster")
class ClusterFaultTest {
  private static final int PEOPLE = 50_000;
  private static final int RATE = 1_500;

  private final ReplicatedEngines engines = ReplicatedEngines.shared();

  @BeforeEach
  void startFromNothing() throws Exception {
    FakerTable.reset(engines);
  }

  @AfterEach
  void everyServerBackForTheNextTest() {
    engines.cassandraUp();
    engines.kafkaUp();
  }

  /** A fault injected mid-stream; returns what happened, for the report. */
  private interface Fault {
    String inject(SiloCluster silos) throws Exception;
  }

  private void exactlyTheProducedRowsDespite(String name, Fault fault) throws Exception {
    long seed = ThreadLocalRandom.current().nextLong();
    long started = System.nanoTime();
    Map<String, String> env = Map.of("FAKER_SEED", Long.toString(seed), "FAKER_RATE", Integer.toString(RATE),
        "FAKER_LIMIT", Integer.toString(PEOPLE));
    try (SiloCluster silos = new SiloCluster(engines, "cluster-" + name.replaceAll("\\W+", "-"), 3, env)) {
      silos.startAll();
      silos.awaitAllHealthy();
      FakerTable.awaitRows(engines.session, 10_000, Duration.ofMinutes(3));
      String what = fault.inject(silos);
      FakerTable.awaitRows(engines.session, PEOPLE, Duration.ofMinutes(4));
      FakerTable.assertExactlyTheProducedPeople(engines.session, seed, PEOPLE);
      assertEquals(0, FakerTable.deadLetters(engines.session, Topics.FAKER), "dead letters");
      for (int i = 0; i < silos.size(); i++) assertTrue(silos.isHealthy(i), "silo " + (i + 1) + " is not healthy");
      long written = silos.sum(PipelineMetrics.ROWS_WRITTEN, "fakerdata");
      long failedAttempts = silos.sum(PipelineMetrics.WRITE_ERRORS, "fakerdata");
      long retries = silos.sum(PipelineMetrics.WRITE_RETRIES, "fakerdata");
      // Every failed attempt counts as an error; one that was not followed by a retry failed for good.
      assertEquals(failedAttempts, retries, "write errors that were not retried");
      long restarts = silos.sum(PipelineMetrics.CONSUMER_RESTARTS, Topics.FAKER);
      System.out.printf("[cluster] %s: produced %d, rows %d, rows written %d (replayed %d), write retries %d, consumer restarts %d, %s, total %.1f s%n",
          name, PEOPLE, FakerTable.count(engines.session), written, written - PEOPLE, retries, restarts, what, (System.nanoTime() - started) / 1e9);
    }
  }

  @Test
  void theBrokerLeadingMostFakerPartitionsKilledMidStream() throws Exception {
    exactlyTheProducedRowsDespite("SIGKILL the busiest broker", silos -> {
      int leader = busiestLeader();
      KafkaEngine broker = engines.kafka.node(leader);
      long rowsAtKill = FakerTable.count(engines.session);
      broker.kill();
      long killedAt = System.nanoTime();
      assertTrue(rowsAtKill < PEOPLE, "the stream ended before the kill: " + rowsAtKill);
      // The other two brokers take over its partitions (min ISR 2 of RF 3 still holds) and rows go on.
      FakerTable.awaitRows(engines.session, rowsAtKill + 5_000, Duration.ofMinutes(2));
      double goingOn = (System.nanoTime() - killedAt) / 1e9;
      assertTrue(busiestLeader() != leader, "broker " + leader + " still leads partitions after its death");
      // Every silo's health lists the dead broker down and the others up.
      EngineStates.awaitBrokers(silos.httpPort(0), brokers(leader), Duration.ofSeconds(60));
      broker.start();
      engines.kafka.awaitAllBrokers(Duration.ofMinutes(2));
      EngineStates.awaitBrokers(silos.httpPort(0), brokers(-1), Duration.ofSeconds(60));
      return String.format("broker %d killed at %d rows; 5,000 more rows %.1f s later; restarted", leader, rowsAtKill, goingOn);
    });
  }

  @Test
  void aCassandraNodeKilledMidStreamCatchesUpByHints() throws Exception {
    exactlyTheProducedRowsDespite("SIGKILL one Cassandra node", silos -> {
      // Not the first node: the test's own session uses it as its contact point.
      CassandraEngine node = engines.cassandra.node(engines.cassandra.nodes().size());
      long rowsAtKill = FakerTable.count(engines.session);
      node.kill();
      long killedAt = System.nanoTime();
      FakerTable.awaitRows(engines.session, rowsAtKill + 5_000, Duration.ofMinutes(2));
      double goingOn = (System.nanoTime() - killedAt) / 1e9;
      // Hints are buffered and flushed to files every 10 s (hints_flush_period).
      int live = engines.cassandra.nodes().size() - 1;
      Await.until(Duration.ofMinutes(1), () -> pendingHints(live) > 0, () -> "the live nodes keep no hints for the dead one");
      long hintsWhileDown = pendingHints(live);
      EngineStates.awaitNodes(silos.httpPort(0), nodes(node), Duration.ofSeconds(60));
      node.start();
      long restartedAt = System.nanoTime();
      // Hinted handoff: the live nodes replay what the dead node missed, then drop their hints.
      // Zero counts only when every node answered: a node that does not answer is no proof.
      int all = engines.cassandra.nodes().size();
      Await.until(Duration.ofMinutes(3), () -> pendingHints(all) == 0, () -> pendingHints(all) + " hints still pending (-1: a node did not answer)");
      EngineStates.awaitNodes(silos.httpPort(0), nodes(null), Duration.ofSeconds(60));
      return String.format("node %s killed at %d rows; 5,000 more rows %.1f s later at LOCAL_QUORUM; %d hint files pending "
              + "while down, all delivered %.1f s after the restart", node.contactPoint(), rowsAtKill, goingOn,
          hintsWhileDown, (System.nanoTime() - restartedAt) / 1e9);
    });
  }

  /** The broker id that leads the most {@code faker} partitions now. */
  private int busiestLeader() throws Exception {
    TopicDescription faker = engines.admin.describeTopics(List.of(Topics.FAKER)).allTopicNames().get().get(Topics.FAKER);
    Map<Integer, Integer> leads = new HashMap<>();
    for (TopicPartitionInfo p : faker.partitions()) {
      if (p.leader() != null) leads.merge(p.leader().id(), 1, Integer::sum);
    }
    return leads.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
  }

  /** Every broker of the set up, except {@code down} (an id, or -1 for none). */
  private Map<String, String> brokers(int down) {
    Map<String, String> states = new TreeMap<>();
    for (int id = 1; id <= engines.kafka.nodes().size(); id++) states.put(String.valueOf(id), id == down ? "down" : "up");
    return states;
  }

  /** Every ring node up, except {@code down} (or null for none), keyed host:port as the health lists them. */
  private Map<String, String> nodes(CassandraEngine down) {
    Map<String, String> states = new TreeMap<>();
    for (CassandraEngine n : engines.cassandra.nodes()) states.put(n.contactPoint(), n == down ? "down" : "up");
    return states;
  }

  /**
   * Hint files the nodes hold for others (Cassandra 5.0's {@code system_views.pending_hints}),
   * or -1 when fewer than {@code mustAnswer} nodes answered.
   */
  private long pendingHints(int mustAnswer) {
    long total = 0;
    int answered = 0;
    for (Node node : engines.session.getMetadata().getNodes().values()) {
      try {
        for (Row row : engines.session.execute(SimpleStatement.newInstance("SELECT files FROM system_views.pending_hints")
            .setNode(node).setTimeout(Duration.ofSeconds(5)))) {
          total += row.getInt("files");
        }
        answered++;
      } catch (RuntimeException e) {
        // The dead node does not answer; the caller says how many must.
      }
    }
    if (answered < mustAnswer) return -1;
    return total;
  }
}
