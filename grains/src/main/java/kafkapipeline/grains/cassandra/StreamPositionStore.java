package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where a stream source has got to (an opaque position such as an SSE {@code Last-Event-ID}), in
 * table {@code stream_positions}, written at the write consistency and read at the read consistency
 * ({@link Consistency}; both LOCAL_QUORUM by default, so the grain finds its position on whichever
 * silo it moves to). A failed save fails the returned stage.
 */
public interface StreamPositionStore {
  CompletionStage<Optional<String>> load(String source);

  CompletionStage<Void> save(String source, String position);

  static CompletionStage<StreamPositionStore> cassandra(CqlSession session) {
    return session
        .prepareAsync(
            "SELECT last_event_id FROM " + Schema.KEYSPACE + ".stream_positions WHERE source = ?")
        .thenCombine(
            session.prepareAsync(
                "INSERT INTO "
                    + Schema.KEYSPACE
                    + ".stream_positions (source, last_event_id, updated_at) VALUES (?, ?, ?)"),
            (select, upsert) -> new Cassandra(session, select, upsert));
  }

  /** The table-backed store. */
  record Cassandra(CqlSession session, PreparedStatement select, PreparedStatement upsert)
      implements StreamPositionStore {
    @Override
    public CompletionStage<Optional<String>> load(String source) {
      return session
          .executeAsync(Consistency.read(select.bind(source)))
          .thenApply(
              rs -> Optional.ofNullable(rs.one()).map((Row row) -> row.getString("last_event_id")));
    }

    @Override
    public CompletionStage<Void> save(String source, String position) {
      return session
          .executeAsync(upsert.bind(source, position, Instant.now()))
          .thenApply(rs -> null);
    }
  }
}
