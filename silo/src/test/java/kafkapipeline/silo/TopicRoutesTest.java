package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A rewind's request is checked before anything is asked of Kafka or a persister: each bad body is
 * a 400 naming its field, an unknown topic a 404 (over the silo's real routes, without servers).
 */
class TopicRoutesTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private static String bad(String body) {
    JsonBody.Result<RewindPlan.Target> r =
        TopicRoutes.target(body.getBytes(StandardCharsets.UTF_8), NOW);
    assertEquals(null, r.value(), body);
    return r.error();
  }

  private static RewindPlan.Target ok(String body) {
    JsonBody.Result<RewindPlan.Target> r =
        TopicRoutes.target(body.getBytes(StandardCharsets.UTF_8), NOW);
    assertEquals(null, r.error(), body);
    return r.value();
  }

  @Test
  void theBodyIsExactlyOneOfFromAndOffset() {
    assertEquals(new RewindPlan.ToOffset(0), ok("{\"offset\": 0}"));
    assertEquals(new RewindPlan.ToOffset(123456789012L), ok("{\"offset\": 123456789012}"));
    assertEquals(
        new RewindPlan.FromTime(Instant.parse("2026-12-01T11:00:00Z")),
        ok("{\"from\": \"2026-12-01T11:00:00Z\"}"));
    assertEquals(new RewindPlan.FromTime(NOW), ok("{\"from\": \"2026-12-01T12:00:00Z\"}"));

    assertEquals(
        "give either field from or field offset, not both",
        bad("{\"from\": \"2026-12-01T11:00:00Z\", \"offset\": 0}"));
    assertTrue(bad("{}").startsWith("field from or field offset is missing"));
    assertTrue(bad("").startsWith("the body is empty"));
    assertTrue(bad("[1]").startsWith("the body must be a JSON object"));
    assertTrue(bad("{\"offsets\": 1}").startsWith("unknown field 'offsets'"));
    assertTrue(bad("{\"from\": \"1h\"}").startsWith("field from must be an ISO-8601 instant"));
    assertTrue(bad("{\"from\": \"yesterday\"}").contains("'yesterday'"));
    assertTrue(bad("{\"from\": 1700000000}").startsWith("field from must be an ISO-8601"));
    assertTrue(
        bad("{\"from\": \"2026-12-01T12:00:01Z\"}").startsWith("field from is in the future"));
    // Schemathesis found it: Kafka takes a negative time for a special value and refuses it.
    assertTrue(
        bad("{\"from\": \"0268-10-22T22:56:18.353995Z\"}")
            .startsWith("field from is before 1970-01-01T00:00:00Z"));
    assertEquals("field offset must be a whole number from 0, was -1", bad("{\"offset\": -1}"));
    assertTrue(bad("{\"offset\": 1.5}").startsWith("field offset must be a whole number"));
    assertTrue(bad("{\"offset\": \"3\"}").startsWith("field offset must be a whole number"));
    assertTrue(
        bad("{\"offset\": 99999999999999999999}")
            .startsWith("field offset must be a whole number"));
  }

  @Test
  void overHttpABadBodyIs400AndAnUnknownTopic404BeforeAnyServerIsAsked() throws Exception {
    try (TestSilo silo = new TestSilo(Map.of())) {
      Map<String, String> json = Map.of("Content-Type", "application/json");
      TestSilo.Response both =
          silo.send(
              "POST",
              "/api/topics/faker/rewind",
              json,
              "{\"from\": \"2026-12-01T11:00:00Z\", \"offset\": 0}".getBytes());
      assertEquals(400, both.status(), both.toString());
      assertTrue(both.body().contains("not both"), both.body());
      TestSilo.Response negative =
          silo.send("POST", "/api/topics/faker/rewind", json, "{\"offset\": -3}".getBytes());
      assertEquals(400, negative.status(), negative.toString());
      assertTrue(negative.body().contains("field offset"), negative.body());
      TestSilo.Response unknown =
          silo.send("POST", "/api/topics/nosuch/rewind", json, "{\"offset\": 0}".getBytes());
      assertEquals(404, unknown.status(), unknown.toString());
      assertTrue(unknown.body().contains("no source writes topic 'nosuch'"), unknown.body());
      assertEquals(404, silo.send("GET", "/api/topics/nosuch/rewind", Map.of(), null).status());
      // No persister here has been rewound: nothing to show, and Kafka is not asked.
      TestSilo.Response none = silo.send("GET", "/api/topics/faker/rewind", Map.of(), null);
      assertEquals(200, none.status(), none.toString());
      assertTrue(none.body().contains("\"state\":\"none\""), none.body());
      TestSilo.Response all = silo.send("GET", "/api/topics/rewinds", Map.of(), null);
      assertEquals("[]", all.body());
    }
  }
}
