package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import kafkapipeline.api.FakePerson;
import kafkapipeline.api.Topics;
import org.apache.kafka.clients.admin.Admin;

/** What table {@code fakerdata} holds, read straight from Cassandra. */
final class FakerTable {
  private FakerTable() {}

  static long count(CqlSession session) {
    // Counting tens of thousands of rows under load takes longer than the driver's 2 s default.
    return session
        .execute(
            SimpleStatement.newInstance("SELECT count(*) FROM kafkapipeline.fakerdata")
                .setConsistencyLevel(READ)
                .setTimeout(Duration.ofSeconds(30)))
        .one()
        .getLong(0);
  }

  /**
   * The level the rows are read at: the level the silos write them at (LOCAL_QUORUM), so a read
   * sees every acknowledged row even when one replica lacks it. At LOCAL_ONE, after a ring node was
   * SIGKILLed and restarted (its hints all delivered), 60 of 211,050 rows were missing from some
   * reads. On a single node both are the same.
   */
  private static final DefaultConsistencyLevel READ = DefaultConsistencyLevel.LOCAL_QUORUM;

  /** The row count, or -1 while Cassandra cannot answer (a fault test stops it). */
  static long countOrMinusOne(CqlSession session) {
    try {
      return count(session);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  static void awaitRows(CqlSession session, long atLeast, Duration timeout) {
    Await.until(
        timeout,
        () -> countOrMinusOne(session) >= atLeast,
        () -> countOrMinusOne(session) + " rows, waiting for " + atLeast);
  }

  static long deadLetters(CqlSession session, String topic) {
    return DeadLetterRows.of(session, topic).size();
  }

  /** An empty table, topic, consumer group and checkpoint, and no dead letters. */
  static void reset(Engines engines) throws Exception {
    reset(engines.session, engines.admin);
  }

  static void reset(ReplicatedEngines engines) throws Exception {
    reset(engines.session, engines.admin);
  }

  private static void reset(CqlSession session, Admin admin) throws Exception {
    Engines.truncateIfExists(session, "fakerdata");
    DeadLetterRows.truncate(session);
    if (session.getMetadata().getKeyspace("kafkapipeline").isPresent()) {
      session.execute("DELETE FROM kafkapipeline.source_checkpoints WHERE source = 'faker'");
    }
    Engines.resetTopic(admin, Topics.FAKER);
  }

  /** Exactly the people of positions 0..people-1 of the seed's stream, every column filled. */
  static void assertExactlyTheProducedPeople(CqlSession session, long seed, int people) {
    assertExactlyThePeople(session, seed, 0, people);
  }

  /**
   * Exactly the people of positions {@code from..to-1} of the seed's stream, every column filled:
   * for a table truncated while the stream was paused at {@code from}.
   */
  static void assertExactlyThePeople(CqlSession session, long seed, long from, long to) {
    List<String> incomplete = new ArrayList<>();
    Set<UUID> ids = idsOfCompleteRows(session, incomplete);
    assertEquals(List.of(), incomplete.stream().limit(5).toList(), "rows with empty columns");
    assertEquals(
        to - from, ids.size(), "rows in fakerdata (people " + from + ".." + (to - 1) + ")");
    Set<UUID> expected = new HashSet<>();
    for (long pos = from; pos < to; pos++) expected.add(FakePerson.idFor(seed, pos));
    assertEquals(expected, ids, "ids in fakerdata");
  }

  /** Every id in the table, read with paging; fails on a row with any empty column. */
  static Set<UUID> idsOfCompleteRows(CqlSession session, List<String> incompleteRows) {
    Set<UUID> ids = new HashSet<>();
    for (Row row :
        session.execute(
            SimpleStatement.newInstance("SELECT * FROM kafkapipeline.fakerdata")
                .setConsistencyLevel(READ)
                .setPageSize(5000)
                .setTimeout(Duration.ofSeconds(30)))) {
      List<String> empty = new ArrayList<>();
      for (ColumnDefinition column : row.getColumnDefinitions()) {
        Object value = row.getObject(column.getName());
        if (value == null || (value instanceof String s && s.isBlank()))
          empty.add(column.getName().asInternal());
      }
      if (!empty.isEmpty()) incompleteRows.add(row.getUuid("id") + " lacks " + empty);
      ids.add(row.getUuid("id"));
    }
    return ids;
  }
}
