package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * deploy/'s Grafana dashboard and Prometheus scrape file agree with each other and with the silo,
 * without servers: every panel has a query, every panel uses the provisioned data source, the
 * scrape job reads /metrics on the silo's HTTP port with the token from a file, and the query
 * parser finds exactly the metrics of known expressions. {@link DashboardApiTest} checks each
 * metric the dashboard names against a live silo's /metrics.
 */
class GrafanaDashboardTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void everyPanelQueriesTheProvisionedPrometheus() throws Exception {
    GrafanaDashboard dashboard = GrafanaDashboard.load();
    JsonNode datasources =
        YAML.readTree(
            Files.readString(
                Path.of(
                    "..", "deploy", "grafana", "provisioning", "datasources", "prometheus.yml")));
    String uid = datasources.path("datasources").path(0).path("uid").asText();
    assertEquals("prometheus", datasources.path("datasources").path(0).path("type").asText());
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : dashboard.json.path("panels")) {
      String title = panel.path("title").asText();
      assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique: " + title);
      assertEquals(uid, panel.path("datasource").path("uid").asText(), title);
      assertFalse(panel.path("targets").isEmpty(), title + " has no query");
      for (JsonNode t : panel.path("targets"))
        assertFalse(GrafanaDashboard.metricsOf(t.path("expr").asText()).isEmpty(), title);
    }
    assertTrue(ids.size() >= 10, "panels: " + ids.size());
  }

  @Test
  void prometheusScrapesEverySiloReplicaWithTheTokenFromAFile() throws Exception {
    JsonNode prometheus =
        YAML.readTree(Files.readString(Path.of("..", "deploy", "prometheus", "prometheus.yml")));
    JsonNode job = prometheus.path("scrape_configs").path(0);
    assertEquals("/metrics", job.path("metrics_path").asText());
    assertEquals("Bearer", job.path("authorization").path("type").asText());
    assertEquals(
        "/etc/prometheus/http-token", job.path("authorization").path("credentials_file").asText());
    JsonNode dns = job.path("dns_sd_configs").path(0);
    assertEquals(List.of("silo"), List.of(dns.path("names").path(0).asText()));
    ComposeFile compose = ComposeFile.load();
    assertEquals(
        compose.service("silo").path("environment").path("HTTP_PORT").asText(),
        dns.path("port").asText(),
        "Prometheus scrapes the silo's HTTP port");
  }

  @Test
  void theParserFindsTheMetricsOfAQuery() {
    assertEquals(
        Set.of("pipeline_grain_handling_seconds_bucket"),
        GrafanaDashboard.metricsOf(
            "histogram_quantile(0.99, sum by (grain, le) (rate(pipeline_grain_handling_seconds_bucket{grain=~\"a|b\"}[5m])))"));
    assertEquals(
        Set.of("a_total", "b_seconds"),
        GrafanaDashboard.metricsOf(
            "sum without (x) (a_total) / on (y) group_left b_seconds > 1e3"));
    assertEquals(
        Set.of("up"), GrafanaDashboard.metricsOf("max by (kind) (up{job=\"by (x)\"}) offset 5m"));
  }
}
