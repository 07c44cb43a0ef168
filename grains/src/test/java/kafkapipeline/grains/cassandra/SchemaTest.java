package kafkapipeline.grains.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaTest {

  @Test
  void everyStatementIsIdempotentAndTheReplicationIsFilledIn() {
    List<String> statements = Schema.statements(Schema.simpleReplication(3));
    assertEquals(13, statements.size(), String.join("\n---\n", statements));
    assertTrue(statements.get(0).contains("'replication_factor': 3"), statements.get(0));
    for (String s : statements) {
      assertTrue(s.contains("IF NOT EXISTS"), s);
      assertTrue(!s.contains("${"), s);
      assertTrue(!s.endsWith(";"), s);
    }
    for (String table : List.of("weatherreport", "fakerdata", "wikipediadata", "spacex_launches", "source_checkpoints", "stream_positions", "cities", "cluster_members", "cluster_founder", "dead_letters")) {
      assertTrue(statements.stream().anyMatch(s -> s.contains("kafkapipeline." + table + " (")), table);
    }
  }

  @Test
  void replicationFactorMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> Schema.simpleReplication(0));
  }
}
