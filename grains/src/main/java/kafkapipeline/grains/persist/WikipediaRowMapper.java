package kafkapipeline.grains.persist;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.RecentChange;
import kafkapipeline.grains.cassandra.Schema;

/**
 * Topic {@code wikipedia} to table {@code wikipediadata}: one row per event, keyed by {@code (wiki,
 * event_id)} so changes of different wikis never overwrite each other. An event without {@code
 * wiki} or {@code meta.id} cannot be keyed and is malformed (a dead letter).
 */
public final class WikipediaRowMapper implements RowMapper {
  /** The table its rows go to: the one place its name is written (schema.cql defines it). */
  public static final String TABLE = "wikipediadata";

  static final String INSERT =
      "INSERT INTO "
          + Schema.KEYSPACE
          + "."
          + TABLE
          + " (wiki, event_id, id, type, namespace, title, comment,"
          + " timestamp, user, bot, minor, patrolled, length_old, length_new, revision_old, revision_new, log_type)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?";

  private final RowBinder insert;

  private WikipediaRowMapper(PreparedStatement insert) {
    this.insert = new RowBinder(insert);
  }

  public static CompletionStage<WikipediaRowMapper> prepare(CqlSession session) {
    return session.prepareAsync(INSERT).thenApply(WikipediaRowMapper::new);
  }

  @Override
  public String table() {
    return TABLE;
  }

  @Override
  public BoundStatement toStatement(String key, byte[] value, long writeTime) {
    RecentChange c = parse(value);
    RecentChange.OldNew length =
        c.length() == null ? new RecentChange.OldNew(null, null) : c.length();
    RecentChange.OldNew revision =
        c.revision() == null ? new RecentChange.OldNew(null, null) : c.revision();
    // Absent fields (a new page has no old length) are written as nulls: a version of an event
    // read again with a field gone must not keep the older version's value (the row is one record).
    return insert.bind(
        writeTime,
        c.wiki(),
        c.meta().id(),
        c.id(),
        c.type(),
        c.namespace(),
        c.title(),
        c.comment(),
        c.changedAt(),
        c.user(),
        c.bot(),
        c.minor(),
        c.patrolled(),
        length.oldValue(),
        length.newValue(),
        revision.oldValue(),
        revision.newValue(),
        c.logType());
  }

  public static RecentChange parse(byte[] value) {
    return validate(EventJson.read(value, RecentChange.class));
  }

  /** Returns the change if it can become a row, else throws saying why. */
  public static RecentChange validate(RecentChange c) {
    // JSON null reads as no object at all; a replayed dead letter of "data: null" must not crash.
    if (c == null) throw new MalformedEventException("not a JSON object but null");
    if (c.wiki() == null || c.wiki().isBlank())
      throw new MalformedEventException("recent change without wiki");
    if (c.meta() == null || c.meta().id() == null || c.meta().id().isBlank()) {
      throw new MalformedEventException("recent change without meta.id");
    }
    if (c.timestamp() != null
        && (c.timestamp() < Instant.MIN.getEpochSecond()
            || c.timestamp() > Instant.MAX.getEpochSecond())) {
      throw new MalformedEventException("recent change timestamp out of range: " + c.timestamp());
    }
    return c;
  }
}
