package kafkapipeline.grains.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.SpaceXLaunch;
import org.junit.jupiter.api.Test;

class SpaceXRowMapperTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anEventRoundTripsWithEveryField() {
    SpaceXLaunch l =
        new SpaceXLaunch(
            "62dd70d5202306255024d139",
            "Crew-5",
            Instant.parse("2022-10-03T16:45:00Z"),
            "Falcon 9",
            true,
            "KSC LC 39A",
            "Crew Dragon",
            12_055.0,
            false,
            187,
            "details");
    assertEquals(l, SpaceXRowMapper.parse(EventJson.write(l)));
    String json = new String(EventJson.write(l), StandardCharsets.UTF_8);
    assertTrue(
        json.contains("\"launch_id\":\"62dd70d5202306255024d139\"")
            && json.contains("\"launch_date_utc\":\"2022-10-03T16:45:00Z\""),
        json);
  }

  @Test
  void absentAndNullFieldsStayNull() {
    SpaceXLaunch l = SpaceXRowMapper.parse(bytes("{\"launch_id\":\"x\",\"rocket_name\":null}"));
    assertEquals("x", l.launchId());
    assertNull(l.missionName());
    assertNull(l.launchDateUtc());
    assertNull(l.rocketName());
    assertNull(l.launchSuccess());
    assertNull(l.payloadMassKg());
    assertNull(l.flightNumber());
    assertNull(l.upcoming());
  }

  @Test
  void malformedRecordsSayWhy() {
    assertTrue(
        assertThrows(MalformedEventException.class, () -> SpaceXRowMapper.parse(bytes("{not json")))
            .getMessage()
            .startsWith("not a valid SpaceXLaunch"));
    assertEquals(
        "spacex launch without launch_id",
        assertThrows(
                MalformedEventException.class,
                () -> SpaceXRowMapper.parse(bytes("{\"mission_name\":\"x\"}")))
            .getMessage());
    assertEquals(
        "spacex launch without launch_id",
        assertThrows(
                MalformedEventException.class,
                () -> SpaceXRowMapper.parse(bytes("{\"launch_id\":\" \"}")))
            .getMessage());
    assertThrows(
        MalformedEventException.class,
        () -> SpaceXRowMapper.parse(bytes("{\"launch_id\":\"x\",\"launch_date_utc\":\"soon\"}")));
    assertThrows(
        MalformedEventException.class,
        () -> SpaceXRowMapper.parse(bytes("{\"launch_id\":\"x\",\"flight_number\":\"ten\"}")));
    assertThrows(MalformedEventException.class, () -> SpaceXRowMapper.parse(bytes("null")));
    assertThrows(MalformedEventException.class, () -> SpaceXRowMapper.parse(null));
  }
}
