package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@link CheckpointStore} on table {@code source_checkpoints}, written at the write consistency and
 * read at the read consistency ({@link Consistency}).
 */
public final class CassandraCheckpointStore implements CheckpointStore {
  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement upsert;

  private CassandraCheckpointStore(
      CqlSession session, PreparedStatement select, PreparedStatement upsert) {
    this.session = session;
    this.select = select;
    this.upsert = upsert;
  }

  public static CompletionStage<CassandraCheckpointStore> prepare(CqlSession session) {
    return session
        .prepareAsync(
            "SELECT seed, position FROM "
                + Schema.KEYSPACE
                + ".source_checkpoints WHERE source = ?")
        .thenCombine(
            session.prepareAsync(
                "INSERT INTO "
                    + Schema.KEYSPACE
                    + ".source_checkpoints (source, seed, position, updated_at) VALUES (?, ?, ?, ?)"),
            (select, upsert) -> new CassandraCheckpointStore(session, select, upsert));
  }

  @Override
  public CompletionStage<Optional<Checkpoint>> load(String source) {
    return session
        .executeAsync(Consistency.read(select.bind(source)))
        .thenApply(rs -> Optional.ofNullable(rs.one()).map(CassandraCheckpointStore::toCheckpoint));
  }

  @Override
  public CompletionStage<Void> save(String source, Checkpoint checkpoint) {
    return session
        .executeAsync(upsert.bind(source, checkpoint.seed(), checkpoint.position(), Instant.now()))
        .thenApply(rs -> null);
  }

  private static Checkpoint toCheckpoint(Row row) {
    return new Checkpoint(row.getLong("seed"), row.getLong("position"));
  }
}
