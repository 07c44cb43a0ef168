package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SpaceX singleton polls a replay of the recorded API, resolves rocket and launchpad ids to
 * names, and its launches land in {@code spacex_launches}: one row per launch however often it is
 * polled; failures back off and recover, bad data is counted and passed over.
 */
class SpaceXEndToEndTest {
  private final Engines engines = Engines.shared();

  /** No row and no event of an earlier test: exactly what this test's polls produce. */
  @BeforeEach
  void startFromNothing() throws Exception {
    engines.resetTopic("spacex");
    engines.truncateIfExists("spacex_launches");
  }

  private static Map<String, String> env(SpaceXReplayServer api, boolean includePast) {
    return Map.of(
        "SPACEX_BASE_URL",
        api.baseUrl(),
        "SPACEX_INTERVAL",
        "2s",
        "SPACEX_INCLUDE_PAST",
        String.valueOf(includePast),
        "FAKER_RATE",
        "0");
  }

  private List<Row> rows() {
    return engines.session.execute("SELECT * FROM kafkapipeline.spacex_launches").all();
  }

  private static JsonNode source(int port) {
    for (JsonNode s : SiloHttp.get(port, "/api/sources").body()) {
      if ("spacex".equals(s.path("name").asText())) return s;
    }
    throw new AssertionError("no spacex source in /api/sources");
  }

  private static void awaitState(int port, String state) {
    Await.until(
        Duration.ofSeconds(60),
        () -> state.equals(source(port).path("state").asText()),
        () -> String.valueOf(source(port)));
  }

  /**
   * The row each launch of the fixture must become, computed from the recorded rockets and pads.
   */
  private static void assertRow(SpaceXReplayServer api, JsonNode launch, Row row) {
    String id = launch.path("id").asText();
    assertEquals(launch.path("name").asText(), row.getString("mission_name"), id);
    assertEquals(
        Instant.parse(launch.path("date_utc").asText()), row.getInstant("launch_date_utc"), id);
    assertEquals(
        api.rockets.get(launch.path("rocket").asText()).path("name").asText(),
        row.getString("rocket_name"),
        id);
    assertEquals(
        api.launchpads.get(launch.path("launchpad").asText()).path("name").asText(),
        row.getString("site_name"),
        id);
    assertEquals(launch.path("flight_number").asInt(), row.getInt("flight_number"), id);
    assertEquals(launch.path("upcoming").asBoolean(), row.getBoolean("upcoming"), id);
    if (launch.path("success").isNull()) assertTrue(row.isNull("launch_success"), id);
    else assertEquals(launch.path("success").asBoolean(), row.getBoolean("launch_success"), id);
    // No payload is recorded: the replay answers 404, and the launch is kept without payload data.
    assertTrue(row.isNull("payload_type") && row.isNull("payload_mass_kg"), id);
  }

  @Test
  void theUpcomingLaunchesBecomeOneRowEachWithResolvedNamesAndRepollsUpsert() throws Exception {
    try (SpaceXReplayServer api = new SpaceXReplayServer();
        SiloCluster silos = new SiloCluster(engines, "spacex", 1, env(api, false))) {
      silos.startAll();
      silos.awaitAllHealthy();
      int port = silos.httpPort(0);
      Await.until(
          Duration.ofSeconds(60),
          () -> rows().size() >= api.upcoming.size(),
          () -> rows().size() + " rows");
      awaitState(port, "running");

      int callsSoFar = api.upcomingCalls.get();
      Await.until(
          Duration.ofSeconds(30),
          () ->
              api.upcomingCalls.get() >= callsSoFar + 2
                  && silos.sum("produced", "spacex") >= 3L * api.upcoming.size(),
          () -> api.upcomingCalls + " polls");
      List<Row> rows = rows();
      assertEquals(9, api.upcoming.size());
      assertEquals(
          api.upcoming.size(), rows.size(), "polled again and again, each launch stays one row");
      Map<String, Row> byId = new HashMap<>();
      rows.forEach(r -> byId.put(r.getString("launch_id"), r));
      Set<String> rocketIds = new HashSet<>();
      Set<String> padIds = new HashSet<>();
      for (JsonNode launch : api.upcoming) {
        Row row = byId.get(launch.path("id").asText());
        assertNotNull(row, "no row for " + launch.path("id"));
        assertRow(api, launch, row);
        rocketIds.add(launch.path("rocket").asText());
        padIds.add(launch.path("launchpad").asText());
      }
      // Ids are stable: each is resolved once, however many polls.
      assertEquals(rocketIds.size(), api.rocketCalls.get());
      assertEquals(padIds.size(), api.launchpadCalls.get());
      JsonNode status = source(port);
      assertNull(status.path("lastError").textValue(), status.toString());
      assertEquals(0, silos.sum("malformed_source_data", "spacex"));
    }
  }

  @Test
  void withThePastLaunchesEveryRecordedLaunchBecomesOneRow() throws Exception {
    try (SpaceXReplayServer api = new SpaceXReplayServer();
        SiloCluster silos = new SiloCluster(engines, "spacex-past", 1, env(api, true))) {
      silos.startAll();
      silos.awaitAllHealthy();
      Await.until(Duration.ofSeconds(60), () -> api.upcomingCalls.get() > 0, () -> "no poll");
      long polledAt = System.nanoTime();
      int expected = api.allLaunches.size();
      Await.until(
          Duration.ofSeconds(60), () -> rows().size() >= expected, () -> rows().size() + " rows");
      double seconds = (System.nanoTime() - polledAt) / 1e9;
      System.out.printf(
          "spacex: %d launches polled, resolved, published and written in %.1f s (%.0f rows/s)%n",
          expected, seconds, expected / seconds);
      assertEquals(193, expected);
      assertTrue(api.pastCalls.get() >= 1);
      Map<String, Row> byId = new HashMap<>();
      rows().forEach(r -> byId.put(r.getString("launch_id"), r));
      assertEquals(expected, byId.size());
      for (JsonNode launch : api.allLaunches)
        assertRow(api, launch, byId.get(launch.path("id").asText()));
    }
  }
}
