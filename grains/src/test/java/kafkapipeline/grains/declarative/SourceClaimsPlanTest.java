package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.api.sources.SourceSpecs;
import org.junit.jupiter.api.Test;

/** What a claim takes, keeps, drops or refuses, given the current owners of the keys. */
class SourceClaimsPlanTest {
  /** A description with only what claims read (parsed, not checked). */
  private static SourceSpec spec(String name, String topic, String table) {
    String json =
        "{\"name\": \""
            + name
            + "\", \"kind\": \"http-poll\""
            + (topic == null ? "" : ", \"topic\": \"" + topic + "\"")
            + (table == null ? "" : ", \"table\": \"" + table + "\"")
            + "}";
    return SourceSpecs.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void keysCompareTopicsAsKafkaAndTablesAsCql() {
    assertEquals(
        List.of("name:a", "topic:t_x", "table:tab"), SourceClaims.keys(spec("a", "t.x", "TAB")));
    assertEquals(List.of("name:a", "topic:a", "table:a"), SourceClaims.keys(spec("a", null, null)));
  }

  @Test
  void aNewSourceTakesItsThreeFreeKeys() {
    var plan = SourceClaims.Plan.of(spec("a", "t", null), Map.of("name:b", "b"), false);
    assertEquals(List.of(), plan.conflicts());
    assertEquals(List.of("name:a", "topic:t", "table:a"), plan.take());
    assertEquals(List.of(), plan.keep());
    assertEquals(List.of(), plan.drop());
  }

  @Test
  void aKeyHeldByAnotherSourceIsRefusedNamingItsOwnerAndNothingIsTaken() {
    var held = Map.of("name:b", "b", "topic:t_x", "b", "table:shared", "c");
    var plan = SourceClaims.Plan.of(spec("a", "t.x", "Shared"), held, false);
    assertEquals(
        List.of(
            "source 'a': topic 't.x' is already the topic of source 'b'",
            "source 'a': table 'Shared' is already the table of source 'c'"),
        plan.conflicts());
    assertTrue(plan.take().isEmpty() && plan.keep().isEmpty() && plan.drop().isEmpty());
    // A replacement cannot take another source's keys either.
    assertEquals(
        2, SourceClaims.Plan.of(spec("a", "t.x", "Shared"), held, true).conflicts().size());
  }

  @Test
  void aNewSourceOfATakenNameIsRefusedAndAReplacementKeepsItsKeysAndDropsTheOldTopic() {
    var held = Map.of("name:a", "a", "topic:old", "a", "table:a", "a");
    assertEquals(
        List.of(
            "source 'a': name 'a' is already a source",
            "source 'a': table 'a' is already claimed by source 'a' (the same name)"),
        SourceClaims.Plan.of(spec("a", "new", null), held, false).conflicts());
    var plan = SourceClaims.Plan.of(spec("a", "new", null), held, true);
    assertEquals(List.of(), plan.conflicts());
    assertEquals(List.of("topic:new"), plan.take());
    assertEquals(List.of("name:a", "table:a"), plan.keep());
    assertEquals(List.of("topic:old"), plan.drop());
  }
}
