package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.grains.cassandra.DeadLetterStore.DeadLetter;

/**
 * The first dead-letter table, {@code dead_letters} (one partition per topic), read only to move
 * its entries into {@link DeadLetterStore}'s buckets: page by page (a few entries a page, as each
 * may hold a 1 MB payload), each entry saved there before it is deleted here.
 */
final class LegacyDeadLetters {
  private static final String TABLE = Schema.KEYSPACE + ".dead_letters";

  /** Entries per page read: payloads may be up to 1 MB each. */
  static final int PAGE = 8;

  private final CqlSession session;
  private final PreparedStatement delete;

  private LegacyDeadLetters(CqlSession session, PreparedStatement delete) {
    this.session = session;
    this.delete = delete;
  }

  static CompletionStage<LegacyDeadLetters> prepare(CqlSession session) {
    return session
        .prepareAsync("DELETE FROM " + TABLE + " WHERE topic = ? AND partition = ? AND offset = ?")
        .thenApply(delete -> new LegacyDeadLetters(session, delete));
  }

  /** Moves every entry into {@code store}; the count moved. Fails on the first failed write. */
  CompletionStage<Integer> moveAll(DeadLetterStore store) {
    return session
        .executeAsync(
            Consistency.read(
                SimpleStatement.newInstance(
                        "SELECT topic, partition, offset, record_key, payload, error_class, error,"
                            + " failed_at FROM "
                            + TABLE)
                    .setPageSize(PAGE)))
        .thenCompose(rs -> movePage(store, rs, 0));
  }

  private CompletionStage<Integer> movePage(DeadLetterStore store, AsyncResultSet rs, int moved) {
    List<DeadLetter> page = new ArrayList<>();
    for (Row r : rs.currentPage()) {
      page.add(
          new DeadLetter(
              r.getString("topic"),
              r.getInt("partition"),
              r.getLong("offset"),
              r.getString("record_key"),
              DeadLetterStore.bytes(r.getByteBuffer("payload")),
              r.getString("error_class"),
              r.getString("error"),
              r.getInstant("failed_at")));
    }
    CompletionStage<Integer> done = CompletableFuture.completedFuture(moved);
    for (DeadLetter d : page) {
      done =
          done.thenCompose(
              n ->
                  store
                      .save(d)
                      .thenCompose(
                          saved ->
                              session.executeAsync(
                                  delete.bind(d.topic(), d.partition(), d.offset())))
                      .thenApply(deleted -> n + 1));
    }
    return done.thenCompose(
        n ->
            rs.hasMorePages()
                ? rs.fetchNextPage().thenCompose(next -> movePage(store, next, n))
                : CompletableFuture.completedFuture(n));
  }
}
