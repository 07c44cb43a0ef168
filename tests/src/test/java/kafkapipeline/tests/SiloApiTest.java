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

      SiloHttp.Response rate = SiloHttp.send(api, "PUT", "/api/sources/faker/rate", "{\"rate\": 50}");
      assertEquals(200, rate.status(), rate.body().toString());
      assertEquals(50.0, rate.body().path("eventsPerSecond").asDouble());
      Await.until(Duration.ofSeconds(30),
          () -> SiloHttp.counter(api, "rows_written", "fakerdata") > 0, () -> "no rows at 50/s");
      for (String bad : List.of("{\"rate\": -1}", "{\"rate\": \"fast\"}", "{}", "not json")) {
        SiloHttp.Response r = SiloHttp.send(api, "PUT", "/api/sources/faker/rate", bad);
        assertEquals(400, r.status(), bad + " -> " + r.body());
        assertTrue(!r.body().path("error").asText().isBlank(), bad + " -> " + r.body());
      }

      List<String> names = new ArrayList<>();
      SiloHttp.get(api, "/api/sources").body().forEach(s -> names.add(s.path("name").asText()));
      assertEquals(List.of("faker", "weather", "wikipedia", "spacex"), names);

      JsonNode status = SiloHttp.get(api, "/api/status").body();
      assertEquals(1, status.path("silos").size(), status.toString());
      assertTrue(status.path("rows").path("fakerdata").asLong() > 0, status.toString());

      JsonNode rows = SiloHttp.get(api, "/api/rows/fakerdata?limit=3").body();
      assertEquals("fakerdata", rows.path("table").asText());
      assertTrue(rows.path("columns").toString().contains("\"credit_card_number\""), rows.toString());
      assertEquals(3, rows.path("rows").size(), rows.toString());

      assertError(SiloHttp.get(api, "/api/rows/system_auth"), 400, "unknown table: system_auth (known: fakerdata, spacex_launches, weatherreport, wikipediadata)");
      assertError(SiloHttp.get(api, "/api/rows/fakerdata?limit=0"), 400, "limit must be a whole number from 1 to 1000");
      assertError(SiloHttp.get(api, "/api/rows/fakerdata?limit=abc"), 400, "limit must be a whole number from 1 to 1000");
      assertEquals(404, SiloHttp.get(api, "/api/nothing").status());
      assertEquals(404, SiloHttp.send(api, "DELETE", "/api/cities/nowhere", null).status());
      assertEquals(405, SiloHttp.send(api, "DELETE", "/api/status", null).status());
    }
  }

  private static void assertError(SiloHttp.Response r, int status, String message) {
    assertEquals(status, r.status(), r.body().toString());
    assertEquals(message, r.body().path("error").asText());
  }
}
