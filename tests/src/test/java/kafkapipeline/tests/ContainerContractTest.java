package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kafkapipeline.launcher.Ports;
import org.junit.jupiter.api.Test;

/**
 * The silo container's contract, without Docker: the silo service's environment from
 * deploy/docker-compose.yml, run through the image's entrypoint (deploy/silo-entrypoint.sh) on the
 * built checkout, with the compose hostnames pointed at the shared test engines. What a container's
 * network gives for free (its own address, ports nobody else uses) becomes 127.0.0.1 and free
 * ports; everything else is the compose file's.
 */
class ContainerContractTest {

  /** Compose service name -> the test engine's host:port that stands in for it. */
  private static Map<String, String> standIns(Engines engines) {
    return Map.of(
        "kafka", engines.kafka.bootstrapServers(), "cassandra", engines.cassandra.contactPoint());
  }

  /** "kafka:9092,cassandra:9042" with each compose host swapped for its stand-in. */
  static String mapHosts(String value, Map<String, String> standIns) {
    StringBuilder out = new StringBuilder();
    for (String part : value.split(",", -1)) {
      String hp = part.strip();
      int colon = hp.lastIndexOf(':');
      String standIn = colon > 0 ? standIns.get(hp.substring(0, colon)) : null;
      if (out.length() > 0) out.append(',');
      out.append(standIn != null ? standIn : part);
    }
    return out.toString();
  }

  @Test
  void theSiloServiceRunThroughTheImageEntrypointBecomesHealthyAndWritesFakePeople()
      throws Exception {
    Engines engines = Engines.shared();
    ComposeFile compose = ComposeFile.load();
    engines.truncateIfExists("fakerdata");
    engines.truncateIfExists("cluster_members");
    engines.truncateIfExists("cluster_founder");

    Map<String, String> env = new HashMap<>();
    Map<String, String> standIns = standIns(engines);
    compose.environment("silo").forEach((k, v) -> env.put(k, mapHosts(v, standIns)));
    assertEquals(
        "cassandra", env.get("CLUSTER_DISCOVERY"), "silos scale through Cassandra membership");
    int httpPort = Ports.freePort();
    env.put("SILO_HOST", "127.0.0.1");
    env.put("SILO_BIND_HOST", "127.0.0.1");
    env.put("SILO_PORT", String.valueOf(Ports.freePort()));
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("HTTP_PORT", String.valueOf(httpPort));
    env.put(
        "HTTP_TOKEN", "contract-test-token"); // compose requires one from the shell or deploy/.env
    env.put("JAVA_HOME", System.getProperty("java.home"));

    Path script = compose.root.resolve("deploy/silo-entrypoint.sh");
    Path logDir = Files.createDirectories(compose.root.resolve("tests/target/container-contract"));
    Path log = logDir.resolve("silo.log");
    ProcessBuilder pb =
        new ProcessBuilder(script.toString())
            .directory(logDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // Only what the compose file sets: nothing of this JVM's environment reaches the silo's config.
    pb.environment().keySet().removeAll(compose.siloConfigVariables());
    pb.environment().keySet().removeAll(List.of("SILO_HEAP", "JAVA_OPTS", "PIPELINE_HOME"));
    pb.environment().putAll(env);
    Process silo = pb.start();
    try {
      Await.until(
          Duration.ofSeconds(120),
          () -> !silo.isAlive() || healthy(httpPort),
          () -> "no 200 from /api/health; log tail:\n" + tail(log));
      assertTrue(
          silo.isAlive(), () -> "the silo exited with " + silo.exitValue() + ":\n" + tail(log));

      // The image's HEALTHCHECK runs the same script.
      assertEquals(
          1, exitOfHealthCheck(script, Ports.freePort()), "health on a closed port must fail");
      assertEquals(
          0, exitOfHealthCheck(script, httpPort), "silo-entrypoint.sh health on a healthy silo");

      Await.until(
          Duration.ofSeconds(90),
          () -> FakerTable.count(engines.session) >= 20,
          () -> FakerTable.count(engines.session) + " rows in fakerdata; log tail:\n" + tail(log));
    } finally {
      silo.destroy(); // SIGTERM reaches the JVM: the script exec'd it
      if (!silo.waitFor(40, TimeUnit.SECONDS)) silo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    int exit = silo.exitValue();
    assertTrue(
        exit == 0 || exit == 143,
        () -> "the silo's exit code on SIGTERM was " + exit + ":\n" + tail(log));
  }

  private static int exitOfHealthCheck(Path script, int port)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(script.toString(), "health").redirectErrorStream(true);
    pb.environment().put("HTTP_PORT", String.valueOf(port));
    pb.environment().put("HTTP_HOST", "0.0.0.0"); // as in the container: probes 127.0.0.1
    Process p = pb.start();
    p.getInputStream().readAllBytes();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("silo-entrypoint.sh health did not finish within 20 s");
    }
    return p.exitValue();
  }

  private static boolean healthy(int port) {
    try {
      return SiloHttp.get(port, "/api/health").status() == 200;
    } catch (AssertionError e) {
      return false;
    }
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
