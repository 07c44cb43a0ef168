package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dashboard's page, its JSON endpoints, /metrics and the token, as a client sees them. */
class DashboardApiTest {
  private final Engines engines = Engines.shared();

  @Test
  void pageEndpointsAndMetrics() {
    try (SiloCluster silos =
        new SiloCluster(engines, "dashboard-api", 1, Map.of("FAKER_RATE", "50"))) {
      silos.startAll();
      silos.awaitAllHealthy();
      int api = silos.httpPort(0);
      Await.until(
          Duration.ofSeconds(30),
          () -> SiloHttp.counter(api, "rows_written", "fakerdata") > 0,
          () -> "no rows");

      SiloHttp.Text page = SiloHttp.text(api, "/", Map.of());
      assertEquals(200, page.status());
      assertTrue(page.contentType().startsWith("text/html"), page.contentType());
      assertTrue(page.body().contains("dashboard/dashboard.js"), page.body());
      assertEquals(200, SiloHttp.text(api, "/dashboard/charts.js", Map.of()).status());
      assertEquals(404, SiloHttp.text(api, "/dashboard/nothing.js", Map.of()).status());

      JsonNode status = SiloHttp.get(api, "/api/status?rows=false").body();
      JsonNode silo = status.path("silos").path(0);
      assertEquals("Up", silo.path("status").asText(), status.toString());
      assertTrue(silo.path("roles").isArray(), status.toString());
      assertTrue(silo.path("vitals").path("heapUsed").asLong() > 0, status.toString());
      assertTrue(silo.path("vitals").path("uptimeSeconds").asLong() >= 0, status.toString());
      assertTrue(silo.path("vitals").has("cpu"), status.toString());
      assertTrue(
          silo.path("vitals").path("counters").path("rows_written").path("fakerdata").asLong() > 0,
          status.toString());
      // Write latency: batches written and their summed write time, per table.
      JsonNode counters = silo.path("vitals").path("counters");
      assertTrue(
          counters.path("write_batches").path("fakerdata").asLong() > 0, counters.toString());
      assertTrue(
          counters.path("write_batch_micros").path("fakerdata").asLong()
              >= counters.path("write_batches").path("fakerdata").asLong(),
          "at least a microsecond per batch: " + counters);
      assertProfile(silo.path("vitals").path("profile"));
      assertEquals(0, silo.path("grains").path("city-weather").asInt(-1), status.toString());
      assertTrue(
          silo.path("grains").path("singletons").toString().contains("spacex-source"),
          status.toString());
      assertEquals(0, status.path("rows").size(), "rows=false counts nothing: " + status);

      JsonNode events = SiloHttp.get(api, "/api/cluster/events").body();
      assertTrue(events.isArray() && events.size() >= 1, events.toString());
      assertTrue(
          events.path(0).has("silo") && events.path(0).has("event") && events.path(0).has("at"),
          events.toString());

      Await.until(
          Duration.ofSeconds(30),
          () -> committed(api, "faker") > 0,
          () -> "no committed offset for faker");
      JsonNode lag = SiloHttp.get(api, "/api/kafka/lag").body();
      JsonNode first = lag.path(0);
      for (String field :
          List.of("topic", "partition", "endOffset", "committed", "lag", "member")) {
        assertTrue(first.has(field), field + " missing: " + first);
      }

      JsonNode series = SiloHttp.get(api, "/api/weather/series?city=London,GB&limit=5").body();
      assertEquals("london,gb", series.path("city").asText());
      assertTrue(series.path("points").isArray(), series.toString());
      JsonNode wiki = SiloHttp.get(api, "/api/wikipedia/recent?limit=5").body();
      assertTrue(
          wiki.has("sampled") && wiki.path("byWiki").isObject() && wiki.path("changes").isArray(),
          wiki.toString());
      assertTrue(SiloHttp.get(api, "/api/spacex/upcoming").body().isArray());

      assertBad(api, "/api/weather/series", "city: city name is empty");
      assertBad(
          api,
          "/api/weather/series?city=london,gb&limit=0",
          "limit must be a whole number from 1 to 1000");
      assertBad(
          api, "/api/weather/series?city=lon%22don", "city: city name contains a quote character");
      assertBad(
          api, "/api/wikipedia/recent?limit=abc", "limit must be a whole number from 1 to 1000");
      assertBad(
          api, "/api/spacex/upcoming?limit=5000", "limit must be a whole number from 1 to 1000");
      assertBad(api, "/api/status?rows=maybe", "rows must be true or false");

      SiloHttp.Text metrics = SiloHttp.text(api, "/metrics", Map.of());
      assertEquals(200, metrics.status());
      assertTrue(
          metrics.contentType().startsWith("text/plain")
              && metrics.contentType().contains("version=0.0.4"),
          metrics.contentType());
      List<PrometheusText.Sample> samples = PrometheusText.parse(metrics.body());
      assertTrue(
          PrometheusText.value(
                  samples, "pipeline_events_total", Map.of("group", "produced", "name", "faker"))
              > 0,
          metrics.body());
      assertTrue(
          PrometheusText.value(
                  samples,
                  "pipeline_events_total",
                  Map.of("group", "rows_written", "name", "fakerdata"))
              > 0);
      assertTrue(PrometheusText.value(samples, "jvm_memory_heap_used_bytes", Map.of()) > 0);
      assertTrue(PrometheusText.value(samples, "process_cpu_seconds_total", Map.of()) > 0);
      assertEquals(
          1.0, PrometheusText.value(samples, "pipeline_cluster_members", Map.of("status", "Up")));
      assertEquals(1.0, PrometheusText.value(samples, "pipeline_kafka_lag_up", Map.of()));
      assertTrue(
          PrometheusText.value(
                  samples,
                  "pipeline_kafka_consumer_lag",
                  Map.of("topic", "faker", "partition", "0", "group", "persister-faker"))
              >= 0,
          metrics.body());
      assertEngineGauges(samples, metrics.body());
      assertEveryGrafanaMetricIsExported(samples, metrics.body());
      assertGrainSeries(samples, metrics.body());
    }
  }

  /**
   * Each metric a query of deploy/'s Grafana dashboard names is one this silo exports: a sample's
   * name, or declared by a TYPE line (a series with no sample now, such as an alert that is not
   * active), a histogram's also with _bucket, _sum and _count.
   */
  private static void assertEveryGrafanaMetricIsExported(
      List<PrometheusText.Sample> samples, String text) {
    java.util.Set<String> exported = new java.util.TreeSet<>();
    samples.forEach(s -> exported.add(s.name()));
    for (String line : text.split("\n")) {
      String[] parts = line.split(" ");
      if (parts.length == 4 && parts[0].equals("#") && parts[1].equals("TYPE")) {
        exported.add(parts[2]);
        if (parts[3].equals("histogram") || parts[3].equals("summary"))
          for (String suffix : List.of("_bucket", "_sum", "_count"))
            exported.add(parts[2] + suffix);
      }
    }
    java.util.Set<String> missing = new java.util.TreeSet<>(GrafanaDashboard.load().metrics());
    missing.removeAll(exported);
    assertEquals(
        java.util.Set.of(), missing, "metrics the Grafana dashboard queries, not exported");
  }

  /**
   * The grain profile of the one silo: the faker singleton and the persisters run here and handled
   * messages; every entry has one bucket per bound and +Inf, summing to its messages.
   */
  private static void assertProfile(JsonNode profile) {
    assertEquals(
        kafkapipeline.grains.profile.GrainProfiler.BOUNDS_MICROS.size(),
        profile.path("boundsMicros").size(),
        profile.toString());
    assertEquals(1, profile.path("active").path("faker-source").asLong(-1), profile.toString());
    assertTrue(profile.path("active").path("persister").asLong() >= 1, profile.toString());
    long faker = 0;
    for (JsonNode e : profile.path("grains")) {
      assertEquals(
          kafkapipeline.grains.profile.GrainProfiler.BUCKETS,
          e.path("buckets").size(),
          e.toString());
      long sum = 0;
      for (JsonNode b : e.path("buckets")) sum += b.asLong();
      assertEquals(e.path("messages").asLong(), sum, e.toString());
      if (e.path("grain").asText().equals("faker-source")) faker += e.path("messages").asLong();
    }
    assertTrue(faker > 0, profile.toString());
  }

  /** The profile on /metrics: each histogram's +Inf bucket is its count; active persisters. */
  private static void assertGrainSeries(List<PrometheusText.Sample> samples, String body) {
    assertTrue(
        PrometheusText.value(samples, "pipeline_grain_active", Map.of("grain", "persister")) >= 1,
        body);
    int histograms = 0;
    for (PrometheusText.Sample s : samples) {
      if (!s.name().equals("pipeline_grain_handling_seconds_count")) continue;
      histograms++;
      Map<String, String> inf = new java.util.TreeMap<>(s.labels());
      inf.put("le", "+Inf");
      assertEquals(
          s.value(),
          PrometheusText.value(samples, "pipeline_grain_handling_seconds_bucket", inf),
          s.toString());
    }
    assertTrue(histograms > 0, body);
  }

  @Test
  void aTokenGuardsTheApiTheMetricsAndThePage() {
    try (SiloCluster silos =
        new SiloCluster(
            engines, "dashboard-token", 1, Map.of("FAKER_RATE", "0", "HTTP_TOKEN", "s3cret"))) {
      silos.startAll();
      silos.awaitAllHealthy();
      int api = silos.httpPort(0);
      // Liveness probes carry no token: health answers without one, naming no engine address.
      SiloHttp.Text bare = SiloHttp.text(api, "/api/health", Map.of());
      assertEquals(200, bare.status(), bare.body());
      assertFalse(bare.body().contains(engines.kafka.bootstrapServers()), bare.body());
      assertFalse(bare.body().contains(engines.cassandra.contactPoint()), bare.body());
      assertTrue(
          SiloHttp.text(api, "/api/health", Map.of("Authorization", "bearer s3cret"))
              .body()
              .contains(engines.kafka.bootstrapServers()));
      for (String path :
          List.of(
              "/api/stats", "/api/status?rows=false", "/metrics", "/", "/dashboard/dashboard.js")) {
        SiloHttp.Text denied = SiloHttp.text(api, path, Map.of());
        assertEquals(401, denied.status(), path + " -> " + denied.body());
        assertTrue(denied.body().contains("\"error\""), denied.body());
        assertEquals(
            401, SiloHttp.text(api, path, Map.of("Authorization", "Bearer wrong")).status(), path);
        assertEquals(
            200, SiloHttp.text(api, path, Map.of("Authorization", "Bearer s3cret")).status(), path);
      }
      // The token leaves the URL: a 303 to it without the token, setting the cookie (its
      // attributes: TokenAuthTest).
      SiloHttp.Text page = SiloHttp.text(api, "/?token=s3cret", Map.of());
      assertEquals(303, page.status(), page.body());
      assertEquals(
          200,
          SiloHttp.text(api, "/api/sources", Map.of("Cookie", "pipeline_token=s3cret")).status());
      assertEquals(401, SiloHttp.text(api, "/api/sources?token=nope", Map.of()).status());
    }
  }

  /** One broker and one node up, RF 1, both consistencies LOCAL_QUORUM: exactly these series. */
  private void assertEngineGauges(List<PrometheusText.Sample> samples, String body) {
    assertEquals(
        List.of(
            new PrometheusText.Sample(
                "pipeline_kafka_broker_up",
                Map.of("broker", "1", "address", engines.kafka.bootstrapServers()),
                1.0)),
        family(samples, "pipeline_kafka_broker_up"),
        body);
    assertEquals(1.0, PrometheusText.value(samples, "pipeline_kafka_controller", Map.of()), body);
    assertEquals(
        List.of(
            new PrometheusText.Sample(
                "pipeline_cassandra_node_up",
                Map.of("node", engines.cassandra.contactPoint(), "datacenter", "datacenter1"),
                1.0)),
        family(samples, "pipeline_cassandra_node_up"),
        body);
    List<PrometheusText.Sample> rf = family(samples, "pipeline_cassandra_replication_factor");
    assertEquals(1, rf.size(), body);
    assertEquals("kafkapipeline", rf.get(0).labels().get("keyspace"), body);
    assertEquals(1.0, rf.get(0).value(), body);
    assertEquals(
        List.of(
            new PrometheusText.Sample(
                "pipeline_cassandra_consistency_info",
                Map.of("operation", "write", "level", "LOCAL_QUORUM"),
                1.0),
            new PrometheusText.Sample(
                "pipeline_cassandra_consistency_info",
                Map.of("operation", "read", "level", "LOCAL_QUORUM"),
                1.0)),
        family(samples, "pipeline_cassandra_consistency_info"),
        body);
  }

  private static List<PrometheusText.Sample> family(
      List<PrometheusText.Sample> samples, String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  private static long committed(int api, String topic) {
    long sum = 0;
    for (JsonNode p : SiloHttp.get(api, "/api/kafka/lag").body()) {
      if (topic.equals(p.path("topic").asText())) sum += p.path("committed").asLong(0);
    }
    return sum;
  }

  private static void assertBad(int api, String path, String message) {
    SiloHttp.Response r = SiloHttp.get(api, path);
    assertEquals(400, r.status(), path + " -> " + r.body());
    assertEquals(message, r.body().path("error").asText(), path);
  }
}
