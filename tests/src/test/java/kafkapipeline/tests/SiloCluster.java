package kafkapipeline.tests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kafkapipeline.launcher.Ports;
import kafkapipeline.launcher.SiloProcess;

/**
 * Silo processes of one test, configured through environment variables exactly as a user
 * would, against the shared {@link Engines}. The first two silos are the seed nodes. Closing
 * stops every silo still running.
 */
final class SiloCluster implements AutoCloseable {
  private final Engines engines;
  private final Path logDir;
  private final Map<String, String> extraEnv;
  private final int[] remotePorts;
  private final int[] httpPorts;
  private final SiloProcess[] silos;

  SiloCluster(Engines engines, String name, int size, Map<String, String> extraEnv) {
    this.engines = engines;
    this.logDir = engines.dataDir.resolve("logs").resolve(name);
    this.extraEnv = Map.copyOf(extraEnv);
    this.remotePorts = new int[size];
    this.httpPorts = new int[size];
    this.silos = new SiloProcess[size];
    for (int i = 0; i < size; i++) {
      remotePorts[i] = Ports.freePort();
      httpPorts[i] = Ports.freePort();
    }
  }

  private Map<String, String> env(int i) {
    List<String> seeds = new ArrayList<>();
    for (int s = 0; s < Math.min(2, remotePorts.length); s++) seeds.add("127.0.0.1:" + remotePorts[s]);
    Map<String, String> env = new HashMap<>();
    env.put("SILO_PORT", String.valueOf(remotePorts[i]));
    env.put("HTTP_PORT", String.valueOf(httpPorts[i]));
    env.put("SEED_NODES", String.join(",", seeds));
    env.put("KAFKA_BOOTSTRAP_SERVERS", engines.kafka.bootstrapServers());
    env.put("CASSANDRA_CONTACT_POINTS", engines.cassandra.contactPoint());
    env.put("SBR_STABLE_AFTER", "5s");
    env.put("WIKIPEDIA_ENABLED", "false"); // tests that want it point it at a replay server
    env.put("SPACEX_BASE_URL", "http://127.0.0.1:9"); // never the real API from a test; a test may set its own
    env.putAll(extraEnv); // a test's own settings win
    return env;
  }

  void start(int i) {
    silos[i] =
        SiloProcess.start(SiloProcess.Options.of("silo-" + (i + 1), httpPorts[i], logDir).withEnv(env(i)));
  }

  void startAll() {
    for (int i = 0; i < silos.length; i++) start(i);
  }

  void awaitHealthy(int i) {
    silos[i].awaitHealthy(Duration.ofSeconds(120));
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
      if (silos[i] != null && silos[i].isAlive()) total += SiloHttp.counter(httpPorts[i], group, name);
    }
    return total;
  }

  @Override
  public void close() {
    for (SiloProcess silo : silos) {
      if (silo != null) silo.close();
    }
  }
}
