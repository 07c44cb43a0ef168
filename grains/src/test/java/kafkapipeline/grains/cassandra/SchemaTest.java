package kafkapipeline.grains.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SchemaTest {
  private static final Pattern CREATE_TABLE =
      Pattern.compile("^CREATE TABLE IF NOT EXISTS kafkapipeline\\.(\\w+) ");
  private static final Pattern ID = Pattern.compile("(WITH|AND) ID = '([0-9a-f-]{36})'$");

  @Test
  void everyStatementIsIdempotentAndTheReplicationIsFilledIn() {
    List<String> statements = Schema.statements(Schema.replication("dc-east", 3));
    assertEquals(17, statements.size(), String.join("\n---\n", statements));
    assertEquals(
        "CREATE KEYSPACE IF NOT EXISTS kafkapipeline\n  WITH replication = "
            + "{'class': 'NetworkTopologyStrategy', 'dc-east': 3}",
        statements.get(0));
    for (String s : statements) {
      assertTrue(s.contains("IF NOT EXISTS"), s);
      assertTrue(!s.contains("${"), s);
      assertTrue(!s.endsWith(";"), s);
    }
    for (String table :
        List.of(
            "weatherreport",
            "fakerdata",
            "wikipediadata",
            "spacex_launches",
            "source_checkpoints",
            "stream_positions",
            "cities",
            "sources",
            "source_claims",
            "cluster_members",
            "cluster_founder",
            "dead_letters",
            "dead_letters_by_day",
            "dead_letter_days")) {
      assertTrue(
          statements.stream().anyMatch(s -> s.contains("kafkapipeline." + table + " (")), table);
    }
  }

  @Test
  void everyTableIsCreatedWithTheIdOfItsNameAndNoTwoTablesShareOne() {
    List<String> statements =
        new java.util.ArrayList<>(Schema.statements(Schema.replication("dc1", 1)));
    statements.add(SchemaMigration.LEASE_TABLE_CQL);
    Set<String> ids = new HashSet<>();
    int tables = 0;
    for (String s : statements) {
      Matcher table = CREATE_TABLE.matcher(s);
      if (!table.find()) continue;
      tables++;
      Matcher id = ID.matcher(s);
      assertTrue(id.find(), s);
      assertEquals(Schema.tableId(table.group(1)).toString(), id.group(2), s);
      assertTrue(ids.add(id.group(2)), "two tables with id " + id.group(2));
    }
    assertEquals(15, tables);
    // The id of a table must never change between releases: a silo of the next release would
    // create nothing (IF NOT EXISTS) but a fresh ring would get another id than the old one had.
    assertEquals(
        UUID.fromString("56c93d73-02b6-3637-a114-9e04d177f638"), Schema.tableId("fakerdata"));
  }

  @Test
  void aTableWithoutAnIdIsRefused() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Schema.withTableId(
                    "CREATE TABLE IF NOT EXISTS kafkapipeline.x (\n  a int PRIMARY KEY\n)"));
    assertEquals(
        "a table without a fixed id: CREATE TABLE IF NOT EXISTS kafkapipeline.x (", e.getMessage());
  }

  @Test
  void theVersionIsAHashOfTheStatementsNotOfTheSettings() {
    String v = Schema.version();
    assertTrue(v.matches("[0-9a-f]{24}"), v);
    assertEquals(v, Schema.version());
  }

  @Test
  void replicationNamesTheDatacentreQuotedAndNeedsAPositiveFactor() {
    assertEquals("{'class': 'NetworkTopologyStrategy', 'it''s': 2}", Schema.replication("it's", 2));
    assertThrows(IllegalArgumentException.class, () -> Schema.replication("dc1", 0));
  }

  @Test
  void migrationSettingsAreChecked() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Schema.Settings("dc1", 0, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Schema.Settings(" ", 1, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Schema.Settings("dc1", 1, Duration.ZERO, Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Schema.Settings("dc1", 1, Duration.ofSeconds(1), Duration.ofSeconds(-1)));
  }

  @Test
  void agreementNeedsEveryNodeToAnswerWithOneVersion() {
    assertTrue(SchemaAgreement.agreed(Map.of("a", "v1", "b", "v1")));
    assertTrue(!SchemaAgreement.agreed(Map.of()));
    assertTrue(!SchemaAgreement.agreed(Map.of("a", "v1", "b", "v2")));
    assertTrue(
        !SchemaAgreement.agreed(Map.of("a", "v1", "b", "no answer: DriverTimeoutException")));
  }
}
