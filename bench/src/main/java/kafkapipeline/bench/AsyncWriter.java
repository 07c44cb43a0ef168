package kafkapipeline.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes rows with the Cassandra driver's {@code executeAsync}, at most {@code inFlight} rows
 * outstanding (a semaphore: {@link #write} blocks the caller while the limit is reached), either
 * one request per row or unlogged batches of {@code batchRows} rows. A request that times out or
 * finds the server overloaded is sent again (the writes are idempotent upserts), up to {@value
 * #ATTEMPTS} times; {@link #retries()} counts those.
 *
 * <p>Every row of {@code fakerdata} is its own partition (the primary key is the id), so grouping
 * rows by partition key gives batches of one; a batch here groups different partitions, which on a
 * single node all have the same replica, so it saves requests, not fan-out.
 *
 * <p>Guarantees: {@link #rowsWritten()} counts rows whose request succeeded; the first failed
 * request is kept and rethrown by the next {@link #write} or {@link #drain} (the bench stops: a
 * benchmark with lost rows measures nothing).
 */
final class AsyncWriter {
  /** How rows become requests. */
  record Mode(String name, int batchRows) {
    static Mode parse(String text) {
      if (text.equals("single")) return new Mode("single", 1);
      if (text.startsWith("batch"))
        return new Mode(text, Integer.parseInt(text.substring("batch".length())));
      throw new IllegalArgumentException("unknown write mode '" + text + "' (single or batchN)");
    }
  }

  private final CqlSession session;
  private final Mode mode;
  private final int inFlight;
  private final Semaphore permits;
  private final AtomicLong written = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong retries = new AtomicLong();
  static final int ATTEMPTS = 5;

  AsyncWriter(CqlSession session, Mode mode, int inFlight) {
    this.session = session;
    this.mode = mode;
    this.inFlight = inFlight;
    this.permits = new Semaphore(inFlight);
  }

  Mode mode() {
    return mode;
  }

  long rowsWritten() {
    return written.get();
  }

  /** Sends {@code rows}; the returned future completes when all of them are written. */
  CompletableFuture<Void> write(List<BoundStatement> rows) {
    List<CompletableFuture<?>> sent =
        new ArrayList<>((rows.size() + mode.batchRows() - 1) / mode.batchRows());
    for (int from = 0; from < rows.size(); from += mode.batchRows()) {
      List<BoundStatement> group =
          rows.subList(from, Math.min(rows.size(), from + mode.batchRows()));
      sent.add(send(group));
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
  }

  long retries() {
    return retries.get();
  }

  private CompletableFuture<?> send(List<BoundStatement> group) {
    rethrow();
    int rows = group.size();
    permits.acquireUninterruptibly(rows);
    Statement<?> request =
        rows == 1
            ? group.get(0)
            : BatchStatement.newInstance(BatchType.UNLOGGED, new ArrayList<>(group))
                .setIdempotent(true);
    CompletableFuture<Void> done = new CompletableFuture<>();
    execute(request, 1, done);
    return done.whenComplete(
        (ok, error) -> {
          permits.release(rows);
          if (error != null) failure.compareAndSet(null, error);
          else written.addAndGet(rows);
        });
  }

  private void execute(Statement<?> request, int attempt, CompletableFuture<Void> done) {
    session
        .executeAsync(request)
        .whenComplete(
            (rs, error) -> {
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              if (cause == null) {
                done.complete(null);
              } else if (attempt < ATTEMPTS
                  && (cause instanceof WriteTimeoutException
                      || cause instanceof OverloadedException
                      || cause instanceof DriverTimeoutException)) {
                retries.incrementAndGet();
                execute(request, attempt + 1, done);
              } else {
                done.completeExceptionally(cause);
              }
            });
  }

  /** Waits until nothing is in flight. */
  void drain() {
    permits.acquireUninterruptibly(inFlight);
    permits.release(inFlight);
    rethrow();
  }

  private void rethrow() {
    Throwable t = failure.get();
    if (t != null) throw new IllegalStateException("a write failed: " + t, t);
  }
}
