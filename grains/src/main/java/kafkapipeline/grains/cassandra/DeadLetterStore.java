package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Table {@code dead_letters}: records that cannot become rows, keyed by topic, partition and
 * offset, so saving the same record twice (after a replay) keeps one entry.
 */
public final class DeadLetterStore {
  public record DeadLetter(
      String topic, int partition, long offset, String key, byte[] payload, String error, Instant failedAt) {}

  private final CqlSession session;
  private final PreparedStatement insert;

  private DeadLetterStore(CqlSession session, PreparedStatement insert) {
    this.session = session;
    this.insert = insert;
  }

  public static CompletionStage<DeadLetterStore> prepare(CqlSession session) {
    return session.prepareAsync("INSERT INTO " + Schema.KEYSPACE + ".dead_letters"
            + " (topic, partition, offset, record_key, payload, error, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .thenApply(insert -> new DeadLetterStore(session, insert));
  }

  public CompletionStage<Void> save(DeadLetter d) {
    return session.executeAsync(insert.bind(d.topic(), d.partition(), d.offset(), d.key(),
                d.payload() == null ? null : ByteBuffer.wrap(d.payload()), d.error(), d.failedAt())
            .setIdempotent(true))
        .thenApply(rs -> null);
  }

  /** Up to {@code limit} entries (no particular order across topics). */
  public CompletionStage<List<DeadLetter>> some(int limit) {
    return session.executeAsync(SimpleStatement.newInstance(
            "SELECT topic, partition, offset, record_key, payload, error, failed_at FROM " + Schema.KEYSPACE
                + ".dead_letters LIMIT " + limit))
        .thenApply(rs -> {
          List<DeadLetter> out = new ArrayList<>();
          for (Row r : rs.currentPage()) {
            ByteBuffer payload = r.getByteBuffer("payload");
            byte[] bytes = null;
            if (payload != null) {
              bytes = new byte[payload.remaining()];
              payload.duplicate().get(bytes);
            }
            out.add(new DeadLetter(r.getString("topic"), r.getInt("partition"), r.getLong("offset"),
                r.getString("record_key"), bytes, r.getString("error"), r.getInstant("failed_at")));
          }
          return out;
        });
  }
}
