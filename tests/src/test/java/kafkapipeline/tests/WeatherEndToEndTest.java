package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cities added through the API, polled by their grains against recorded OpenWeatherMap answers,
 * land in {@code weatherreport}; the registry survives a restart of every silo. The API key appears
 * in no answer of the API and in no line of any silo's log, also at DEBUG level and when the
 * weather server fails, drops the connection or echoes the request URL with the key.
 */
class WeatherEndToEndTest {
  private final Engines engines = Engines.shared();

  private static Map<String, String> env(OwmReplayServer owm, String key) {
    return Map.of(
        "OWM_BASE_URL",
        owm.baseUrl(),
        "OWM_API_KEY",
        key,
        "WEATHER_INTERVAL",
        "2s",
        "FAKER_RATE",
        "0");
  }

  private JsonNode city(int port, String id) {
    for (JsonNode c : SiloHttp.get(port, "/api/cities").body()) {
      if (id.equals(c.path("id").asText())) return c;
    }
    return null;
  }

  private List<Row> londonRows() {
    return engines
        .session
        .execute("SELECT * FROM kafkapipeline.weatherreport WHERE location = 'london,gb'")
        .all();
  }

  @Test
  void citiesAreValidatedPolledPersistedAndSurviveARestartOfEverySilo() throws Exception {
    try (OwmReplayServer owm = new OwmReplayServer()) {
      try (SiloCluster silos =
          new SiloCluster(engines, "weather", 2, env(owm, OwmReplayServer.KEY))) {
        silos.startAll();
        silos.awaitAllHealthy();
        int api = silos.httpPort(0);
        if (city(api, "london,gb") != null)
          assertEquals(204, SiloHttp.send(api, "DELETE", "/api/cities/london,gb", null).status());

        SiloHttp.Response added =
            SiloHttp.send(api, "POST", "/api/cities", "{\"city\":\"London,GB\"}");
        assertEquals(201, added.status(), added.body().toString());
        assertEquals("london,gb", added.body().path("id").asText());
        SiloHttp.Response again =
            SiloHttp.send(silos.httpPort(1), "POST", "/api/cities", "{\"city\":\"london,gb\"}");
        assertEquals(200, again.status(), "adding twice is a no-op: " + again.body());

        SiloHttp.Response unknown =
            SiloHttp.send(api, "POST", "/api/cities", "{\"city\":\"Atlantis\"}");
        assertEquals(404, unknown.status());
        assertEquals("city not found: Atlantis", unknown.body().path("error").asText());
        SiloHttp.Response quoted =
            SiloHttp.send(api, "POST", "/api/cities", "{\"city\":\"Lon\\\"don\"}");
        assertEquals(400, quoted.status());
        assertEquals("city name contains a quote character", quoted.body().path("error").asText());
        assertEquals(400, SiloHttp.send(api, "POST", "/api/cities", "{not json").status());

        Await.until(
            Duration.ofSeconds(60),
            () -> !londonRows().isEmpty(),
            () -> "no weatherreport row for london,gb");
        Row row = londonRows().get(0);
        // The recorded answer: dt 1588044368, 282.57, light rain.
        assertEquals(Instant.ofEpochSecond(1588044368), row.getInstant("forecastdate"));
        assertEquals(282.57f, row.getFloat("temp"), 0.001);
        assertEquals("light rain", row.getString("description"));
        assertEquals(
            1, londonRows().size(), "polling the same observation again writes the same row");
        Await.until(
            Duration.ofSeconds(30),
            () -> "reporting".equals(city(api, "london,gb").path("state").asText()),
            () -> String.valueOf(city(api, "london,gb")));
        assertTrue(
            SiloHttp.get(api, "/api/cities").body().size() == 1, "Atlantis must not be registered");
        silos.assertNotLogged(OwmReplayServer.KEY);
      }

      int callsBeforeRestart = owm.calls.get();
      try (SiloCluster restarted =
          new SiloCluster(engines, "weather-restarted", 1, env(owm, OwmReplayServer.KEY))) {
        restarted.startAll();
        restarted.awaitAllHealthy();
        int api = restarted.httpPort(0);
        Await.until(
            Duration.ofSeconds(60),
            () -> owm.calls.get() > callsBeforeRestart + 1,
            () -> "the London grain did not come back: " + city(api, "london,gb"));
        assertEquals("reporting", city(api, "london,gb").path("state").asText());

        assertEquals(204, SiloHttp.send(api, "DELETE", "/api/cities/london,gb", null).status());
        assertEquals(404, SiloHttp.send(api, "DELETE", "/api/cities/london,gb", null).status());
        int callsAfterRemove = owm.calls.get();
        Thread.sleep(5_000); // two and a half polling intervals: a running grain would call again
        assertTrue(owm.calls.get() <= callsAfterRemove + 1, "a removed city keeps polling");
        assertEquals(1, londonRows().size(), "the rows stay");
        restarted.assertNotLogged(OwmReplayServer.KEY);
      }
    }
  }

  @Test
  void aRejectedKeyMarksTheCityFailingWithTheReasonAndNeverLeaksTheKey() throws Exception {
    try (OwmReplayServer owm = new OwmReplayServer();
        SiloCluster silos = new SiloCluster(engines, "weather-401", 1, env(owm, "wrong-key-456"))) {
      silos.startAll();
      silos.awaitAllHealthy();
      SiloHttp.Response added =
          SiloHttp.send(silos.httpPort(0), "POST", "/api/cities", "{\"city\":\"London,GB\"}");
      assertEquals(502, added.status(), added.body().toString());
      assertTrue(
          added.body().path("error").asText().startsWith("API key rejected (401)"),
          added.body().toString());
      assertTrue(
          !added.body().toString().contains("wrong-key-456"), "the key leaked: " + added.body());
      silos.assertNotLogged("wrong-key-456");
    }
  }

  @Test
  void theKeyIsInNoAnswerAndNoLogLineEvenAtDebugWhenTheServerFailsOrEchoesIt() throws Exception {
    try (OwmReplayServer owm = new OwmReplayServer();
        SiloCluster silos =
            new SiloCluster(engines, "weather-key-debug", 1, env(owm, OwmReplayServer.KEY))
                .withJvmArgs(SiloCluster.debugLogging())) {
      silos.startAll();
      silos.awaitAllHealthy();
      int api = silos.httpPort(0);
      // Validating a city against a server that answers 500 with the URL (key included) as its
      // body.
      owm.misbehaveNext.set(1);
      SiloHttp.Response refused =
          SiloHttp.send(api, "POST", "/api/cities", "{\"city\":\"London,GB\"}");
      assertEquals(502, refused.status(), refused.body().toString());
      assertTrue(
          refused.body().path("error").asText().contains("appid=***"), refused.body().toString());
      assertNoKey(refused.body());

      assertEquals(
          201, SiloHttp.send(api, "POST", "/api/cities", "{\"city\":\"London,GB\"}").status());
      Await.until(
          Duration.ofSeconds(30),
          () -> "reporting".equals(city(api, "london,gb").path("state").asText()),
          () -> String.valueOf(city(api, "london,gb")));
      // Polls against a truncated 200 echoing the URL, a dropped connection, and the 500 again.
      owm.misbehaveNext.set(3);
      Await.until(
          Duration.ofSeconds(30),
          () -> "failing".equals(city(api, "london,gb").path("state").asText()),
          () -> String.valueOf(city(api, "london,gb")));
      assertNoKey(SiloHttp.get(api, "/api/cities").body());
      assertNoKey(SiloHttp.get(api, "/api/sources").body());
      // Backoff: 2 then 4 s (each +-20 %) before a poll is answered again.
      Await.until(
          Duration.ofSeconds(60),
          () -> "reporting".equals(city(api, "london,gb").path("state").asText()),
          () -> String.valueOf(city(api, "london,gb")));
      assertEquals(0, owm.misbehaveNext.get(), "three misbehaving answers were given");
      assertEquals(204, SiloHttp.send(api, "DELETE", "/api/cities/london,gb", null).status());

      String log = silos.logs().get("silo-1.log");
      assertTrue(log.contains(" DEBUG "), "the silo did not log at DEBUG");
      // Two failed polls: the truncated 200, then the dropped connection, which the JDK client
      // retries at once (a GET on a reused connection), getting the echoing 500.
      List<String> failing =
          log.lines().filter(l -> l.contains("Weather of london,gb failing (")).toList();
      assertEquals(2, failing.size(), String.valueOf(failing));
      assertTrue(
          failing.get(0).contains("malformed weather JSON for London,GB: not JSON"),
          failing.get(0));
      assertTrue(
          failing
              .get(1)
              .contains(
                  "HTTP 500: upstream failed: GET http://127.0.0.1/data/2.5/weather?id=2643743"
                      + "&units=metric&appid=***"),
          failing.get(1));
      assertTrue(log.contains("appid=***"), "the echoed URLs are logged redacted");
      silos.assertNotLogged(OwmReplayServer.KEY);
    }
  }

  private static void assertNoKey(JsonNode body) {
    assertTrue(!body.toString().contains(OwmReplayServer.KEY), "the key leaked: " + body);
  }
}
