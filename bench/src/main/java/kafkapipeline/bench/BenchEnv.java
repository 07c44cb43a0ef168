package kafkapipeline.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafkapipeline.grains.cassandra.Schema;
import kafkapipeline.launcher.CassandraEngine;
import kafkapipeline.launcher.CassandraRing;
import kafkapipeline.launcher.KafkaCluster;
import kafkapipeline.launcher.Ports;
import kafkapipeline.launcher.ProjectLayout;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The servers of one bench run: {@code replicas} real Kafka brokers and Cassandra nodes started by
 * the launcher on free ports under {@code dataDir} (durable mode, the launcher's default heaps; one
 * of each by default), the schema applied at RF min(3, N), and a driver session (at LOCAL_QUORUM,
 * as the silos write) and an admin client for the harness.
 *
 * <p>Guarantees: when the constructor returns, every server answers and {@code fakerdata} exists;
 * {@link #close()} stops Kafka, then Cassandra, and leaves no process behind (the launcher's
 * shutdown hook also does so if the harness is interrupted).
 */
final class BenchEnv implements AutoCloseable {
  final Path dataDir;
  final ProjectLayout layout;
  final CassandraRing cassandra;
  final KafkaCluster kafka;
  final CqlSession session;
  final Admin admin;

  BenchEnv(ProjectLayout layout, Path dataDir, int replicas) {
    this.layout = layout;
    this.dataDir = dataDir;
    this.cassandra =
        CassandraRing.start(
            layout,
            CassandraRing.Options.defaults(dataDir, replicas)
                .withPorts(Ports.freePort(), Ports.freePort()));
    List<KafkaCluster.NodeAddress> brokers = new ArrayList<>();
    for (int i = 0; i < replicas; i++)
      brokers.add(new KafkaCluster.NodeAddress(Ports.HOST, Ports.freePort(), Ports.freePort()));
    this.kafka =
        KafkaCluster.start(
            layout, KafkaCluster.Options.defaults(dataDir, replicas).withNodes(brokers));
    CqlSessionBuilder builder =
        CqlSession.builder().withLocalDatacenter(CassandraEngine.LOCAL_DATACENTER);
    for (CassandraEngine node : cassandra.nodes()) {
      builder.addContactPoint(new InetSocketAddress(node.host(), node.nativePort()));
    }
    this.session =
        builder
            .withConfigLoader(
                DriverConfigLoader.programmaticBuilder()
                    .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                    .withInt(DefaultDriverOption.CONNECTION_MAX_REQUESTS, 2048)
                    .withInt(DefaultDriverOption.REQUEST_PAGE_SIZE, 5000)
                    // The silos' default: the raw writer and the baseline pay what the pipeline
                    // pays.
                    .withString(DefaultDriverOption.REQUEST_CONSISTENCY, "LOCAL_QUORUM")
                    .build())
            .build();
    Schema.migrate(
            session,
            new Schema.Settings(
                CassandraEngine.LOCAL_DATACENTER,
                replicationFactor(),
                Duration.ofSeconds(30),
                Duration.ofSeconds(120)),
            "bench")
        .toCompletableFuture()
        .join();
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    this.admin = Admin.create(p);
  }

  /** Of the keyspace and the topics: min(3, N). */
  int replicationFactor() {
    return cassandra.options().replicationFactor();
  }

  /** Creates {@code topic} and returns once every partition has a leader. */
  void createTopic(String topic, int partitions) {
    try {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, partitions, (short) replicationFactor())
                      .configs(
                          Map.of(
                              "min.insync.replicas",
                              String.valueOf(kafka.options().minInSyncReplicas())))))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException))
        throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + topic, e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!allLeadersElected(topic)) {
      if (System.nanoTime() > deadline)
        throw new IllegalStateException("topic " + topic + " has no leaders after 60 s");
      Sampler.sleep(200);
    }
  }

  private boolean allLeadersElected(String topic) {
    try {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(10, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .stream()
          .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    } catch (Exception e) {
      return false;
    }
  }

  /** Empties {@code fakerdata} (no snapshot: the launcher turns auto_snapshot off). */
  void truncate() {
    session.execute(
        SimpleStatement.newInstance("TRUNCATE " + Schema.KEYSPACE + ".fakerdata")
            .setTimeout(Duration.ofSeconds(60)));
  }

  /**
   * Rows in {@code fakerdata}, counted client-side over pages of ids: a server-side {@code
   * count(*)} over a million rows runs into the server's read timeout.
   */
  long countRows() {
    long rows = 0;
    for (var ignored :
        session.execute(
            SimpleStatement.newInstance("SELECT id FROM " + Schema.KEYSPACE + ".fakerdata")
                .setPageSize(5000)
                .setTimeout(Duration.ofSeconds(30)))) {
      rows++;
    }
    return rows;
  }

  /**
   * Sets the committed offsets of {@code group} on every partition of {@code topic} to the start
   * ({@code fromStart}) or the end of the log. The group must have no running member.
   */
  void resetGroup(String group, String topic, boolean fromStart) {
    try {
      int partitions =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        specs.put(
            new TopicPartition(topic, p), fromStart ? OffsetSpec.earliest() : OffsetSpec.latest());
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      admin
          .listOffsets(specs)
          .all()
          .get()
          .forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
      admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot reset group " + group + " on " + topic + ": " + e, e);
    }
  }

  /**
   * Waits until {@code group} has committed every record of {@code topic}: the pipeline commits an
   * offset only after its rows are written, so then every row is in the table. (Its {@code
   * rows_written} counter alone can reach the total early: rows written twice after a rebalance
   * count twice.)
   */
  void awaitCommitted(String group, String topic, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long behind = -1;
    try {
      int partitions =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      for (int p = 0; p < partitions; p++)
        specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(specs).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        behind = 0;
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
          OffsetAndMetadata c = committed.get(end.getKey());
          behind += end.getValue() - (c == null ? 0 : c.offset());
        }
        if (behind == 0) return;
        Sampler.sleep(200);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the offsets of group " + group + ": " + e, e);
    }
    throw new IllegalStateException(
        "group "
            + group
            + " still "
            + behind
            + " records behind after "
            + timeout.toSeconds()
            + " s");
  }

  @Override
  public void close() {
    try {
      admin.close(Duration.ofSeconds(5));
      session.close();
    } finally {
      kafka.close();
      cassandra.close();
    }
  }
}
