package kafkapipeline.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./pipeline up}: a Kafka cluster, a Cassandra ring and N silos on this machine, in the
 * foreground. Without flags one broker and one Cassandra node, as always; {@code --replicas N} (or
 * {@code --kafka-brokers N} and {@code --cassandra-nodes N}, which win over it) runs N of each,
 * replicated at min(3, N).
 *
 * <p>Every port of every node is checked before anything starts, so a taken port fails at once with
 * one line naming it. Bad options print one line and exit 2; a server or silo that fails to start
 * prints the reason (with the end of its log) and exits 1, stopping whatever had started. Ctrl-C
 * stops the silos, then Kafka, then Cassandra, and leaves no process behind. Silos inherit this
 * process's environment, so {@code FAKER_RATE=500 ./pipeline up} reaches them.
 */
public final class PipelineCli {
  static final int MAX_SILOS = 16;
  static final int MAX_REPLICAS = Math.min(KafkaCluster.MAX_NODES, CassandraRing.MAX_NODES);
  static final int FIRST_SILO_PORT = 2551;
  static final int FIRST_HTTP_PORT = 8080;
  private static final String DATA_MARKER = ".pipeline-data";
  private static final String SHAPE_FILE = ".pipeline-shape";

  private PipelineCli() {}

  /**
   * The parsed options of {@code up}.
   *
   * @param kafkaBrokers nodes of the Kafka cluster, 1..{@link #MAX_REPLICAS}
   * @param cassandraNodes nodes of the Cassandra ring, 1..{@link #MAX_REPLICAS}
   */
  record UpOptions(int silos, Path dataDir, boolean fresh, int kafkaBrokers, int cassandraNodes) {
    /** One broker and one Cassandra node. */
    UpOptions(int silos, Path dataDir, boolean fresh) {
      this(silos, dataDir, fresh, 1, 1);
    }

    KafkaCluster.Options kafka() {
      return KafkaCluster.Options.defaults(dataDir, kafkaBrokers);
    }

    CassandraRing.Options cassandra() {
      return CassandraRing.Options.defaults(dataDir, cassandraNodes);
    }
  }

  /** A problem with the command line; its message is printed as is. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    try {
      if (args.length == 0 || !(args[0].equals("up") || args[0].equals("silo"))) {
        throw new UsageException(
            "unknown command "
                + (args.length == 0 ? "(none)" : "'" + args[0] + "'")
                + "; try ./pipeline help");
      }
      ProjectLayout layout = ProjectLayout.locate();
      List<String> rest = List.of(args).subList(1, args.length);
      if (args[0].equals("silo"))
        SiloCommands.run(layout, rest, layout.root().resolve(DATA_MARKER));
      else up(layout, parseUp(rest, layout.root().resolve(DATA_MARKER)));
    } catch (UsageException e) {
      System.err.println("pipeline: " + e.getMessage());
      System.exit(2);
    } catch (LaunchException e) {
      System.err.println("pipeline: " + e.getMessage());
      System.exit(1);
    }
  }

  static UpOptions parseUp(List<String> args, Path defaultData) {
    int silos = 2;
    Path data = defaultData;
    boolean fresh = false;
    Integer replicas = null;
    Integer brokers = null;
    Integer nodes = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      boolean inline = !name.equals(arg);
      switch (name) {
        case "--fresh" -> {
          if (inline) throw new UsageException("--fresh takes no value");
          fresh = true;
        }
        case "--silos", "--data", "--replicas", "--kafka-brokers", "--cassandra-nodes" -> {
          String value = inline ? arg.substring(eq + 1) : value(args, ++i, name);
          switch (name) {
            case "--silos" -> silos = number(name, value, MAX_SILOS);
            case "--data" -> data = Path.of(value).toAbsolutePath().normalize();
            case "--replicas" -> replicas = number(name, value, MAX_REPLICAS);
            case "--kafka-brokers" -> brokers = number(name, value, MAX_REPLICAS);
            default -> nodes = number(name, value, MAX_REPLICAS);
          }
        }
        default ->
            throw new UsageException(
                "unknown option '"
                    + arg
                    + "' for up (known: --silos N, --replicas N, "
                    + "--kafka-brokers N, --cassandra-nodes N, --data DIR, --fresh)");
      }
    }
    int general = replicas == null ? 1 : replicas;
    return new UpOptions(
        silos, data, fresh, brokers == null ? general : brokers, nodes == null ? general : nodes);
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size() || args.get(i).startsWith("--"))
      throw new UsageException(option + " needs a value");
    return args.get(i);
  }

  private static int number(String option, String text, int max) {
    int n;
    try {
      n = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(
          option + " needs a whole number from 1 to " + max + ", got '" + text + "'");
    }
    if (n < 1 || n > max)
      throw new UsageException(option + " needs a whole number from 1 to " + max + ", got " + n);
    return n;
  }

  /**
   * Fails on the first taken port (or foreign address) of any server node or silo, before anything
   * starts.
   */
  static void requirePortsFree(UpOptions options) {
    CassandraRing.Options ring = options.cassandra();
    for (int i = 0; i < ring.hosts().size(); i++) {
      String node = options.cassandraNodes() == 1 ? "Cassandra" : "Cassandra node " + (i + 1);
      Ports.requireFree(ring.hosts().get(i), ring.nativePort(), node + " native transport");
      Ports.requireFree(ring.hosts().get(i), ring.storagePort(), node + " storage");
    }
    List<KafkaCluster.NodeAddress> brokers = options.kafka().nodes();
    for (int i = 0; i < brokers.size(); i++) {
      String node = brokers.size() == 1 ? "Kafka" : "Kafka node " + (i + 1);
      Ports.requireFree(brokers.get(i).host(), brokers.get(i).port(), node);
      Ports.requireFree(
          brokers.get(i).host(), brokers.get(i).controllerPort(), node + " controller");
    }
    for (int i = 0; i < options.silos(); i++) {
      Ports.requireFree(FIRST_SILO_PORT + i, "silo-" + (i + 1) + " cluster");
      Ports.requireFree(FIRST_HTTP_PORT + i, "silo-" + (i + 1) + " HTTP API");
    }
  }

  private static void up(ProjectLayout layout, UpOptions options) {
    requirePortsFree(options);
    prepareDataDir(options.dataDir(), options.fresh());
    requireSameShape(options);

    CassandraRing.Options ringOptions = options.cassandra();
    say(
        "starting Cassandra: "
            + nodes(options.cassandraNodes(), "node")
            + " (data in "
            + options.dataDir()
            + ") ...");
    CassandraRing cassandra = CassandraRing.start(layout, ringOptions);
    say("Cassandra ready in " + seconds(cassandra.lastStartupTime()));
    KafkaCluster.Options kafkaOptions = options.kafka();
    say("starting Kafka: " + nodes(options.kafkaBrokers(), "broker") + " ...");
    KafkaCluster kafka = KafkaCluster.start(layout, kafkaOptions);
    say("Kafka ready in " + seconds(kafka.lastStartupTime()));

    RunDirectory run = new RunDirectory(options.dataDir());
    Path logs = options.dataDir().resolve("logs");
    RunDirectory.Cluster cluster =
        new RunDirectory.Cluster(
            ProcessHandle.current().pid(),
            kafka.bootstrapServers(),
            cassandra.contactPointList(),
            kafkaOptions.replicationFactor(),
            ringOptions.replicationFactor(),
            logs);
    run.writeCluster(cluster);
    List<SiloProcess> silos = new ArrayList<>();
    for (int i = 0; i < options.silos(); i++) {
      SiloProcess silo =
          SiloProcess.start(
              layout,
              SiloProcess.Options.of("silo-" + (i + 1), FIRST_HTTP_PORT + i, logs)
                  .withEnv(siloEnv(i + 1, cluster)));
      run.writeSilo(
          new RunDirectory.Silo(
              silo.name(),
              i + 1,
              silo.pid(),
              FIRST_SILO_PORT + i,
              FIRST_HTTP_PORT + i,
              silo.logFile()));
      silos.add(silo);
    }
    say("starting " + options.silos() + " silo(s) ...");
    for (SiloProcess silo : silos) silo.awaitHealthy(Duration.ofMinutes(3));

    say("");
    say(
        "The pipeline is up: "
            + options.silos()
            + " silo(s), "
            + nodes(options.kafkaBrokers(), "Kafka broker")
            + ", "
            + nodes(options.cassandraNodes(), "Cassandra node")
            + " (replication: Kafka "
            + kafkaOptions.replicationFactor()
            + ", Cassandra "
            + ringOptions.replicationFactor()
            + ")");
    for (KafkaEngine broker : kafka.nodes()) {
      say(
          "  kafka-"
              + broker.nodeId()
              + "      "
              + broker.bootstrapServers()
              + "   log: "
              + broker.process().logFile());
    }
    for (CassandraEngine node : cassandra.nodes()) {
      say(
          "  cassandra-"
              + node.number()
              + "  "
              + node.contactPoint()
              + "   log: "
              + node.process().logFile());
    }
    say("  bootstrap servers: " + kafka.bootstrapServers());
    say("  CQL contact points: " + cassandra.contactPointList());
    for (SiloProcess silo : silos) {
      say(
          "  "
              + silo.name()
              + "  http://127.0.0.1:"
              + silo.httpPort()
              + "/api/health   /api/stats   log: "
              + silo.logFile());
    }
    say(
        "Rows:  pip install cqlsh && cqlsh "
            + ringOptions.hosts().get(0)
            + " "
            + ringOptions.nativePort()
            + " -e \"SELECT * FROM kafkapipeline.fakerdata LIMIT 5\""
            + (options.cassandraNodes() > 1
                ? "   (any node: " + String.join(", ", ringOptions.hosts()) + ")"
                : ""));
    say(
        "More silos: ./pipeline silo add; ./pipeline silo stop N (graceful) or kill N (SIGKILL); ./pipeline silo list");
    say("Ctrl-C stops everything.");
    watch(silos, run, kafka, cassandra);
  }

  private static String nodes(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  /**
   * Reports silos that exit on their own; returns only when the JVM is shutting down. Then it stops
   * the silos, then every broker at once, then every Cassandra node at once: one after the other,
   * the last broker would wait for a quorum that has already gone. (The launcher's reaper stops the
   * same processes in reverse start order alongside; a process stopped twice is stopped once.)
   */
  private static void watch(
      List<SiloProcess> silos, RunDirectory run, KafkaCluster kafka, CassandraRing cassandra) {
    var stopping = new java.util.concurrent.atomic.AtomicBoolean();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping.set(true);
                  run.clear();
                  say("stopping silos, Kafka and Cassandra ...");
                  java.util.concurrent.CompletableFuture.allOf(
                          silos.stream()
                              .map(
                                  silo ->
                                      java.util.concurrent.CompletableFuture.runAsync(silo::stop))
                              .toArray(java.util.concurrent.CompletableFuture[]::new))
                      .join();
                  kafka.close();
                  cassandra.close();
                },
                "pipeline-stop"));
    for (SiloProcess silo : silos) {
      silo.process()
          .onExit()
          .thenAccept(
              code -> {
                if (!stopping.get())
                  say(silo.name() + " exited with code " + code + "; see " + silo.logFile());
              });
    }
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The environment of silo number {@code n} (from 1) of a local cluster: its ports, every broker
   * and Cassandra node with the replication factors to create topics and the keyspace with, and
   * membership through Cassandra, so silos added later need no seed list.
   */
  static Map<String, String> siloEnv(int n, RunDirectory.Cluster cluster) {
    return Map.of(
        "SILO_PORT", String.valueOf(FIRST_SILO_PORT + n - 1),
        "HTTP_PORT", String.valueOf(FIRST_HTTP_PORT + n - 1),
        "CLUSTER_DISCOVERY", "cassandra",
        "KAFKA_BOOTSTRAP_SERVERS", cluster.kafka(),
        "CASSANDRA_CONTACT_POINTS", cluster.cassandra(),
        "KAFKA_REPLICATION_FACTOR", String.valueOf(cluster.kafkaReplicationFactor()),
        "CASSANDRA_REPLICATION_FACTOR", String.valueOf(cluster.cassandraReplicationFactor()));
  }

  /**
   * Refuses a data folder whose servers were made with another number of brokers or Cassandra nodes
   * (a quorum or ring of another size would not start on it, or would start beside the old one);
   * records the shape otherwise. A folder from before shapes were recorded held one of each.
   */
  static void requireSameShape(UpOptions options) {
    Path file = options.dataDir().resolve(SHAPE_FILE);
    String wanted =
        "kafka-brokers="
            + options.kafkaBrokers()
            + "\ncassandra-nodes="
            + options.cassandraNodes()
            + "\n";
    try {
      String found =
          Files.exists(file)
              ? Files.readString(file)
              : Files.exists(options.dataDir().resolve("kafka"))
                      || Files.exists(options.dataDir().resolve("cassandra"))
                  ? "kafka-brokers=1\ncassandra-nodes=1\n"
                  : null;
      if (found != null && !found.equals(wanted)) {
        throw new UsageException(
            options.dataDir()
                + " holds servers made with "
                + found.trim().replace("\n", ", ")
                + "; to run "
                + wanted.trim().replace("\n", ", ")
                + " add --fresh (empties it) or choose another --data");
      }
      Files.writeString(file, wanted);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates the data folder; with fresh, empties it first, but only if it is ours. */
  static void prepareDataDir(Path dir, boolean fresh) {
    try {
      if (fresh && Files.exists(dir)) {
        boolean ours = Files.exists(dir.resolve(DATA_MARKER));
        boolean empty;
        try (Stream<Path> entries = Files.list(dir)) {
          empty = entries.findAny().isEmpty();
        }
        if (!ours && !empty) {
          throw new UsageException(
              "refusing to empty "
                  + dir
                  + ": it is not a pipeline data folder (no "
                  + DATA_MARKER
                  + " file)");
        }
        try (Stream<Path> all = Files.walk(dir)) {
          for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
      }
      Files.createDirectories(dir);
      Path marker = dir.resolve(DATA_MARKER);
      if (!Files.exists(marker)) Files.writeString(marker, "data of ./pipeline up\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
