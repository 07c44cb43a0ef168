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
 * Cassandra ring of three nodes (512m heap each, Cassandra's fast test mode), started at most once
 * per JVM on free ports in a fresh temporary folder, stopped when the JVM exits. The single-node
 * {@link Engines#shared()} is separate and unchanged.
 *
 * <p>Where the nodes listen is chosen once per JVM: where network namespaces can be made (root on
 * Linux) the set runs on the bridge of a JVM-wide {@link NetNamespaces} of three hosts (servers on
 * 10.77.0.1..3, {@link #hosts()} for silos on hosts of their own); elsewhere the ring runs on
 * 127.0.0.1..3 and the brokers on 127.0.0.1, and {@link #hosts()} is empty. Either way every
 * process of this machine reaches them. One shutdown hook stops the servers and only then removes
 * the namespaces: a broker whose address went first could not finish its shutdown. A test that
 * stops or kills a node must bring it back ({@link #cassandraUp()}, {@link #kafkaUp()}) so the next
 * test finds the whole set. {@code NetNamespacesTest} makes and removes namespaces of its own, so
 * it runs before any user of this set (its {@code @Order}).
 */
final class ReplicatedEngines {

  /**
   * Where the nodes listen.
   *
   * @param cassandraHosts node i of the ring on {@code cassandraHosts[i-1]} (distinct local
   *     addresses)
   * @param kafkaHosts broker i on {@code kafkaHosts[i-1]} (may repeat: brokers get distinct ports)
   */
  record Placement(List<String> cassandraHosts, List<String> kafkaHosts) {
    Placement {
      cassandraHosts = List.copyOf(cassandraHosts);
      kafkaHosts = List.copyOf(kafkaHosts);
    }

    /** Ring on 127.0.0.1..3, brokers on 127.0.0.1. */
    static Placement loopback() {
      return new Placement(
          CassandraRing.loopbackHosts(3), List.of(Ports.HOST, Ports.HOST, Ports.HOST));
    }

    /** Ring node i and broker i on the bridge's server address i (10.77.0.i). */
    static Placement bridge() {
      List<String> hosts = new ArrayList<>();
      for (int k = 1; k <= 3; k++) hosts.add(NetNamespaces.serverAddress(k));
      return new Placement(hosts, hosts);
    }
  }

  /** Silo hosts: as many as the set has nodes, enough for the cluster tests' three silos. */
  static final int HOSTS = 3;

  private static ReplicatedEngines shared;

  final Placement placement;
  final Path dataDir;
  final KafkaCluster kafka;
  final CassandraRing cassandra;

  /** A session with every ring node as contact point. */
  final CqlSession session;

  final Admin admin;
  private final NetNamespaces net; // null on loopback

  private ReplicatedEngines(
      Placement placement,
      Path dataDir,
      KafkaCluster kafka,
      CassandraRing cassandra,
      NetNamespaces net) {
    this.placement = placement;
    this.dataDir = dataDir;
    this.kafka = kafka;
    this.cassandra = cassandra;
    this.net = net;
    List<InetSocketAddress> contacts = new ArrayList<>();
    for (CassandraEngine node : cassandra.nodes())
      contacts.add(new InetSocketAddress(node.host(), node.nativePort()));
    this.session = Engines.session(contacts);
    this.admin = Engines.admin(kafka.bootstrapServers());
  }

  /** The hosts silos can run on, one namespace each, when the set is on their bridge. */
  java.util.Optional<NetNamespaces> hosts() {
    return java.util.Optional.ofNullable(net);
  }

  /** The set, started on first use (see the class comment for where). */
  static synchronized ReplicatedEngines shared() {
    if (shared != null) return shared;
    NetNamespaces net =
        NetNamespaces.available().ok() ? NetNamespaces.create(HOSTS, 3, false) : null;
    try {
      shared = start(net == null ? Placement.loopback() : Placement.bridge(), net);
    } catch (RuntimeException e) {
      if (net != null) net.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "replicated-engines-stop"));
    return shared;
  }

  private static ReplicatedEngines start(Placement placement, NetNamespaces net) {
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
    var ringStart =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                CassandraRing.start(
                    CassandraRing.Options.defaults(dir, placement.cassandraHosts().size())
                        .withHosts(placement.cassandraHosts())
                        .withPorts(cql, storage)
                        .withMemory("512m", "128m")
                        .withFastTestMode(true)));
    KafkaCluster kafka;
    CassandraRing ring;
    try {
      kafka =
          KafkaCluster.start(KafkaCluster.Options.defaults(dir, brokers.size()).withNodes(brokers));
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
    return new ReplicatedEngines(placement, dir, kafka, ring, net);
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
      if (!besides.contains(port) && hosts.stream().allMatch(h -> Ports.isFree(h, port)))
        return port;
    }
    throw new IllegalStateException("no port free on all of " + hosts + " after 100 tries");
  }

  private boolean stopped;

  /** Stops every server, then removes the namespaces (the shutdown hook; twice does nothing). */
  private synchronized void stop() {
    if (stopped) return;
    stopped = true;
    try {
      admin.close();
      session.close();
      kafka.close();
      cassandra.close();
    } finally {
      if (net != null) net.close();
    }
  }
}
