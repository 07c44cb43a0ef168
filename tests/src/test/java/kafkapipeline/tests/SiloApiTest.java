package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The silo's JSON API as a client sees it, bad requests included. */
class SiloApiTest {

  @Test
  void fakerRateSourcesStatusRowsAndErrors() {
    Engines engines = Engines.shared();
    try (SiloCluster silos = new SiloCluster(engines, "api", 1, Map.of("FAKER_RATE", "0"))) {
      silos.startAll();
      silos.awaitAllHealthy();
      int api = silos.httpPort(0);
      assertTheEnginesAreListed(api, engines);

      SiloHttp.Response rate =
          SiloHttp.send(api, "PUT", "/api/sources/faker/rate", "{\"rate\": 50}");
      assertEquals(200, rate.status(), rate.body().toString());
      assertEquals(50.0, rate.body().path("eventsPerSecond").asDouble());
      Await.until(
          Duration.ofSeconds(30),
          () -> SiloHttp.counter(api, "rows_written", "fakerdata") > 0,
          () -> "no rows at 50/s");
      for (String bad : List.of("{\"rate\": -1}", "{\"rate\": \"fast\"}", "{}", "not json")) {
        SiloHttp.Response r = SiloHttp.send(api, "PUT", "/api/sources/faker/rate", bad);
        assertEquals(400, r.status(), bad + " -> " + r.body());
        assertTrue(!r.body().path("error").asText().isBlank(), bad + " -> " + r.body());
      }

      List<String> names = new ArrayList<>();
      JsonNode sources = SiloHttp.get(api, "/api/sources").body();
      sources.forEach(s -> names.add(s.path("name").asText()));
      assertEquals(List.of("faker", "weather", "wikipedia", "spacex"), names);
      // Rows may come from records an earlier test left in the topic: wait for the faker's own
      // batch.
      Await.until(
          Duration.ofSeconds(30),
          () -> SiloHttp.get(api, "/api/sources").body().get(0).hasNonNull("lastEventTime"),
          () ->
              "the faker's last published batch: "
                  + SiloHttp.get(api, "/api/sources").body().get(0));

      JsonNode status = SiloHttp.get(api, "/api/status").body();
      assertEquals(1, status.path("silos").size(), status.toString());
      // Rows without a count(*): the persisters' counter (the one silo's, exactly) and
      // Cassandra's estimate (a number: the one node answered; 0 until a flush), each labelled.
      JsonNode faker = status.path("rows").path("fakerdata");
      long counted =
          status
              .path("silos")
              .path(0)
              .path("vitals")
              .path("counters")
              .path("rows_written")
              .path("fakerdata")
              .asLong(-1);
      assertTrue(counted > 0, status.toString());
      assertEquals(counted, faker.path("writtenSinceStart").asLong(-2), status.toString());
      assertTrue(faker.path("estimatedPartitions").asLong(-1) >= 0, status.toString());
      assertEquals(4, status.path("rows").size(), "every source's table: " + status.path("rows"));
      assertTrue(
          status.path("rowsSources").path("writtenSinceStart").asText().contains("1 of 1 silos"),
          status.toString());
      assertTrue(
          status.path("rowsSources").path("estimatedPartitions").asText().contains("1 of 1 nodes"),
          status.toString());

      JsonNode rows = SiloHttp.get(api, "/api/rows/fakerdata?limit=3").body();
      assertEquals("fakerdata", rows.path("table").asText());
      assertTrue(
          rows.path("columns").toString().contains("\"credit_card_number\""), rows.toString());
      assertEquals(3, rows.path("rows").size(), rows.toString());

      assertError(
          SiloHttp.get(api, "/api/rows/system_auth"),
          404,
          "unknown table: system_auth (known: fakerdata, spacex_launches, weatherreport, wikipediadata)");
      assertError(
          SiloHttp.get(api, "/api/rows/fakerdata?limit=0"),
          400,
          "limit must be a whole number from 1 to 1000");
      assertError(
          SiloHttp.get(api, "/api/rows/fakerdata?limit=abc"),
          400,
          "limit must be a whole number from 1 to 1000");
      assertEquals(404, SiloHttp.get(api, "/api/nothing").status());
      assertEquals(404, SiloHttp.send(api, "DELETE", "/api/cities/nowhere", null).status());
      assertEquals(405, SiloHttp.send(api, "DELETE", "/api/status", null).status());

      assertTheConsoleClientReadsThisSilo(api);
    }
  }

  /**
   * /api/health lists the one broker (id 1, the controller) and the one node, both up, the keyspace
   * at RF 1 and the configured consistency (the default, LOCAL_QUORUM).
   */
  static void assertTheEnginesAreListed(int api, Engines engines) {
    // A Kafka refresh slower than the health budget leaves the view before it: wait for a fresh
    // one.
    EngineStates.awaitBrokers(api, Map.of("1", "up"), Duration.ofSeconds(30));
    EngineStates.awaitNodes(
        api, Map.of(engines.cassandra.contactPoint(), "up"), Duration.ofSeconds(30));
    JsonNode seen = EngineStates.engines(SiloHttp.At.loopback(api));
    JsonNode kafka = seen.path("kafka");
    assertTrue(kafka.path("answered").asBoolean(), seen.toString());
    assertEquals(1, kafka.path("brokers").size(), seen.toString());
    assertEquals(1, kafka.path("controller").asInt(), seen.toString());
    JsonNode broker = kafka.path("brokers").path(0);
    assertEquals(1, broker.path("id").asInt(), seen.toString());
    assertEquals(
        engines.kafka.bootstrapServers(), broker.path("address").asText(), seen.toString());
    assertTrue(broker.path("controller").asBoolean(), seen.toString());
    JsonNode cassandra = seen.path("cassandra");
    assertTrue(cassandra.path("connected").asBoolean(), seen.toString());
    assertEquals(1, cassandra.path("nodes").size(), seen.toString());
    JsonNode node = cassandra.path("nodes").path(0);
    assertEquals(engines.cassandra.contactPoint(), node.path("address").asText(), seen.toString());
    assertEquals("datacenter1", node.path("datacenter").asText(), seen.toString());
    assertEquals("up", node.path("state").asText(), seen.toString());
    assertEquals("kafkapipeline", cassandra.path("keyspace").asText(), seen.toString());
    assertEquals(1, cassandra.at("/replication/replicationFactor").asInt(), seen.toString());
    assertEquals("LOCAL_QUORUM", cassandra.at("/consistency/write").asText(), seen.toString());
    assertEquals("LOCAL_QUORUM", cassandra.at("/consistency/read").asText(), seen.toString());
  }

  /** The client's own DTOs against the real API: its tables, and the silo's errors passed on. */
  private static void assertTheConsoleClientReadsThisSilo(int api) {
    String silo = "http://127.0.0.1:" + api;
    Client status = Client.run("--silo", silo, "status");
    assertEquals(0, status.code(), status.err());
    assertTrue(status.out().startsWith("SILO "), status.out());
    assertTrue(
        status.out().contains("faker-source") && status.out().contains("fakerdata"), status.out());
    Client sources = Client.run("--silo", silo, "sources");
    assertEquals(0, sources.code(), sources.err());
    for (String name : List.of("faker ", "weather ", "wikipedia ", "spacex ")) {
      assertTrue(sources.out().contains("\n" + name), name + " missing in\n" + sources.out());
    }
    Client rows = Client.run("--silo", silo, "rows", "fakerdata", "--limit", "2");
    assertEquals(0, rows.code(), rows.err());
    assertEquals(3, rows.out().strip().split("\n").length, "a header and two rows:\n" + rows.out());
    Client rate = Client.run("--silo", silo, "faker-rate", "0");
    assertEquals(0, rate.code(), rate.err());
    assertTrue(rate.out().startsWith("faker rate is now 0.0 people/s"), rate.out());

    Client unknownTable = Client.run("--silo", silo, "rows", "system_auth");
    assertEquals(1, unknownTable.code());
    assertTrue(unknownTable.err().startsWith("unknown table: system_auth"), unknownTable.err());
    Client unknownCity = Client.run("--silo", silo, "remove-city", "Atlantis");
    assertEquals(1, unknownCity.code());
    assertTrue(unknownCity.err().contains("atlantis"), unknownCity.err());
    assertEquals(2, Client.run("--silo", silo, "add-city", "Lon\"don").code());
    assertEquals(3, Client.run("--silo", "http://127.0.0.1:1", "cities").code());
  }

  /** One run of the console client, in this JVM. */
  private record Client(int code, String out, String err) {
    static Client run(String... args) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      int code =
          kafkapipeline.client.Main.run(
              List.of(args),
              new java.io.ByteArrayInputStream(new byte[0]),
              new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
              new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
      return new Client(
          code,
          out.toString(java.nio.charset.StandardCharsets.UTF_8),
          err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private static void assertError(SiloHttp.Response r, int status, String message) {
    assertEquals(status, r.status(), r.body().toString());
    assertEquals(message, r.body().path("error").asText());
  }
}
