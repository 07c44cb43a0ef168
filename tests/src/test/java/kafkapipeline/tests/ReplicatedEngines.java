package kafkapipeline.tests;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import kafkapipeline.launcher.CassandraEngine;
import kafkapipeline.launcher.CassandraRing;
import kafkapipeline.launcher.KafkaCluster;
import kafkapipeline.launcher.KafkaEngine;
import kafkapipeline.launcher.Ports;
import org.apache.kafka.clients.admin.Admin;

/**
 * The replicated servers the cluster tests share: a Kafka cluster of three KRaft nodes and a
 * Cassandra ring of three nodes (512m heap each, Cassandra's fast test mode), started at most
 * once per JVM on free ports in a fresh temporary folder, stopped when the JVM exits. The
 * single-node {@link Engines#shared()} is separate and unchanged.
 *
 * <p>{@link #shared(Placement)} chooses the addresses (e.g. bridge addresses for silos in network
 * namespaces); asking again with another placement fails, since one JVM holds one set. A test
 * that stops or kills a node must bring it back ({@link #cassandraUp()}, {@link #kafkaUp()})
 * so the next test finds the whole set.
 */
final class ReplicatedEngines {

  /**
   * Where the nodes listen.
   *
   * @param cassandraHosts node i of the ring on {@code cassandraHosts[i-1]} (distinct local addresses)
   * @param kafkaHosts broker i on {@code kafkaHosts[i-1]} (may repeat: brokers get distinct ports)
   */
  record Placement(List<String> cassandraHosts, List<String> kafkaHosts) {
    Placement {
      cassandraHosts = List.copyOf(cassandraHosts);
      kafkaHosts = List.copyOf(kafkaHosts);
    }

    /** Ring on 127.0.0.1..3, brokers on 127.0.0.1. */
    static Placement loopback() {
      return new Placement(CassandraRing.loopbackHosts(3), List.of(Ports.HOST, Ports.HOST, Ports.HOST));
    }
  }

  private static ReplicatedEngines shared;

  final Placement placement;
  final Path dataDir;
  final KafkaCluster kafka;
  final CassandraRing cassandra;
  /** A session with every ring node as contact point. */
  final CqlSession session;
  final Admin admin;

  private ReplicatedEngines(Placement placement, Path dataDir, KafkaCluster kafka, CassandraRing cassandra) {
    this.placement = placement;
    this.dataDir = dataDir;
    this.kafka = kafka;
    this.cassandra = cassandra;
    List<InetSocketAddress> contacts = new ArrayList<>();
    for (CassandraEngine node : cassandra.nodes()) contacts.add(new InetSocketAddress(node.host(), node.nativePort()));
    this.session = Engines.session(contacts);
    this.admin = Engines.admin(kafka.bootstrapServers());
  }

  /** The set on {@link Placement#loopback()}. */
  static ReplicatedEngines shared() {
    return shared(Placement.loopback());
  }

  /**
   * The set on {@code placement}, started on first use.
   *
   * @throws IllegalStateException if this JVM already runs the set on another placement
   */
  static synchronized ReplicatedEngines shared(Placement placement) {
    if (shared != null) {
      if (!shared.placement.equals(placement)) {
        throw new IllegalStateException("the replicated engines already run on " + shared.placement
            + "; one JVM holds one set, asked for " + placement);
      }
      return shared;
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("pipeline-replicated-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    int cql = portFreeOnAll(placement.cassandraHosts(), List.of());
    int storage = portFreeOnAll(placement.cassandraHosts(), List.of(cql));
    List<Integer> taken = new ArrayList<>(List.of(cql, storage));
    List<KafkaCluster.NodeAddress> brokers = new ArrayList<>();
    for (String host : placement.kafkaHosts()) {
      int port = portFreeOnAll(List.of(host), taken);
      taken.add(port);
      int controller = portFreeOnAll(List.of(host), taken);
      taken.add(controller);
      brokers.add(new KafkaCluster.NodeAddress(host, port, controller));
    }
    // Both start at once: the slow part is each JVM's start, and the ring and the brokers do
    // not depend on each other.
    var ringStart = java.util.concurrent.CompletableFuture.supplyAsync(() -> CassandraRing.start(
        CassandraRing.Options.defaults(dir, placement.cassandraHosts().size())
            .withHosts(placement.cassandraHosts())
            .withPorts(cql, storage)
            .withMemory("512m", "128m")
            .withFastTestMode(true)));
    KafkaCluster kafka;
    CassandraRing ring;
    try {
      kafka = KafkaCluster.start(KafkaCluster.Options.defaults(dir, brokers.size()).withNodes(brokers));
    } catch (RuntimeException e) {
      ringStart.thenAccept(CassandraRing::close);
      throw e;
    }
    try {
      ring = ringStart.join();
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    shared = new ReplicatedEngines(placement, dir, kafka, ring);
    Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "replicated-engines-stop"));
    return shared;
  }

  /** Starts every ring node a test stopped or killed and waits until the ring is whole again. */
  void cassandraUp() {
    for (CassandraEngine node : cassandra.nodes()) if (!node.isRunning()) node.start();
    cassandra.awaitRingUp(Duration.ofMinutes(2));
  }

  /** Starts every broker a test stopped or killed and waits until all are listed again. */
  void kafkaUp() {
    for (KafkaEngine broker : kafka.nodes()) if (!broker.isRunning()) broker.start();
    kafka.awaitAllBrokers(Duration.ofMinutes(2));
  }

  /** A port free on every one of {@code hosts} and not in {@code besides}. */
  private static int portFreeOnAll(List<String> hosts, List<Integer> besides) {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = Ports.freePort();
      if (!besides.contains(port) && hosts.stream().allMatch(h -> Ports.isFree(h, port))) return port;
    }
    throw new IllegalStateException("no port free on all of " + hosts + " after 100 tries");
  }

  private boolean stopped;

  /**
   * Stops every server now (also done by the shutdown hook; stopping twice does nothing). For a
   * JVM whose only user of the set is done with it and must stop it before what it listens on
   * goes away (the partition test's bridge).
   */
  synchronized void stop() {
    if (stopped) return;
    stopped = true;
    admin.close();
    session.close();
    kafka.close();
    cassandra.close();
  }
}
