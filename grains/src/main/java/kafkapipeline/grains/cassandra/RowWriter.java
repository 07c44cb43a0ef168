package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import com.datastax.oss.driver.api.core.type.codec.CodecNotFoundException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import kafkapipeline.grains.PipelineMetrics;

/**
 * Writes a batch of idempotent single-row statements concurrently (one async request per row;
 * the caller bounds the batch size and so the requests in flight). A failed row is retried with
 * exponential backoff; the returned stage completes only when every row is written, and fails
 * when a row still fails after the last attempt or fails permanently (the statement itself is
 * wrong). Single-row writes, not batches: every row of these tables is its own partition, and
 * an unlogged batch across partitions only moves the fan-out onto one coordinator.
 */
public final class RowWriter {
  private final CqlSession session;
  private final PipelineMetrics metrics;
  private final int maxAttempts;
  private final Duration firstBackoff;

  public RowWriter(CqlSession session, PipelineMetrics metrics, int maxAttempts, Duration firstBackoff) {
    this.session = session;
    this.metrics = metrics;
    this.maxAttempts = maxAttempts;
    this.firstBackoff = firstBackoff;
  }

  public CompletionStage<Void> writeAll(String table, List<? extends Statement<?>> statements) {
    CompletableFuture<?>[] writes = new CompletableFuture<?>[statements.size()];
    for (int i = 0; i < writes.length; i++) {
      writes[i] = write(table, statements.get(i), 1);
    }
    return CompletableFuture.allOf(writes);
  }

  private CompletableFuture<Void> write(String table, Statement<?> statement, int attempt) {
    return session
        .executeAsync(statement)
        .toCompletableFuture()
        .<CompletionStage<Void>>handle(
            (rs, error) -> {
              if (error == null) return CompletableFuture.completedFuture(null);
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              metrics.increment(PipelineMetrics.WRITE_ERRORS, table);
              if (isPermanent(cause) || attempt >= maxAttempts) {
                return CompletableFuture.failedFuture(cause);
              }
              metrics.increment(PipelineMetrics.WRITE_RETRIES, table);
              long delayMs = firstBackoff.toMillis() << Math.min(attempt - 1, 6);
              return CompletableFuture.supplyAsync(
                      () -> null, CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS))
                  .thenCompose(x -> write(table, statement, attempt + 1));
            })
        .thenCompose(s -> s);
  }

  /** Errors that no retry can fix: the statement is wrong, not the cluster. */
  static boolean isPermanent(Throwable t) {
    return t instanceof InvalidQueryException
        || t instanceof SyntaxError
        || t instanceof CodecNotFoundException;
  }
}
