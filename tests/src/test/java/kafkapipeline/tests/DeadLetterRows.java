package kafkapipeline.tests;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The dead letters as the tests read them: a topic's entries of every bucket ({@code
 * dead_letter_days} says which), read partition by partition as the silo does, never by a scan.
 */
final class DeadLetterRows {
  private DeadLetterRows() {}

  /** The days of the topic's buckets, if the tables exist yet. */
  static List<LocalDate> days(CqlSession session, String topic) {
    List<LocalDate> out = new ArrayList<>();
    if (!exists(session)) return out;
    for (Row r :
        session.execute(
            "SELECT day, topic FROM kafkapipeline.dead_letter_days WHERE scope = 'all'"))
      if (topic.equals(r.getString("topic"))) out.add(r.getLocalDate("day"));
    return out;
  }

  /** Every entry of the topic, all columns. */
  static List<Row> of(CqlSession session, String topic) {
    List<Row> out = new ArrayList<>();
    for (LocalDate day : days(session, topic))
      session
          .execute(
              SimpleStatement.newInstance(
                  "SELECT * FROM kafkapipeline.dead_letters_by_day WHERE topic = ? AND day = ?",
                  topic,
                  day))
          .forEach(out::add);
    return out;
  }

  /** Deletes the topic's entry at partition/offset, whichever day it is in. */
  static void delete(CqlSession session, String topic, int partition, long offset) {
    for (LocalDate day : days(session, topic))
      session.execute(
          SimpleStatement.newInstance(
              "DELETE FROM kafkapipeline.dead_letters_by_day"
                  + " WHERE topic = ? AND day = ? AND partition = ? AND offset = ?",
              topic,
              day,
              partition,
              offset));
  }

  /** No dead letters at all: the bucketed tables and the first one emptied. */
  static void truncate(CqlSession session) {
    for (String table : List.of("dead_letters", "dead_letters_by_day", "dead_letter_days"))
      Engines.truncateIfExists(session, table);
  }

  private static boolean exists(CqlSession session) {
    session.refreshSchema();
    return session
        .getMetadata()
        .getKeyspace("kafkapipeline")
        .flatMap(ks -> ks.getTable("dead_letter_days"))
        .isPresent();
  }
}
