package kafkapipeline.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one JVM, node id 1) listening on
 * one local address only ({@link Options#host()}, 127.0.0.1 by default), with its data under {@code
 * <dataDir>/kafka}.
 *
 * <p>Layout: {@code config/} (server.properties and log4j.properties, rewritten at every start),
 * {@code data/} (the log dirs and KRaft metadata; formatted once, kept across restarts), {@code
 * logs/kafka.log} (the broker's output) and {@code logs/storage-format.log}.
 *
 * <p>Guarantees: {@link #start(Options)} returns only when the broker answers an admin {@code
 * describeCluster} that lists it; on any failure (port taken, format failed, broker died, not ready
 * in time) it throws a {@link LaunchException}, and no broker process is left running. Topics are
 * created on first use with {@link Options#partitions()} partitions, replication factor 1. {@link
 * #stop()} then {@link #start()} restarts the broker on the same data.
 *
 * <p>The same class runs each node of a {@link KafkaCluster}: there a {@link Membership} gives the
 * node id, the quorum, the shared cluster id, the replication settings and the node's folder.
 */
public final class KafkaEngine extends Engine {

  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  /**
   * How to run the broker.
   *
   * @param dataDir the pipeline's data folder; the broker uses {@code dataDir/kafka}
   * @param host the local address both listeners bind to and the broker advertises (default {@link
   *     Ports#HOST}; e.g. 127.0.0.2 or a bridge address)
   * @param port the client (PLAINTEXT) listener
   * @param controllerPort the KRaft controller listener
   * @param heap JVM heap, as in {@code -Xmx} (e.g. "512m")
   * @param partitions {@code num.partitions}: partitions of automatically created topics
   * @param startTimeout how long {@link #start()} waits for the broker to answer
   */
  public record Options(
      Path dataDir,
      String host,
      int port,
      int controllerPort,
      String heap,
      int partitions,
      Duration startTimeout) {
    public Options {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(host, "host");
      dataDir = dataDir.toAbsolutePath().normalize();
    }

    /** 127.0.0.1, ports 9092 and 9093, 512m heap, 12 partitions, 90 s to start. */
    public static Options defaults(Path dataDir) {
      return new Options(dataDir, Ports.HOST, 9092, 9093, "512m", 12, Duration.ofSeconds(90));
    }

    public Options withHost(String host) {
      return new Options(dataDir, host, port, controllerPort, heap, partitions, startTimeout);
    }

    public Options withPorts(int port, int controllerPort) {
      return new Options(dataDir, host, port, controllerPort, heap, partitions, startTimeout);
    }

    public Options withHeap(String heap) {
      return new Options(dataDir, host, port, controllerPort, heap, partitions, startTimeout);
    }

    public Options withPartitions(int partitions) {
      return new Options(dataDir, host, port, controllerPort, heap, partitions, startTimeout);
    }

    public Options withStartTimeout(Duration startTimeout) {
      return new Options(dataDir, host, port, controllerPort, heap, partitions, startTimeout);
    }
  }

  /**
   * A node's place in its cluster.
   *
   * @param nodeId {@code node.id}, from 1
   * @param voters {@code controller.quorum.voters}, e.g. "1@127.0.0.1:9093,2@127.0.0.1:9095"
   * @param clusterId the id the log dirs are formatted with (the same on every node)
   * @param replicationFactor of new topics and the internal topics
   * @param folder the node's folder under the data folder, e.g. "kafka" or "kafka-2"
   */
  record Membership(
      int nodeId, String voters, String clusterId, int replicationFactor, String folder) {
    /** The single broker: node 1, its own quorum, a new cluster id, RF 1, folder "kafka". */
    static Membership single(Options options) {
      return new Membership(
          1,
          "1@" + options.host() + ":" + options.controllerPort(),
          Uuid.randomUuid().toString(),
          1,
          "kafka");
    }

    /** {@code min.insync.replicas}: one replica may be down and writes with acks=all go on. */
    int minInSyncReplicas() {
      return Math.max(1, replicationFactor - 1);
    }
  }

  private final ProjectLayout layout;
  private final Options options;
  private final Membership membership;
  private final Path home;

  KafkaEngine(ProjectLayout layout, Options options, Membership membership) {
    super(
        membership.folder().equals("kafka") ? "Kafka" : "Kafka node " + membership.nodeId(),
        STOP_GRACE);
    this.layout = layout;
    this.options = options;
    this.membership = membership;
    this.home = options.dataDir().resolve(membership.folder());
  }

  /** Starts a broker with the classpath of the project found by {@link ProjectLayout#locate()}. */
  public static KafkaEngine start(Options options) {
    return start(ProjectLayout.locate(), options);
  }

  /** Starts a broker and waits until it is ready; see the class comment for failures. */
  public static KafkaEngine start(ProjectLayout layout, Options options) {
    KafkaEngine engine = new KafkaEngine(layout, options, Membership.single(options));
    engine.start();
    return engine;
  }

  @Override
  protected ManagedProcess launch() {
    Ports.requireFree(options.host(), options.port(), "Kafka broker");
    Ports.requireFree(options.host(), options.controllerPort(), "Kafka controller");
    List<Path> classpath = layout.engineClasspath("kafka");
    Path serverProperties = writeConfig();
    formatStorageOnce(classpath, serverProperties);
    return ManagedProcess.start(
        new ProcessSpec(membership.folder(), "kafka.Kafka")
            .classpath(classpath)
            .jvmArgs(jvmArgs(options.heap()))
            .args(List.of(serverProperties.toString()))
            .workDir(home)
            .logFile(home.resolve("logs/kafka.log"))
            .shutdownGrace(STOP_GRACE));
  }

  @Override
  protected String endpoint() {
    return bootstrapServers();
  }

  /** "host:port", for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return options.host() + ":" + options.port();
  }

  public Options options() {
    return options;
  }

  /** {@code node.id}: 1 for a single broker, 1..N in a {@link KafkaCluster}. */
  public int nodeId() {
    return membership.nodeId();
  }

  /** This node's folder: config, data and logs. */
  public Path home() {
    return home;
  }

  @Override
  protected void awaitReady(ManagedProcess process) {
    long deadline = System.nanoTime() + options.startTimeout().toNanos();
    // The admin client connects (and warns) at once: create it only once the port is open.
    process.awaitReady(
        () -> Ports.isListening(options.host(), options.port()), options.startTimeout());
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            AdminClientConfig.CLIENT_ID_CONFIG, "launcher-readiness-probe",
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
            AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    try (Admin admin = Admin.create(config)) {
      // Listed by itself: registered with the quorum and caught up on the metadata log.
      process.awaitReady(
          () ->
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                  .nodes()
                  .get(3, TimeUnit.SECONDS)
                  .stream()
                  .anyMatch(n -> n.id() == membership.nodeId()),
          Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
  }

  /** Formats the log dirs with the membership's cluster id, unless a previous run already did. */
  private void formatStorageOnce(List<Path> classpath, Path serverProperties) {
    if (Files.exists(home.resolve("data/meta.properties"))) {
      return;
    }
    ManagedProcess.start(
            new ProcessSpec(membership.folder() + " storage format", "kafka.tools.StorageTool")
                .classpath(classpath)
                .jvmArgs(
                    List.of(
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-Dlog4j.configuration=" + home.resolve("config/log4j.properties").toUri()))
                .args(
                    List.of(
                        "format", "-t", membership.clusterId(), "-c", serverProperties.toString()))
                .workDir(home)
                .logFile(home.resolve("logs/storage-format.log")))
        .awaitSuccess(Duration.ofMinutes(2));
  }

  private List<String> jvmArgs(String heap) {
    List<String> args = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap));
    // The JVM options of Kafka's own kafka-run-class.sh / kafka-server-start.sh.
    args.addAll(
        List.of(
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35",
            "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:MaxInlineLevel=15",
            "-Djava.awt.headless=true"));
    args.add("-XX:+ExitOnOutOfMemoryError");
    args.add("-Dkafka.logs.dir=" + home.resolve("logs"));
    args.add("-Dlog4j.configuration=" + home.resolve("config/log4j.properties").toUri());
    return args;
  }

  private Path writeConfig() {
    String controller = options.host() + ":" + options.controllerPort();
    String listener = options.host() + ":" + options.port();
    String server =
        String.join(
            "\n",
            "# Written by the launcher at every start; edits are overwritten.",
            "process.roles=broker,controller",
            "node.id=" + membership.nodeId(),
            "controller.quorum.voters=" + membership.voters(),
            "listeners=PLAINTEXT://" + listener + ",CONTROLLER://" + controller,
            "advertised.listeners=PLAINTEXT://" + listener,
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name=PLAINTEXT",
            "controller.listener.names=CONTROLLER",
            "log.dirs=" + home.resolve("data"),
            "num.partitions=" + options.partitions(),
            "default.replication.factor=" + membership.replicationFactor(),
            "min.insync.replicas=" + membership.minInSyncReplicas(),
            "offsets.topic.replication.factor=" + membership.replicationFactor(),
            "transaction.state.log.replication.factor=" + membership.replicationFactor(),
            "transaction.state.log.min.isr=" + membership.minInSyncReplicas(),
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=true",
            "");
    String log4j =
        String.join(
            "\n",
            "log4j.rootLogger=INFO, stdout",
            "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
            "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
            "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
            "log4j.logger.kafka.request.logger=WARN",
            "log4j.logger.state.change.logger=WARN",
            "");
    try {
      Files.createDirectories(home.resolve("config"));
      Files.createDirectories(home.resolve("data"));
      Path serverProperties = home.resolve("config/server.properties");
      Files.writeString(serverProperties, server);
      Files.writeString(home.resolve("config/log4j.properties"), log4j);
      return serverProperties;
    } catch (IOException e) {
      throw new LaunchException(
          "cannot write the Kafka configuration under " + home + ": " + e.getMessage(), e);
    }
  }
}
