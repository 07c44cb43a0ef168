package kafkapipeline.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * N real Kafka nodes (KRaft), each a combined broker and controller in its own JVM: node ids 1..N,
 * all N in {@code controller.quorum.voters}, one cluster id, each node formatted once in its own
 * folder ({@code <dataDir>/kafka-<id>}; with one node {@code <dataDir>/kafka}, exactly the broker
 * {@link KafkaEngine#start(KafkaEngine.Options)} runs). New and internal topics get replication
 * factor {@link Options#replicationFactor()} = min(3, N) and {@code min.insync.replicas} = max(1,
 * RF - 1), so acks=all writes go on with one node down.
 *
 * <p>Guarantees: {@link #start} launches every node at once (a KRaft quorum needs a majority of
 * voters before any broker is ready) and returns only when {@code describeCluster} lists all N
 * brokers and a controller. If any node fails to start, every node is stopped and the first failure
 * (a {@link LaunchException} naming the node) propagates; no process is left behind. Each node is
 * its own {@link KafkaEngine}: {@link #node(int)} can be stopped, killed (SIGKILL) and started
 * again on its data, and {@link #awaitAllBrokers(Duration)} waits until it is back. Data folders
 * whose nodes were formatted with different cluster ids are refused, with a message.
 */
public final class KafkaCluster implements AutoCloseable {

  /** Most nodes a cluster may have (ports and memory on one machine). */
  public static final int MAX_NODES = 5;

  /**
   * Where one node listens: clients on {@code port}, the KRaft quorum on {@code controllerPort}.
   */
  public record NodeAddress(String host, int port, int controllerPort) {
    public NodeAddress {
      Objects.requireNonNull(host, "host");
    }
  }

  /**
   * How to run the cluster.
   *
   * @param dataDir the pipeline's data folder; node i uses {@code dataDir/kafka-i} (one node:
   *     {@code dataDir/kafka})
   * @param nodes where node 1, 2, ... listen; 1 to {@value #MAX_NODES} entries, all distinct
   * @param heap JVM heap of each node
   * @param partitions {@code num.partitions}
   * @param startTimeout how long {@link #start} waits for the whole cluster
   */
  public record Options(
      Path dataDir, List<NodeAddress> nodes, String heap, int partitions, Duration startTimeout) {
    public Options {
      Objects.requireNonNull(dataDir, "dataDir");
      dataDir = dataDir.toAbsolutePath().normalize();
      nodes = List.copyOf(nodes);
      if (nodes.isEmpty() || nodes.size() > MAX_NODES) {
        throw new IllegalArgumentException(
            "a Kafka cluster has 1 to " + MAX_NODES + " nodes, got " + nodes.size());
      }
    }

    /**
     * {@code n} nodes on 127.0.0.1, node i with client port 9092 + 2(i-1) and controller port 9093
     * + 2(i-1) (one node: 9092 and 9093, as {@link KafkaEngine.Options#defaults}), 512m heap each,
     * 12 partitions, 90 s plus 30 s per extra node to start.
     */
    public static Options defaults(Path dataDir, int n) {
      KafkaEngine.Options single = KafkaEngine.Options.defaults(dataDir);
      List<NodeAddress> nodes =
          IntStream.range(0, n)
              .mapToObj(
                  i ->
                      new NodeAddress(
                          Ports.HOST, single.port() + 2 * i, single.controllerPort() + 2 * i))
              .toList();
      return new Options(
          dataDir,
          nodes,
          single.heap(),
          single.partitions(),
          single.startTimeout().plusSeconds(30L * Math.max(0, n - 1)));
    }

    public Options withNodes(List<NodeAddress> nodes) {
      return new Options(dataDir, nodes, heap, partitions, startTimeout);
    }

    public Options withHeap(String heap) {
      return new Options(dataDir, nodes, heap, partitions, startTimeout);
    }

    public Options withPartitions(int partitions) {
      return new Options(dataDir, nodes, heap, partitions, startTimeout);
    }

    public Options withStartTimeout(Duration startTimeout) {
      return new Options(dataDir, nodes, heap, partitions, startTimeout);
    }

    /** min(3, N): of new topics and of the internal topics. */
    public int replicationFactor() {
      return Math.min(3, nodes.size());
    }

    /** max(1, RF - 1). */
    public int minInSyncReplicas() {
      return Math.max(1, replicationFactor() - 1);
    }

    /** "kafka" for one node, else "kafka-1", "kafka-2", ... */
    String folder(int nodeId) {
      return nodes.size() == 1 ? "kafka" : "kafka-" + nodeId;
    }
  }

  private final Options options;
  private final List<KafkaEngine> nodes;
  private Duration lastStartupTime = Duration.ZERO;

  private KafkaCluster(ProjectLayout layout, Options options) {
    this.options = options;
    String voters =
        IntStream.rangeClosed(1, options.nodes().size())
            .mapToObj(
                id ->
                    id
                        + "@"
                        + options.nodes().get(id - 1).host()
                        + ":"
                        + options.nodes().get(id - 1).controllerPort())
            .collect(Collectors.joining(","));
    String clusterId = existingClusterId(options).orElse(Uuid.randomUuid().toString());
    List<KafkaEngine> engines = new ArrayList<>();
    for (int id = 1; id <= options.nodes().size(); id++) {
      NodeAddress address = options.nodes().get(id - 1);
      KafkaEngine.Options node =
          new KafkaEngine.Options(
              options.dataDir(),
              address.host(),
              address.port(),
              address.controllerPort(),
              options.heap(),
              options.partitions(),
              options.startTimeout());
      engines.add(
          new KafkaEngine(
              layout,
              node,
              new KafkaEngine.Membership(
                  id, voters, clusterId, options.replicationFactor(), options.folder(id))));
    }
    this.nodes = List.copyOf(engines);
  }

  /**
   * Starts the cluster with the classpath of the project found by {@link ProjectLayout#locate()}.
   */
  public static KafkaCluster start(Options options) {
    return start(ProjectLayout.locate(), options);
  }

  /**
   * Starts every node at once and waits for the whole cluster; see the class comment for failures.
   */
  public static KafkaCluster start(ProjectLayout layout, Options options) {
    KafkaCluster cluster = new KafkaCluster(layout, options);
    long startedAt = System.nanoTime();
    Together.start(cluster.nodes);
    try {
      cluster.awaitAllBrokers(options.startTimeout());
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    cluster.lastStartupTime = Duration.ofNanos(System.nanoTime() - startedAt);
    return cluster;
  }

  /** Node {@code id} (1..N). */
  public KafkaEngine node(int id) {
    if (id < 1 || id > nodes.size()) {
      throw new IllegalArgumentException(
          "no Kafka node " + id + " (nodes 1.." + nodes.size() + ")");
    }
    return nodes.get(id - 1);
  }

  /** Every node, by id. */
  public List<KafkaEngine> nodes() {
    return nodes;
  }

  public Options options() {
    return options;
  }

  /** Every node's "host:port", comma-separated, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return nodes.stream().map(KafkaEngine::bootstrapServers).collect(Collectors.joining(","));
  }

  /** From the start of {@link #start} until every broker was listed. */
  public Duration lastStartupTime() {
    return lastStartupTime;
  }

  /**
   * Waits until {@code describeCluster}, asked of any running node, lists all N brokers and a
   * controller (after a node was restarted: until it is back in the cluster).
   *
   * @throws LaunchException naming the brokers listed last, if that does not happen in time
   */
  public void awaitAllBrokers(Duration timeout) {
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            AdminClientConfig.CLIENT_ID_CONFIG, "launcher-cluster-probe",
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
            AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    try (Admin admin = Admin.create(config)) {
      Poll.until(
          "the Kafka cluster did not list all " + nodes.size() + " brokers and a controller",
          timeout,
          () -> {
            DescribeClusterResult cluster =
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000));
            TreeSet<Integer> ids =
                cluster.nodes().get(3, TimeUnit.SECONDS).stream()
                    .map(Node::id)
                    .collect(Collectors.toCollection(TreeSet::new));
            Node controller = cluster.controller().get(3, TimeUnit.SECONDS);
            return ids.size() == nodes.size() && controller != null
                ? null
                : "brokers "
                    + ids
                    + ", controller "
                    + (controller == null ? "none" : controller.id());
          });
    }
  }

  /** Stops every running node at once (SIGTERM, then SIGKILL after the stop grace). */
  @Override
  public void close() {
    Together.stop(nodes);
  }

  /**
   * The cluster id a previous run formatted the nodes with, if any.
   *
   * @throws LaunchException if nodes were formatted with different ids
   */
  private static java.util.Optional<String> existingClusterId(Options options) {
    TreeSet<String> ids = new TreeSet<>();
    for (int id = 1; id <= options.nodes().size(); id++) {
      Path meta = options.dataDir().resolve(options.folder(id)).resolve("data/meta.properties");
      if (!Files.isRegularFile(meta)) {
        continue;
      }
      try (Reader r = Files.newBufferedReader(meta)) {
        Properties p = new Properties();
        p.load(r);
        if (p.getProperty("cluster.id") != null) {
          ids.add(p.getProperty("cluster.id"));
        }
      } catch (IOException e) {
        throw new LaunchException("cannot read " + meta + ": " + e.getMessage(), e);
      }
    }
    if (ids.size() > 1) {
      throw new LaunchException(
          "the Kafka nodes under "
              + options.dataDir()
              + " belong to different clusters "
              + ids
              + "; start with --fresh (or another --data folder)");
    }
    return ids.stream().findFirst();
  }
}
