package kafkapipeline.grains.declarative;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.sources.ColumnSpec;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.grains.cassandra.Schema;
import kafkapipeline.grains.persist.RowBinder;
import kafkapipeline.grains.persist.RowMapper;

/**
 * A declarative source's topic to its table: each record's value is one item's JSON, written as one
 * row upserted by the spec's primary key, so a repeated poll or a replayed record rewrites its one
 * row. Every column is written, nulls included, so the row is the latest item. A record that is not
 * a JSON object, or an item {@link DeclarativeRow} refuses, throws {@link MalformedEventException}
 * (a dead letter). The table must have the spec's columns ({@link DeclarativeTable#apply} first),
 * else {@link #prepare} fails. Thread-safe.
 */
public final class DeclarativeRowMapper implements RowMapper {
  private final String table;
  private final DeclarativeRow row;
  private final RowBinder insert;

  private DeclarativeRowMapper(SourceSpec spec, PreparedStatement insert) {
    this.table = spec.tableOrName();
    this.row = DeclarativeRow.of(spec);
    this.insert = new RowBinder(insert);
  }

  /** Prepares the insert of {@code spec}'s rows; a valid spec is assumed. */
  public static CompletionStage<DeclarativeRowMapper> prepare(CqlSession session, SourceSpec spec) {
    return session
        .prepareAsync(insertStatement(spec))
        .thenApply(prepared -> new DeclarativeRowMapper(spec, prepared));
  }

  /**
   * {@code INSERT INTO kafkapipeline.<table> (<every column>) VALUES (?, ...) USING TIMESTAMP ?}.
   */
  static String insertStatement(SourceSpec spec) {
    DeclarativeTable.requireValid(spec);
    return "INSERT INTO "
        + Schema.KEYSPACE
        + "."
        + spec.tableOrName()
        + " ("
        + spec.columns().stream().map(ColumnSpec::name).collect(Collectors.joining(", "))
        + ") VALUES ("
        + spec.columns().stream().map(c -> "?").collect(Collectors.joining(", "))
        + ") USING TIMESTAMP ?";
  }

  @Override
  public String table() {
    return table;
  }

  @Override
  public BoundStatement toStatement(String key, byte[] value, long writeTime) {
    JsonNode item = EventJson.read(value, JsonNode.class);
    if (!item.isObject())
      throw new MalformedEventException(
          "a "
              + table
              + " item must be a JSON object, got "
              + item.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
    return insert.bind(writeTime, row.values(item));
  }
}
