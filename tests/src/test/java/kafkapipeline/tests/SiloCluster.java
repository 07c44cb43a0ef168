package kafkapipeline.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import kafkapipeline.launcher.Ports;
import kafkapipeline.launcher.SiloProcess;

/**
 * Silo processes of one test, configured through environment variables exactly as a user would,
 * against the shared {@link Engines}. The first two silos are the seed nodes. Closing stops every
 * silo still running. Each silo's stdout and stderr (its whole log) is one file under {@link
 * #logDir()}, readable with {@link #logs()} while it runs and after.
 *
 * <p>By default every silo runs on 127.0.0.1. {@link #onHosts} puts silo i on host i+1 of a {@link
 * NetNamespaces} instead: its JVM runs in that namespace, its cluster and HTTP addresses are the
 * namespace's address (the HTTP API then needs a token), and the test reaches it over the bridge;
 * the engines must listen on a bridge address for the silos to reach them.
 */
final class SiloCluster implements AutoCloseable {
  private final String kafkaBootstrapServers;
  private final String cassandraContactPoints;
  private final Path logDir;
  private final Map<String, String> extraEnv;
  private final int[] remotePorts;
  private final int[] httpPorts;
  private final SiloProcess[] silos;
  private List<String> jvmArgs = List.of();
  private NetNamespaces net; // null: every silo on 127.0.0.1
  private String token = "";
  private int[] seeds;

  SiloCluster(Engines engines, String name, int size, Map<String, String> extraEnv) {
    this(
        engines.dataDir,
        engines.kafka.bootstrapServers(),
        engines.cassandra.contactPoint(),
        name,
        size,
        extraEnv);
  }

  /**
   * Silos against the replicated servers: every broker and every ring node as contact points,
   * topics and keyspace at the set's replication factor, as {@code ./pipeline up --replicas}
   * configures them (a test's own settings still win).
   */
  SiloCluster(ReplicatedEngines engines, String name, int size, Map<String, String> extraEnv) {
    this(
        engines.dataDir,
        engines.kafka.bootstrapServers(),
        engines.cassandra.contactPointList(),
        name,
        size,
        withReplication(engines, extraEnv));
  }

  private static Map<String, String> withReplication(
      ReplicatedEngines engines, Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>();
    env.put(
        "KAFKA_REPLICATION_FACTOR", String.valueOf(engines.kafka.options().replicationFactor()));
    env.put(
        "CASSANDRA_REPLICATION_FACTOR",
        String.valueOf(engines.cassandra.options().replicationFactor()));
    env.putAll(extraEnv);
    return env;
  }

  /**
   * Silos against the given servers ({@code bootstrap.servers}, CQL {@code host:port,...}); logs
   * under {@code dataDir/logs/<name>}.
   */
  SiloCluster(
      Path dataDir,
      String kafkaBootstrapServers,
      String cassandraContactPoints,
      String name,
      int size,
      Map<String, String> extraEnv) {
    this.kafkaBootstrapServers = kafkaBootstrapServers;
    this.cassandraContactPoints = cassandraContactPoints;
    this.logDir = dataDir.resolve("logs").resolve(name);
    this.extraEnv = Map.copyOf(extraEnv);
    this.remotePorts = new int[size];
    this.httpPorts = new int[size];
    this.silos = new SiloProcess[size];
    for (int i = 0; i < size; i++) {
      remotePorts[i] = Ports.freePort();
      httpPorts[i] = Ports.freePort();
    }
    this.seeds = size == 1 ? new int[] {0} : new int[] {0, 1};
  }

  /**
   * Silo i on host i+1 of {@code net} (see the class comment), its HTTP API guarded by {@code
   * token}.
   */
  SiloCluster onHosts(NetNamespaces net, String token) {
    if (net.hosts() < silos.length)
      throw new IllegalArgumentException(net.hosts() + " hosts for " + silos.length + " silos");
    if (token.isBlank())
      throw new IllegalArgumentException("a silo off loopback needs an HTTP token");
    this.net = net;
    this.token = token;
    return this;
  }

  /** Silos on loopback whose HTTP API is guarded by {@code token} (as {@code HTTP_TOKEN}). */
  SiloCluster withToken(String token) {
    if (token.isBlank()) throw new IllegalArgumentException("a blank token guards nothing");
    this.token = token;
    return this;
  }

  /**
   * The seed nodes, in order (default the first two silos). The first one alone may found the
   * cluster, so when all start together it is the oldest member and hosts the singletons.
   */
  SiloCluster withSeeds(int... silos) {
    this.seeds = silos.clone();
    return this;
  }

  /** The address silo {@code i} listens on. */
  String host(int i) {
    return net == null ? Ports.HOST : NetNamespaces.address(i + 1);
  }

  /** Where silo {@code i}'s HTTP API is. */
  SiloHttp.At api(int i) {
    return new SiloHttp.At(host(i), httpPorts[i], token);
  }

  private Map<String, String> env(int i) {
    List<String> seedNodes = new ArrayList<>();
    for (int s : seeds) seedNodes.add(host(s) + ":" + remotePorts[s]);
    Map<String, String> env = new HashMap<>();
    if (net != null) {
      env.put("SILO_HOST", host(i));
      env.put("HTTP_HOST", host(i));
    }
    if (!token.isEmpty()) env.put("HTTP_TOKEN", token);
    env.put("SILO_PORT", String.valueOf(remotePorts[i]));
    env.put("HTTP_PORT", String.valueOf(httpPorts[i]));
    env.put("SEED_NODES", String.join(",", seedNodes));
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers);
    env.put("CASSANDRA_CONTACT_POINTS", cassandraContactPoints);
    env.put("SBR_STABLE_AFTER", "5s");
    env.put("WIKIPEDIA_ENABLED", "false"); // tests that want it point it at a replay server
    env.put(
        "SPACEX_BASE_URL",
        "http://127.0.0.1:9"); // never the real API from a test; a test may set its own
    // The tests' replay and capture servers listen on loopback, which declarative sources may
    // not reach by default; a test of that default sets SOURCES_ALLOWED_NETWORKS to "".
    env.put("SOURCES_ALLOWED_NETWORKS", "127.0.0.0/8");
    env.putAll(extraEnv); // a test's own settings win
    return env;
  }

  /** JVM options for the silos started from now on (e.g. {@link #debugLogging()}). */
  SiloCluster withJvmArgs(List<String> args) {
    this.jvmArgs = List.copyOf(args);
    return this;
  }

  /**
   * JVM options that make a silo log at DEBUG: Pekko's own log level and logback's root logger
   * ({@code logback-silo-debug.xml} of the test resources), Kafka and the Cassandra driver at INFO.
   */
  static List<String> debugLogging() {
    try {
      Path config = Path.of(SiloCluster.class.getResource("/logback-silo-debug.xml").toURI());
      return List.of("-Dpekko.loglevel=DEBUG", "-Dlogback.configurationFile=" + config);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  void start(int i) {
    ClassDataWarmup.ensure(logDir.getParent());
    SiloProcess.Options options =
        SiloProcess.Options.of("silo-" + (i + 1), httpPorts[i], logDir)
            .withEnv(env(i))
            .withExtraJvmArgs(jvmArgs);
    silos[i] =
        SiloProcess.start(net == null ? options : options.onHost(host(i), net.execPrefix(i + 1)));
  }

  Path logDir() {
    return logDir;
  }

  /** Every log file of this cluster's silos (all they wrote to stdout and stderr), by file name. */
  Map<String, String> logs() {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(logDir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
        out.put(
            f.getFileName().toString(), new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * Fails if {@code secret}, as it is or URL-encoded, appears in any line of any silo's log,
   * quoting the line; also fails if there is no log of every silo (a check of nothing).
   */
  void assertNotLogged(String secret) {
    Map<String, String> logs = logs();
    if (logs.size() != silos.length)
      throw new AssertionError("expected " + silos.length + " silo logs, found " + logs.keySet());
    String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
    for (Map.Entry<String, String> log : logs.entrySet()) {
      if (log.getValue().lines().count() < 10)
        throw new AssertionError(log.getKey() + " has almost nothing: " + log.getValue());
      for (String line : log.getValue().split("\n")) {
        if (line.contains(secret) || line.contains(encoded)) {
          throw new AssertionError("the secret leaked into " + log.getKey() + ": " + line);
        }
      }
    }
  }

  void startAll() {
    for (int i = 0; i < silos.length; i++) start(i);
  }

  void awaitHealthy(int i) {
    silos[i].awaitHealthy(Duration.ofSeconds(120));
  }

  /**
   * Starts every silo that is not running (a test stopped, killed or cut it) and waits until each
   * is healthy.
   */
  void startMissing() {
    List<Integer> started = new ArrayList<>();
    for (int i = 0; i < silos.length; i++) {
      if (!isAlive(i)) {
        start(i);
        started.add(i);
      }
    }
    for (int i : started) awaitHealthy(i);
  }

  void awaitAllHealthy() {
    for (int i = 0; i < silos.length; i++) awaitHealthy(i);
  }

  /** SIGTERM: the silo leaves the cluster and hands its work over. */
  void stop(int i) {
    silos[i].stop();
  }

  /** SIGKILL, as a crash would: no leaving, no handover. */
  void kill(int i) {
    silos[i].kill();
  }

  /** The silo's cluster (remoting) port, which ends its member address. */
  int clusterPort(int i) {
    return remotePorts[i];
  }

  boolean isHealthy(int i) {
    return silos[i] != null && silos[i].isAlive() && silos[i].isHealthy();
  }

  boolean isAlive(int i) {
    return silos[i] != null && silos[i].isAlive();
  }

  /** The silo's process id. */
  long pid(int i) {
    return silos[i].pid();
  }

  /** Completes with the silo's exit code when its process ends, however it ends. */
  java.util.concurrent.CompletableFuture<Integer> onExit(int i) {
    return silos[i].process().onExit();
  }

  int httpPort(int i) {
    return httpPorts[i];
  }

  int size() {
    return silos.length;
  }

  /** The sum of one counter over the silos that are running. */
  long sum(String group, String name) {
    long total = 0;
    for (int i = 0; i < silos.length; i++) {
      if (silos[i] != null && silos[i].isAlive()) total += SiloHttp.counter(api(i), group, name);
    }
    return total;
  }

  /**
   * Stops every silo still running (each SIGTERM, then SIGKILL after the stop grace): all but the
   * first at once, then the first. One after the other, three silos took 11 s to stop; all at once,
   * two took 13 s, the oldest waiting 10 s to hand its singletons to the other, which was leaving.
   */
  @Override
  public void close() {
    // Every silo but the first, at once, then the first (the founder, normally the oldest): the
    // oldest leaving at the same time as the others would try to hand its singletons over to a
    // silo that is leaving too, and wait 10 s (cluster-exiting's timeout) for it in vain.
    stopAtOnce(java.util.stream.IntStream.range(1, silos.length).mapToObj(i -> silos[i]).toList());
    if (silos.length > 0) stopAtOnce(java.util.Collections.singletonList(silos[0]));
  }

  private static void stopAtOnce(List<SiloProcess> some) {
    // A thread each: the common pool has a single thread on two cores.
    List<Thread> stops = new ArrayList<>();
    for (SiloProcess silo : some) {
      if (silo == null) continue;
      Thread t = new Thread(silo::close, "stop-" + silo.name());
      t.start();
      stops.add(t);
    }
    for (Thread t : stops) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
