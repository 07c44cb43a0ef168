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
 * exponential backoff. The returned stage completes when every row is either written or rejected
 * for good (the statement itself is wrong: those come back, for the caller to dead-letter), and
 * fails when a row still fails transiently after the last attempt. Single-row writes, not batches: every row of these tables is its own partition, and
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

  /** A row Cassandra rejected for good: its index in the batch and why. */
  public record Rejected(int index, String error) {}

  public CompletionStage<List<Rejected>> writeAll(String table, List<? extends Statement<?>> statements) {
    long started = System.nanoTime();
    List<CompletableFuture<Rejected>> writes = new java.util.ArrayList<>(statements.size());
    for (int i = 0; i < statements.size(); i++) {
      int index = i;
      writes.add(write(table, statements.get(i), 1).handle((ok, error) -> {
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        if (cause == null) return null;
        if (isPermanent(cause)) return new Rejected(index, cause.getClass().getSimpleName() + ": " + cause.getMessage());
        throw new CompletionException(cause);
      }));
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .thenApply(done -> {
          metrics.increment(PipelineMetrics.WRITE_BATCHES, table);
          metrics.add(PipelineMetrics.WRITE_BATCH_MICROS, table, (System.nanoTime() - started) / 1_000);
          return writes.stream().map(CompletableFuture::join).filter(java.util.Objects::nonNull).toList();
        });
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
