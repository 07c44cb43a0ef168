package kafkapipeline.launcher;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A ring of N real Cassandra 5.0 nodes on this machine, ccm style: node i listens on its own
 * address (default 127.0.0.i) with the same ports as the others, in its own folder ({@code
 * <dataDir>/cassandra-<i>}), with one fixed token ({@link #tokens(int)}: evenly spaced over the
 * Murmur3 range), {@code auto_bootstrap: false} and every node a seed. One node is exactly the node
 * {@link CassandraEngine#start(CassandraEngine.Options)} runs (folder {@code cassandra}, four
 * tokens). SimpleSnitch: every node is in data center {@value CassandraEngine#LOCAL_DATACENTER},
 * rack1, which NetworkTopologyStrategy accepts.
 *
 * <p>Guarantees: {@link #start} launches every node at once and returns only when every node
 * answers CQL and {@link RingView} sees every node Up and Normal from every node; if any node
 * fails, every node is stopped and the first failure (a {@link LaunchException} naming the node,
 * with the end of its log) propagates. Each node is its own {@link CassandraEngine}: {@link
 * #node(int)} can be stopped, killed (SIGKILL) and started again on its data; then {@link
 * #awaitRingUp(Duration)} waits until the ring has taken it back.
 */
public final class CassandraRing implements AutoCloseable {

  /** Most nodes a ring may have here (addresses and memory on one machine). */
  public static final int MAX_NODES = 5;

  /**
   * How to run the ring.
   *
   * @param dataDir the pipeline's data folder; node i uses {@code dataDir/cassandra-i} (one node:
   *     {@code dataDir/cassandra})
   * @param hosts node i listens on {@code hosts[i-1]}: 1 to {@value #MAX_NODES} distinct local
   *     addresses
   * @param nativePort the CQL port, the same on every node
   * @param storagePort the inter-node port, the same on every node
   * @param heap JVM heap of each node
   * @param directMemory {@code -XX:MaxDirectMemorySize} of each node
   * @param fastTestMode Cassandra's test-only speed-ups (see {@link CassandraEngine.Options})
   * @param startTimeout how long {@link #start} waits for the whole ring
   */
  public record Options(
      Path dataDir,
      List<String> hosts,
      int nativePort,
      int storagePort,
      String heap,
      String directMemory,
      boolean fastTestMode,
      Duration startTimeout) {
    public Options {
      Objects.requireNonNull(dataDir, "dataDir");
      dataDir = dataDir.toAbsolutePath().normalize();
      hosts = List.copyOf(hosts);
      if (hosts.isEmpty() || hosts.size() > MAX_NODES) {
        throw new IllegalArgumentException(
            "a Cassandra ring has 1 to " + MAX_NODES + " nodes, got " + hosts.size());
      }
      if (hosts.stream().distinct().count() != hosts.size()) {
        throw new IllegalArgumentException(
            "every Cassandra node needs its own address, got " + hosts);
      }
    }

    /**
     * {@code n} nodes on {@link #loopbackHosts(int) 127.0.0.1..n}, ports 9042 and 7000, and
     * otherwise {@link CassandraEngine.Options#defaults}, with 180 s plus 60 s per extra node to
     * start.
     */
    public static Options defaults(Path dataDir, int n) {
      CassandraEngine.Options single = CassandraEngine.Options.defaults(dataDir);
      return new Options(
          dataDir,
          loopbackHosts(n),
          single.nativePort(),
          single.storagePort(),
          single.heap(),
          single.directMemory(),
          single.fastTestMode(),
          single.startTimeout().plusSeconds(60L * Math.max(0, n - 1)));
    }

    public Options withHosts(List<String> hosts) {
      return new Options(
          dataDir, hosts, nativePort, storagePort, heap, directMemory, fastTestMode, startTimeout);
    }

    public Options withPorts(int nativePort, int storagePort) {
      return new Options(
          dataDir, hosts, nativePort, storagePort, heap, directMemory, fastTestMode, startTimeout);
    }

    public Options withMemory(String heap, String directMemory) {
      return new Options(
          dataDir, hosts, nativePort, storagePort, heap, directMemory, fastTestMode, startTimeout);
    }

    public Options withFastTestMode(boolean fastTestMode) {
      return new Options(
          dataDir, hosts, nativePort, storagePort, heap, directMemory, fastTestMode, startTimeout);
    }

    public Options withStartTimeout(Duration startTimeout) {
      return new Options(
          dataDir, hosts, nativePort, storagePort, heap, directMemory, fastTestMode, startTimeout);
    }

    /** min(3, N): the replication factor of a keyspace on this ring. */
    public int replicationFactor() {
      return Math.min(3, hosts.size());
    }

    /** The options of node {@code number} (from 1). */
    CassandraEngine.Options node(int number) {
      return new CassandraEngine.Options(
          dataDir,
          hosts.get(number - 1),
          nativePort,
          storagePort,
          heap,
          directMemory,
          fastTestMode,
          startTimeout);
    }
  }

  /** 127.0.0.1, 127.0.0.2, ... 127.0.0.n (Linux routes all of 127.0.0.0/8 to loopback). */
  public static List<String> loopbackHosts(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> "127.0.0." + i).toList();
  }

  /**
   * The Murmur3 tokens of an {@code n}-node ring, evenly spaced from the bottom of the range: token
   * i (from 0) is {@code -2^63 + i * floor(2^64 / n)}, as ccm computes them.
   */
  public static List<String> tokens(int n) {
    BigInteger step = BigInteger.TWO.pow(64).divide(BigInteger.valueOf(n));
    BigInteger min = BigInteger.TWO.pow(63).negate();
    return IntStream.range(0, n)
        .mapToObj(i -> min.add(step.multiply(BigInteger.valueOf(i))).toString())
        .toList();
  }

  private final Options options;
  private final List<CassandraEngine> nodes;
  private Duration lastStartupTime = Duration.ZERO;

  private CassandraRing(ProjectLayout layout, Options options) {
    this.options = options;
    int n = options.hosts().size();
    List<CassandraEngine> engines = new ArrayList<>();
    if (n == 1) {
      CassandraEngine.Options single = options.node(1);
      engines.add(new CassandraEngine(layout, single, CassandraEngine.RingMember.single(single)));
    } else {
      List<String> seeds =
          options.hosts().stream().map(h -> h + ":" + options.storagePort()).toList();
      List<String> tokens = tokens(n);
      for (int i = 1; i <= n; i++) {
        engines.add(
            new CassandraEngine(
                layout,
                options.node(i),
                new CassandraEngine.RingMember(i, "cassandra-" + i, seeds, tokens.get(i - 1))));
      }
    }
    this.nodes = List.copyOf(engines);
  }

  /** Starts the ring with the classpath of the project found by {@link ProjectLayout#locate()}. */
  public static CassandraRing start(Options options) {
    return start(ProjectLayout.locate(), options);
  }

  /** Starts every node at once and waits for the whole ring; see the class comment for failures. */
  public static CassandraRing start(ProjectLayout layout, Options options) {
    CassandraRing ring = new CassandraRing(layout, options);
    long startedAt = System.nanoTime();
    Together.start(ring.nodes);
    try {
      ring.awaitRingUp(options.startTimeout());
    } catch (RuntimeException e) {
      ring.close();
      throw e;
    }
    ring.lastStartupTime = Duration.ofNanos(System.nanoTime() - startedAt);
    return ring;
  }

  /** Node {@code number} (1..N). */
  public CassandraEngine node(int number) {
    if (number < 1 || number > nodes.size()) {
      throw new IllegalArgumentException(
          "no Cassandra node " + number + " (nodes 1.." + nodes.size() + ")");
    }
    return nodes.get(number - 1);
  }

  /** Every node, by number. */
  public List<CassandraEngine> nodes() {
    return nodes;
  }

  public Options options() {
    return options;
  }

  /** Every node's "host:port" of CQL. */
  public List<String> contactPoints() {
    return nodes.stream().map(CassandraEngine::contactPoint).toList();
  }

  /** {@link #contactPoints()} comma-separated, as {@code CASSANDRA_CONTACT_POINTS} takes them. */
  public String contactPointList() {
    return String.join(",", contactPoints());
  }

  /** From the start of {@link #start} until the ring was up. */
  public Duration lastStartupTime() {
    return lastStartupTime;
  }

  /**
   * Waits until every node answers CQL and sees every node Up and Normal (see {@link RingView}),
   * e.g. after a node was restarted.
   *
   * @throws LaunchException saying what was missing last, if that does not happen in time
   */
  public void awaitRingUp(Duration timeout) {
    if (nodes.size() == 1) {
      return; // a single node is up once its CQL answers, which its start waited for
    }
    try (RingView view = RingView.open(nodes)) {
      Poll.until(
          "the Cassandra ring of " + nodes.size() + " nodes was not up and normal on every node",
          timeout,
          view::missing);
    }
  }

  /** Stops every running node at once (SIGTERM, then SIGKILL after the stop grace). */
  @Override
  public void close() {
    Together.stop(nodes);
  }

  @Override
  public String toString() {
    return nodes.stream()
        .map(CassandraEngine::contactPoint)
        .collect(Collectors.joining(", ", "ring[", "]"));
  }
}
