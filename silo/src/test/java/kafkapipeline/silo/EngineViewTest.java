package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * The engine view with no Kafka and no Cassandra: it answers within the probe budget while its
 * refresh hangs, lists the bootstrap broker as unknown until the refresh gives up and as down
 * after, and lists the contact points as unknown while no session is open; {@code /metrics} writes
 * its gauges. ({@code /api/health} carrying it is checked against real servers, in the tests
 * module.)
 */
class EngineViewTest {
  /** What the budget may overrun by on a busy machine; well under the refresh's own timeout. */
  private static final Duration SLACK = Duration.ofMillis(1500);

  private static final EngineView.Consistency CONSISTENCY =
      EngineView.Consistency.of(
          new kafkapipeline.grains.cassandra.Consistency.Levels(
              com.datastax.oss.driver.api.core.DefaultConsistencyLevel.LOCAL_QUORUM,
              com.datastax.oss.driver.api.core.DefaultConsistencyLevel.ONE));

  @Test
  void answersWithinTheBudgetAndShowsTheBrokerDownOnceTheRefreshGivesUp() throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    Admin admin = Admin.create(p);
    try {
      EngineView view =
          new EngineView(
              admin,
              () -> List.of("faker"),
              "127.0.0.1:1",
              List.of(InetSocketAddress.createUnresolved("127.0.0.1", 2)),
              "kafkapipeline",
              "datacenter1",
              Optional::empty,
              CONSISTENCY,
              Clock.systemUTC());
      long started = System.nanoTime();
      EngineView.Engines first = view.view().toCompletableFuture().get(10, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertTrue(took.compareTo(Connections.PROBE_ANSWER_WITHIN.plus(SLACK)) < 0, "took " + took);
      assertEquals(
          List.of(new KafkaBrokers.Broker(null, "127.0.0.1:1", "unknown", false)),
          first.kafka().brokers());
      assertFalse(first.kafka().answered());
      assertEquals(
          new EngineView.CassandraView(
              false,
              List.of(new CassandraNodes.NodeView("127.0.0.1:2", null, "unknown")),
              "kafkapipeline",
              null,
              CONSISTENCY),
          first.cassandra());

      // Each call waits at most the budget: polling it is waiting on the condition.
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      EngineView.Engines later = first;
      while (later.kafka().brokers().get(0).state().equals("unknown")
          && Instant.now().isBefore(deadline)) {
        long t = System.nanoTime();
        later = view.view().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Duration each = Duration.ofNanos(System.nanoTime() - t);
        assertTrue(each.compareTo(Connections.PROBE_ANSWER_WITHIN.plus(SLACK)) < 0, "took " + each);
      }
      assertEquals(
          List.of(new KafkaBrokers.Broker(null, "127.0.0.1:1", "down", false)),
          later.kafka().brokers());
      assertFalse(later.kafka().answered());
      assertNull(later.kafka().controller());
      String detail = later.kafka().detail();
      assertTrue(
          detail.startsWith("TimeoutException") || detail.startsWith("no answer within"), detail);
      assertTrue(
          later.kafka().asOf().isAfter(first.kafka().asOf()),
          later.kafka().asOf() + " vs " + first.kafka().asOf());
    } finally {
      // Without waiting for the calls the client still retries.
      admin.close(Duration.ZERO);
    }
  }

  @Test
  void metricsHaveOneGaugePerBrokerAndNodeTheFactorAndTheConsistency() {
    Instant now = Instant.parse("2025-01-01T00:00:10Z");
    EngineView.Engines engines =
        new EngineView.Engines(
            new EngineView.KafkaView(
                now.minusSeconds(4),
                true,
                "1 of 2 broker(s) up",
                1,
                List.of(
                    new KafkaBrokers.Broker(1, "127.0.0.1:9092", "up", true),
                    new KafkaBrokers.Broker(2, "127.0.0.2:9092", "down", false))),
            new EngineView.CassandraView(
                true,
                List.of(
                    new CassandraNodes.NodeView("127.0.0.1:9042", "datacenter1", "up"),
                    new CassandraNodes.NodeView("127.0.0.2:9042", "datacenter1", "down")),
                "kafkapipeline",
                new CassandraNodes.Replication(
                    "NetworkTopologyStrategy", 3, Map.of("datacenter1", 3)),
                new EngineView.Consistency("LOCAL_QUORUM", "LOCAL_ONE", "settings")));
    StringBuilder out = new StringBuilder();
    MetricsRoutes.engines(out, engines, now);
    List<String> samples = out.toString().lines().filter(l -> !l.startsWith("#")).toList();
    assertEquals(
        List.of(
            "pipeline_kafka_broker_up{address=\"127.0.0.1:9092\",broker=\"1\"} 1",
            "pipeline_kafka_broker_up{address=\"127.0.0.2:9092\",broker=\"2\"} 0",
            "pipeline_kafka_controller 1",
            "pipeline_kafka_view_age_seconds 4",
            "pipeline_cassandra_node_up{datacenter=\"datacenter1\",node=\"127.0.0.1:9042\"} 1",
            "pipeline_cassandra_node_up{datacenter=\"datacenter1\",node=\"127.0.0.2:9042\"} 0",
            "pipeline_cassandra_replication_factor{keyspace=\"kafkapipeline\",strategy=\"NetworkTopologyStrategy\"} 3",
            "pipeline_cassandra_consistency_info{level=\"LOCAL_QUORUM\",operation=\"write\"} 1",
            "pipeline_cassandra_consistency_info{level=\"LOCAL_ONE\",operation=\"read\"} 1"),
        samples);
    // Every sample's family is announced once, before it.
    for (String family :
        List.of(
            "pipeline_kafka_broker_up",
            "pipeline_cassandra_node_up",
            "pipeline_cassandra_replication_factor",
            "pipeline_cassandra_consistency_info")) {
      assertEquals(
          1,
          out.toString().lines().filter(l -> l.equals("# TYPE " + family + " gauge")).count(),
          family);
    }
  }
}
