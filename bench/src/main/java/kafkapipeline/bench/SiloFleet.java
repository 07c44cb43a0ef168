package kafkapipeline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kafkapipeline.launcher.Ports;
import kafkapipeline.launcher.SiloProcess;

/**
 * Silo processes of one pipeline phase, started as {@code ./pipeline up} would (seed nodes on free
 * ports) with every source off but the persisters: {@code FAKER_RATE=0}, Wikipedia off, the SpaceX
 * API pointed at a closed local port, no weather key.
 *
 * <p>Guarantees: the constructor returns as soon as every silo JVM is spawned (so their CPU can be
 * sampled from the first moment); {@link #awaitHealthy} returns once every silo answers {@code
 * /api/health}; {@link #close()} stops every silo (SIGTERM, then SIGKILL after 30 s).
 */
final class SiloFleet implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<SiloProcess> silos = new ArrayList<>();

  /** {@code jvmArgs}: "{silo}" in an argument becomes the silo's name ("silo-1", ...). */
  SiloFleet(
      BenchEnv env,
      int count,
      String heapEach,
      Path logDir,
      List<String> jvmArgs,
      Map<String, String> extraEnv) {
    int[] clusterPorts = new int[count];
    List<String> seeds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      clusterPorts[i] = Ports.freePort();
      if (i < 2) seeds.add(Ports.HOST + ":" + clusterPorts[i]);
    }
    try {
      for (int i = 0; i < count; i++) {
        int http = Ports.freePort();
        Map<String, String> siloEnv = new HashMap<>();
        siloEnv.put("SILO_PORT", String.valueOf(clusterPorts[i]));
        siloEnv.put("HTTP_PORT", String.valueOf(http));
        siloEnv.put("SEED_NODES", String.join(",", seeds));
        siloEnv.put("KAFKA_BOOTSTRAP_SERVERS", env.kafka.bootstrapServers());
        siloEnv.put("CASSANDRA_CONTACT_POINTS", env.cassandra.contactPointList());
        siloEnv.put("CASSANDRA_REPLICATION_FACTOR", String.valueOf(env.replicationFactor()));
        siloEnv.put("KAFKA_REPLICATION_FACTOR", String.valueOf(env.replicationFactor()));
        siloEnv.put("FAKER_RATE", "0");
        siloEnv.put("WIKIPEDIA_ENABLED", "false");
        siloEnv.put("SPACEX_BASE_URL", "http://127.0.0.1:9");
        siloEnv.put("OWM_API_KEY", "");
        siloEnv.putAll(extraEnv);
        silos.add(
            SiloProcess.start(
                env.layout,
                SiloProcess.Options.of("silo-" + (i + 1), http, logDir)
                    .withEnv(siloEnv)
                    .withHeap(heapEach)
                    .withExtraJvmArgs(
                        jvmArgs.stream()
                            .map(a -> a.replace("{silo}", "silo-" + (silos.size() + 1)))
                            .toList())));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  void awaitHealthy() {
    try {
      for (SiloProcess silo : silos) silo.awaitHealthy(Duration.ofMinutes(2));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** "silo-1" to pid, in start order. */
  Map<String, Long> pids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    for (SiloProcess s : silos) pids.put(s.name(), s.pid());
    return pids;
  }

  /** The sum of {@code rows_written/fakerdata} from every silo's {@code /api/stats}. */
  long rowsWritten() {
    long total = 0;
    for (SiloProcess s : silos) {
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://" + Ports.HOST + ":" + s.httpPort() + "/api/stats"))
                    .timeout(Duration.ofSeconds(5))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        total +=
            JSON.readTree(r.body())
                .path("counters")
                .path("rows_written")
                .path("fakerdata")
                .asLong(0);
      } catch (Exception e) {
        throw new IllegalStateException(s.name() + " /api/stats failed: " + e, e);
      }
    }
    return total;
  }

  @Override
  public void close() {
    for (SiloProcess s : silos) s.stop();
  }
}
