package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import kafkapipeline.launcher.CassandraEngine;
import kafkapipeline.launcher.CassandraRing;
import kafkapipeline.launcher.Engine;
import kafkapipeline.launcher.KafkaEngine;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The replicated shape ({@link ReplicatedEngines}, started once): three brokers that are three
 * quorum voters and replicate at 3 with min ISR 2, a ring of three nodes that see each other,
 * QUORUM writes readable through every node, a killed Cassandra node that rejoins and holds, by
 * itself, the rows written while it was down (hints), and a killed broker that rejoins: acks=all
 * writes go on without it and are all read back after its restart, and are refused below min ISR.
 * Prints start time and RSS of every server process.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicatedEnginesTest {
  private static final String KEYSPACE = "replicated_engines_test";
  private static final int ROWS = 100;
  private static ReplicatedEngines engines;

  @BeforeAll
  static void start() {
    long started = System.nanoTime();
    engines = ReplicatedEngines.shared();
    System.out.printf(
        "replicated engines up in %.1f s (ring %.1f s, Kafka %.1f s, started together)%n",
        (System.nanoTime() - started) / 1e9,
        engines.cassandra.lastStartupTime().toMillis() / 1e3,
        engines.kafka.lastStartupTime().toMillis() / 1e3);
    printProcesses();
  }

  @Test
  @Order(1)
  void threeBrokersAreThreeVotersAndReplicateAtThreeWithMinIsrTwo() throws Exception {
    assertEquals(
        Set.of(1, 2, 3),
        engines.admin.describeCluster().nodes().get().stream()
            .map(org.apache.kafka.common.Node::id)
            .collect(Collectors.toSet()));
    assertEquals(
        Set.of(1, 2, 3),
        engines.admin.describeMetadataQuorum().quorumInfo().get().voters().stream()
            .map(v -> v.replicaId())
            .collect(Collectors.toSet()));
    for (KafkaEngine broker : engines.kafka.nodes()) {
      ConfigResource resource =
          new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(broker.nodeId()));
      var config = engines.admin.describeConfigs(List.of(resource)).all().get().get(resource);
      for (String key :
          List.of(
              "default.replication.factor",
              "offsets.topic.replication.factor",
              "transaction.state.log.replication.factor")) {
        assertEquals("3", config.get(key).value(), key + " of broker " + broker.nodeId());
      }
      assertEquals("2", config.get("min.insync.replicas").value());
      assertEquals("2", config.get("transaction.state.log.min.isr").value());
    }
    String topic = "replicated-engines-rf3";
    engines.admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3))).all().get();
    Await.until(Duration.ofSeconds(30), () -> allInSync(topic), () -> describe(topic).toString());
    // Each call may go to another broker, and one may learn of the new topic a moment after the
    // others: ask until one knows it, and check the answer that broker gave.
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    AtomicReference<String> minIsr = new AtomicReference<>();
    Await.until(
        Duration.ofSeconds(30),
        () -> {
          minIsr.set(topicMinIsr(resource));
          return minIsr.get() != null;
        },
        () -> "no config for " + topic);
    assertEquals("2", minIsr.get());
  }

  private static String topicMinIsr(ConfigResource resource) {
    try {
      return engines
          .admin
          .describeConfigs(List.of(resource))
          .all()
          .get(10, TimeUnit.SECONDS)
          .get(resource)
          .get("min.insync.replicas")
          .value();
    } catch (Exception e) {
      return null;
    }
  }

  @Test
  @Order(2)
  void everyRingNodeSeesTheOthersWithTheirFixedTokens() {
    Map<java.util.UUID, Node> nodes = engines.session.getMetadata().getNodes();
    assertEquals(3, nodes.size());
    for (Node node : nodes.values()) assertEquals(NodeState.UP, node.getState(), node.toString());
    TreeSet<String> tokens = new TreeSet<>();
    for (Node node : nodes.values()) {
      var peers =
          engines
              .session
              .execute(
                  SimpleStatement.newInstance("SELECT peer FROM system.peers_v2").setNode(node))
              .all();
      assertEquals(2, peers.size(), "peers of " + node);
      tokens.addAll(
          engines
              .session
              .execute(SimpleStatement.newInstance("SELECT tokens FROM system.local").setNode(node))
              .one()
              .getSet("tokens", String.class));
    }
    assertEquals(new TreeSet<>(CassandraRing.tokens(3)), tokens);
  }

  @Test
  @Order(3)
  void quorumWritesAtReplicationThreeAreReadableThroughEveryNode() {
    engines.session.execute(
        "CREATE KEYSPACE IF NOT EXISTS "
            + KEYSPACE
            + " WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 3}");
    engines.session.execute(
        SimpleStatement.newInstance(
                "CREATE TABLE IF NOT EXISTS " + KEYSPACE + ".rows (id int PRIMARY KEY, v text)")
            .setTimeout(Duration.ofSeconds(30)));
    for (int i = 0; i < ROWS; i++) {
      engines.session.execute(
          SimpleStatement.newInstance(
                  "INSERT INTO " + KEYSPACE + ".rows (id, v) VALUES (?, ?)", i, "v" + i)
              .setConsistencyLevel(ConsistencyLevel.QUORUM));
    }
    for (Node node : engines.session.getMetadata().getNodes().values()) {
      assertEquals(
          ROWS, countThrough(node, ConsistencyLevel.QUORUM), "rows read at QUORUM through " + node);
    }
  }

  @Test
  @Order(4)
  void aKilledCassandraNodeRejoinsAndQuorumWritesGoOnWithoutIt() {
    CassandraEngine victim = engines.cassandra.node(3);
    victim.kill();
    // Two of three replicas answer: QUORUM writes go on while the node is down.
    for (int i = ROWS; i < ROWS + 10; i++) {
      engines.session.execute(
          SimpleStatement.newInstance(
                  "INSERT INTO " + KEYSPACE + ".rows (id, v) VALUES (?, ?)", i, "v" + i)
              .setConsistencyLevel(ConsistencyLevel.QUORUM));
    }
    long started = System.nanoTime();
    engines.cassandraUp();
    System.out.printf(
        "Cassandra node 3 killed, restarted and back in the ring in %.1f s%n",
        (System.nanoTime() - started) / 1e9);
    Await.until(
        Duration.ofSeconds(30),
        () ->
            engines.session.getMetadata().getNodes().values().stream()
                .allMatch(n -> n.getState() == NodeState.UP),
        () -> engines.session.getMetadata().getNodes().toString());
    // The restarted node itself must hold the 10 rows written while it was down: the live nodes
    // kept them as hints and replay them to it once they see it up, which takes seconds (hence
    // the wait). Read by node 3 alone at ONE, before any QUORUM read: a QUORUM read that met
    // node 3 would repair the rows onto it and hide hints that never came.
    Node restarted = NodeAloneRead.node(engines.session, victim.host());
    Set<Integer> all = new TreeSet<>();
    for (int i = 0; i < ROWS + 10; i++) all.add(i);
    long backAt = System.nanoTime();
    AtomicReference<NodeAloneRead.Result<Integer>> alone = new AtomicReference<>();
    List<Long> heldFirst = new java.util.ArrayList<>();
    Await.until(
        Duration.ofSeconds(60),
        () -> {
          alone.set(
              NodeAloneRead.read(
                  engines.session,
                  restarted,
                  "SELECT id FROM " + KEYSPACE + ".rows",
                  r -> r.getInt("id"),
                  Duration.ofSeconds(30)));
          if (heldFirst.isEmpty())
            heldFirst.add(alone.get().values().stream().filter(id -> id >= ROWS).count());
          return alone.get().values().equals(all);
        },
        () -> {
          Set<Integer> missing = new TreeSet<>(all);
          missing.removeAll(alone.get() == null ? Set.of() : alone.get().values());
          return "node 3 alone lacks rows " + missing;
        });
    System.out.printf(
        "Cassandra node 3 alone holds all %d rows, the 10 written while it was down included, "
            + "%.1f s after it was back (%d of the 10 at the first look; pages read again because "
            + "another replica served them: %d)%n",
        all.size(),
        (System.nanoTime() - backAt) / 1e9,
        heldFirst.get(0),
        alone.get().pagesReadAgain());
    for (Node node : engines.session.getMetadata().getNodes().values()) {
      assertEquals(
          ROWS + 10,
          countThrough(node, ConsistencyLevel.QUORUM),
          "rows read at QUORUM through " + node);
    }
  }

  @Test
  @Order(5)
  void aKilledBrokerRejoinsAcksAllWritesGoOnWithoutItAndFailBelowMinIsr() throws Exception {
    String topic = "replicated-engines-rf3";
    // Replicas on brokers 1 and 2 only: with broker 2 down its ISR is 1, below the brokers'
    // min.insync.replicas of 2, as an RF 3 topic's is with two of three brokers down (which would
    // also take the controller quorum, three voters on the same nodes, down with them).
    String narrow = "replicated-engines-rf2";
    engines
        .admin
        .createTopics(List.of(new NewTopic(narrow, Map.of(0, List.of(2, 1), 1, List.of(1, 2)))))
        .all()
        .get();
    Await.until(Duration.ofSeconds(30), () -> inSync(narrow, 2), () -> describe(narrow).toString());
    Map<String, String> acked = new TreeMap<>(); // topic/key -> value, as acknowledged
    try (KafkaProducer<String, String> producer = producer(true)) {
      for (int partition = 0; partition < 2; partition++)
        send(producer, narrow, partition, "before-" + partition, acked);
    }

    engines.kafka.node(2).kill();
    // The controller fences broker 2 when its session lapses and takes it out of every ISR.
    Await.until(
        Duration.ofSeconds(60),
        () -> isrSizes(narrow).equals(List.of(1, 1)),
        () -> describe(narrow).toString());
    try (KafkaProducer<String, String> producer = producer(true)) {
      // Min ISR 2 of RF 3: acks=all writes are accepted with one broker down.
      for (int partition = 0; partition < 3; partition++)
        for (int i = 0; i < 10; i++)
          send(producer, topic, partition, "down-" + partition + "-" + i, acked);
    }
    // Below min ISR they are refused before they are appended: NOT_ENOUGH_REPLICAS, seen as it
    // is (no retries, so no record is sent twice and none is acknowledged later).
    List<String> refused = new java.util.ArrayList<>();
    try (KafkaProducer<String, String> producer = producer(false)) {
      for (int p = 0; p < 2; p++) {
        int partition = p;
        for (int i = 0; i < 5; i++) {
          String key = "refused-" + partition + "-" + i;
          ExecutionException e =
              assertThrows(
                  ExecutionException.class,
                  () ->
                      producer
                          .send(new ProducerRecord<>(narrow, partition, key, key))
                          .get(60, TimeUnit.SECONDS),
                  key + " was acknowledged with ISR 1 of min 2");
          assertInstanceOf(NotEnoughReplicasException.class, e.getCause(), key);
          refused.add(narrow + "/" + key);
        }
      }
    }

    long started = System.nanoTime();
    engines.kafkaUp();
    Await.until(Duration.ofSeconds(60), () -> allInSync(topic), () -> describe(topic).toString());
    Await.until(Duration.ofSeconds(60), () -> inSync(narrow, 2), () -> describe(narrow).toString());
    System.out.printf(
        "Kafka node 2 killed, restarted and back in every ISR in %.1f s%n",
        (System.nanoTime() - started) / 1e9);
    // Exactly the acknowledged records, each once, are in the topics; none of the refused ones.
    Map<String, String> read = readAll(topic);
    read.putAll(readAll(narrow));
    assertEquals(acked, read, "records read back after the restart");
    System.out.printf(
        "acks=all: %d records acknowledged (%d of them with broker 2 down, at ISR 2 of min 2), "
            + "all %d read back after its restart, each once; %d refused with "
            + "NotEnoughReplicasException at ISR 1 of min 2, none read back%n",
        acked.size(), acked.size() - 2, read.size(), refused.size());
    printProcesses();
  }

  private static KafkaProducer<String, String> producer(boolean retries) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engines.kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    if (!retries) {
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
      p.put(ProducerConfig.RETRIES_CONFIG, 0);
    }
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /** Sends one record and waits for its acknowledgement; records it as topic/key -> value. */
  private static void send(
      KafkaProducer<String, String> producer,
      String topic,
      int partition,
      String key,
      Map<String, String> acked)
      throws Exception {
    String value = key + " at " + System.nanoTime();
    producer.send(new ProducerRecord<>(topic, partition, key, value)).get(60, TimeUnit.SECONDS);
    acked.put(topic + "/" + key, value);
  }

  /**
   * Every record of the topic, topic/key -> value, read from the start to the end offsets; fails on
   * a key seen twice.
   */
  private static Map<String, String> readAll(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, engines.kafka.bootstrapServers());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, String> out = new TreeMap<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          describe(topic).partitions().stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline)
          throw new AssertionError(topic + ": not read to " + end + " within 60 s: " + out);
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
          String previous = out.put(topic + "/" + r.key(), r.value());
          assertEquals(null, previous, topic + "/" + r.key() + " read twice");
        }
      }
    }
    return out;
  }

  private static List<Integer> isrSizes(String topic) {
    try {
      return describe(topic).partitions().stream().map(p -> p.isr().size()).toList();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private static boolean inSync(String topic, int replicas) {
    return isrSizes(topic).stream().allMatch(n -> n == replicas) && !isrSizes(topic).isEmpty();
  }

  private static long countThrough(Node node, ConsistencyLevel level) {
    return engines
        .session
        .execute(
            SimpleStatement.newInstance("SELECT count(*) FROM " + KEYSPACE + ".rows")
                .setNode(node)
                .setConsistencyLevel(level)
                .setTimeout(Duration.ofSeconds(20)))
        .one()
        .getLong(0);
  }

  private static boolean allInSync(String topic) {
    try {
      return describe(topic).partitions().stream()
          .allMatch(p -> p.isr().size() == 3 && p.leader() != null);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static TopicDescription describe(String topic) {
    try {
      return engines
          .admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(10, TimeUnit.SECONDS)
          .get(topic);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void printProcesses() {
    for (Engine engine : List.<Engine>copyOf(engines.cassandra.nodes())) print(engine);
    for (Engine engine : List.<Engine>copyOf(engines.kafka.nodes())) print(engine);
  }

  private static void print(Engine engine) {
    System.out.printf(
        "  %-18s pid %-7d last start %5.1f s   RSS %s MiB%n",
        engine,
        engine.process().pid(),
        engine.lastStartupTime().toMillis() / 1e3,
        engine.process().rssKb().stream()
            .mapToObj(kb -> String.valueOf(kb / 1024))
            .findFirst()
            .orElse("?"));
  }
}
