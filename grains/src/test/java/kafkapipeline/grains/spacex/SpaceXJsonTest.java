package kafkapipeline.grains.spacex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import kafkapipeline.grains.spacex.SpaceXJson.Launch;
import kafkapipeline.grains.spacex.SpaceXJson.LaunchList;
import org.junit.jupiter.api.Test;

/** Parsing the recorded SpaceX API v4 bodies (fixtures/spacex, see PROVENANCE.md). */
class SpaceXJsonTest {
  static String fixture(String name) {
    try (InputStream in = SpaceXJsonTest.class.getResourceAsStream("/fixtures/spacex/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void everyRecordedLaunchParsesWithItsIds() throws IOException {
    String body = fixture("v4_launches.json");
    JsonNode raw = new ObjectMapper().readTree(body);
    LaunchList list = SpaceXJson.launches(body);
    assertEquals(List.of(), list.malformed());
    assertEquals(193, list.launches().size());
    for (int i = 0; i < raw.size(); i++) {
      Launch l = list.launches().get(i);
      JsonNode r = raw.get(i);
      assertEquals(r.path("id").asText(), l.id());
      assertEquals(r.path("name").asText(), l.name());
      assertEquals(Instant.parse(r.path("date_utc").asText()), l.dateUtc());
      assertEquals(r.path("rocket").asText(), l.rocketId());
      assertEquals(r.path("launchpad").asText(), l.launchpadId());
      assertEquals(r.path("payloads").size(), l.payloadIds().size());
      assertEquals(r.path("success").isNull() ? null : r.path("success").asBoolean(), l.success());
      assertEquals(r.path("upcoming").asBoolean(), l.upcoming());
      assertEquals(r.path("flight_number").asInt(), l.flightNumber());
    }
    assertEquals(9, list.launches().stream().filter(Launch::upcoming).count());
  }

  @Test
  void theUpcomingLaunchesHaveNoOutcomeYet() {
    LaunchList list = SpaceXJson.launches(fixture("v4_launches_upcoming.DERIVED.json"));
    assertEquals(9, list.launches().size());
    Launch first = list.launches().get(0);
    assertEquals("63161329ffc78f3b8567070b", first.id());
    assertEquals("Starlink 4-34 (v1.5)", first.name());
    assertEquals(Instant.parse("2022-09-17T01:05:00Z"), first.dateUtc());
    assertNull(first.success());
    assertNull(first.details());
    assertEquals(List.of("63161699ffc78f3b85670719"), first.payloadIds());
    assertTrue(list.launches().stream().allMatch(l -> l.success() == null && l.upcoming()));
  }

  @Test
  void recordedRocketsLaunchpadsAndThePayloadExampleGiveTheirNames() throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode falcon9 = json.readTree(fixture("v4_rockets.json")).get(1);
    assertEquals("Falcon 9", SpaceXJson.name(falcon9.toString()));
    JsonNode slc40 = json.readTree(fixture("v4_launchpads.json")).get(1);
    assertEquals("CCSFS SLC 40", SpaceXJson.name(slc40.toString()));
    SpaceXJson.Payload p = SpaceXJson.payload(fixture("docs_payloads_v4_one.example.json"));
    assertEquals(new SpaceXJson.Payload("Satellite", 800.0), p);
    assertEquals(new SpaceXJson.Payload(null, null), SpaceXJson.payload("{\"type\": null}"));
  }

  @Test
  void aBadLaunchObjectIsSkippedWithItsReasonAndTheOthersKept() {
    String body =
        "[\"text\", {\"name\": \"no id\"}, {\"id\": \"a1\"},"
            + " {\"id\": \"a2\", \"name\": \"bad date\", \"date_utc\": \"tomorrow\"},"
            + " {\"id\": \"a3\", \"name\": \"bad success\", \"success\": \"yes\"},"
            + " {\"id\": \"a4\", \"name\": \"bad payloads\", \"payloads\": [1]},"
            + " {\"id\": \"ok\", \"name\": \"only the required fields\"}]";
    LaunchList list = SpaceXJson.launches(body);
    assertEquals(1, list.launches().size());
    Launch ok = list.launches().get(0);
    assertEquals(
        new Launch(
            "ok", "only the required fields", null, null, null, null, null, null, null, List.of()),
        ok);
    assertEquals(
        List.of(
            "launch #0: expected a launch object, got string",
            "launch #1: no id",
            "launch #2 (id a1): no name",
            "launch #3 (id a2): date_utc is not an ISO-8601 UTC time: tomorrow",
            "launch #4 (id a3): success is not true, false or null",
            "launch #5 (id a4): payloads holds a value that is not an id"),
        list.malformed());
  }

  @Test
  void aBodyThatIsNotAListOfLaunchesIsRejectedWithAReason() {
    assertTrue(
        assertThrows(SpaceXJson.BadBody.class, () -> SpaceXJson.launches("[{\"id\": "))
            .getMessage()
            .startsWith("not JSON"));
    assertEquals(
        "expected a JSON array of launches, got object",
        assertThrows(SpaceXJson.BadBody.class, () -> SpaceXJson.launches("{\"error\": \"x\"}"))
            .getMessage());
    assertEquals(
        "empty body",
        assertThrows(SpaceXJson.BadBody.class, () -> SpaceXJson.launches("")).getMessage());
    assertEquals(
        "no name",
        assertThrows(SpaceXJson.BadBody.class, () -> SpaceXJson.name("{}")).getMessage());
    assertEquals(
        "mass_kg is not a number",
        assertThrows(SpaceXJson.BadBody.class, () -> SpaceXJson.payload("{\"mass_kg\": \"heavy\"}"))
            .getMessage());
  }
}
