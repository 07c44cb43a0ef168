package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The structure of deploy/docker-compose.yml that no schema check sees (CI checks the schema with
 * docker compose config or deploy/compose-check): start order, health checks, ports on 127.0.0.1
 * only, no variable for the silo that its configuration does not read, and README documenting each
 * one it does.
 */
class ComposeFileTest {
  private static final Set<String> ENTRYPOINT_VARIABLES =
      Set.of("SILO_HEAP", "JAVA_OPTS", "PIPELINE_HOME");

  private final ComposeFile compose = ComposeFile.load();

  @Test
  void servicesStartInOrderOnceTheirDependenciesAreHealthy() {
    assertTrue(
        compose
            .serviceNames()
            .containsAll(List.of("kafka", "cassandra", "silo", "client", "jupyter")),
        () -> "services: " + compose.serviceNames());
    assertTrue(compose.service("kafka").path("image").asText().startsWith("apache/kafka:"));
    assertEquals("cassandra:5.0", compose.service("cassandra").path("image").asText());
    for (String name : List.of("kafka", "cassandra", "silo", "jupyter")) {
      assertFalse(
          compose.service(name).path("healthcheck").path("test").isMissingNode(),
          name + " has no healthcheck");
    }
    assertDependsOnHealthy("silo", "kafka");
    assertDependsOnHealthy("silo", "cassandra");
    assertDependsOnHealthy("client", "silo");
    assertDependsOnHealthy("jupyter", "cassandra");
  }

  private void assertDependsOnHealthy(String service, String dependency) {
    assertEquals(
        "service_healthy",
        compose.service(service).path("depends_on").path(dependency).path("condition").asText(),
        service + " must wait for " + dependency + " to be healthy");
  }

  @Test
  void silosScaleWithoutClashesAndEveryPortIsOnLoopback() {
    JsonNode silo = compose.service("silo");
    assertTrue(silo.path("container_name").isMissingNode(), "a container_name would stop --scale");
    assertEquals("cassandra", compose.environment("silo").get("CLUSTER_DISCOVERY"));
    assertEquals("auto", compose.environment("silo").get("SILO_HOST"));
    assertTrue(
        silo.path("ports").get(0).asText().matches("127\\.0\\.0\\.1:\\d+-\\d+:8080"),
        "silo HTTP ports are a host range: " + silo.path("ports"));
    for (String name : compose.serviceNames()) {
      for (JsonNode port : compose.service(name).path("ports")) {
        assertTrue(
            port.asText().startsWith("127.0.0.1:"),
            name + " publishes " + port + " beyond 127.0.0.1");
      }
    }
    assertTrue(compose.service("client").path("entrypoint").toString().contains("client.sh"));
    for (String volume : List.of("kafka-data", "cassandra-data")) {
      assertTrue(compose.yaml.path("volumes").has(volume), "named volume " + volume);
    }
  }

  @Test
  void theSiloGetsOnlyVariablesItReadsAndReadmeDocumentsEachOne() throws Exception {
    Set<String> known = new TreeSet<>(compose.siloConfigVariables());
    known.addAll(ENTRYPOINT_VARIABLES);
    Set<String> unknown = new TreeSet<>(compose.environmentNames("silo"));
    unknown.removeAll(known);
    assertTrue(unknown.isEmpty(), () -> "the silo reads none of " + unknown);

    String readme = Files.readString(compose.root.resolve("README.md"));
    Set<String> undocumented = new TreeSet<>();
    for (String name : known) if (!readme.contains("`" + name + "`")) undocumented.add(name);
    assertTrue(undocumented.isEmpty(), () -> "README.md's environment table lacks " + undocumented);
  }
}
