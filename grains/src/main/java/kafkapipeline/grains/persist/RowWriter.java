package kafkapipeline.grains.persist;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import com.datastax.oss.driver.api.core.type.codec.CodecNotFoundException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.Consistency;

/**
 * Writes a batch of idempotent single-row upserts, grouped into requests of up to {@link
 * PersisterSettings#rowsPerRequest} rows (an unlogged batch) and at most {@link
 * PersisterSettings#maxRequestBytes} of bound values, all requests sent at once (the caller bounds
 * the batch size and so what is in flight).
 *
 * <p>Why group: every row of these tables is its own partition, so there is nothing to group by
 * key; but each request costs Cassandra and the driver a fixed amount of CPU whatever it holds (the
 * benchmark measured about 84 µs of Cassandra CPU per row sent alone against about 61 in groups of
 * 8). The limits keep a request under Cassandra's warning thresholds (5 KiB per batch, 10
 * partitions per unlogged batch). The cost: a group goes to one coordinator, which forwards the
 * rows of other replicas; set {@code pipeline.persisters.rows-per-request = 1} for token-aware
 * single-row writes.
 *
 * <p>Guarantees: the returned stage completes when every row is either written or rejected for good
 * (the statement itself is wrong, not the cluster: those come back, by index, for the caller to
 * dead-letter). A rejected group is written again row by row, so one bad row never takes its
 * neighbours with it. A request failing transiently is retried with exponential backoff; the stage
 * fails when one still fails after {@link PersisterSettings#writeAttempts} attempts, the first
 * retry after {@link PersisterSettings#firstRetryBackoff} (the caller then must not commit past the
 * batch).
 *
 * <p>Rows and groups go out at the write consistency: the session's default profile ({@link
 * Consistency}), which a batch takes whatever its rows say.
 */
public final class RowWriter implements RowSink {
  /**
   * Where requests go: a {@link CqlSession}'s {@code executeAsync}, or an in-memory Cassandra in
   * tests.
   */
  @FunctionalInterface
  public interface Cql {
    CompletionStage<?> executeAsync(Statement<?> statement);
  }

  private final Cql session;
  private final PipelineMetrics metrics;
  private final PersisterSettings settings;

  /** {@code settings} are checked already (by their constructor). */
  public RowWriter(CqlSession session, PipelineMetrics metrics, PersisterSettings settings) {
    this((Cql) session::executeAsync, metrics, settings);
  }

  public RowWriter(Cql session, PipelineMetrics metrics, PersisterSettings settings) {
    this.session = session;
    this.metrics = metrics;
    this.settings = settings;
  }

  /** A row Cassandra rejected for good: its index in the batch and why. */
  public record Rejected(int index, String error) {}

  /** Rows {@code from} (inclusive) to {@code to} (exclusive) of a batch, sent as one request. */
  private record Group(int from, int to) {}

  public CompletionStage<List<Rejected>> writeAll(
      String table, List<? extends Statement<?>> statements) {
    long started = System.nanoTime();
    List<Group> groups = group(statements);
    List<CompletableFuture<List<Rejected>>> writes = new ArrayList<>(groups.size());
    for (Group g : groups) writes.add(writeGroup(table, statements, g));
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              metrics.increment(PipelineMetrics.WRITE_BATCHES, table);
              metrics.add(
                  PipelineMetrics.WRITE_BATCH_MICROS, table, (System.nanoTime() - started) / 1_000);
              List<Rejected> rejected = new ArrayList<>();
              for (CompletableFuture<List<Rejected>> w : writes) rejected.addAll(w.join());
              return rejected;
            });
  }

  /** Consecutive rows, cut when a group is full by count or by bytes. */
  private List<Group> group(List<? extends Statement<?>> statements) {
    List<Group> groups = new ArrayList<>(statements.size() / settings.rowsPerRequest() + 1);
    int from = 0;
    int bytes = 0;
    for (int i = 0; i < statements.size(); i++) {
      int size = valueBytes(statements.get(i));
      if (i > from
          && (i - from == settings.rowsPerRequest() || bytes + size > settings.maxRequestBytes())) {
        groups.add(new Group(from, i));
        from = i;
        bytes = 0;
      }
      bytes += size;
    }
    if (from < statements.size()) groups.add(new Group(from, statements.size()));
    return groups;
  }

  private CompletableFuture<List<Rejected>> writeGroup(
      String table, List<? extends Statement<?>> statements, Group g) {
    if (g.to() - g.from() == 1) return writeRow(table, statements, g.from());
    List<Statement<?>> rows = new ArrayList<>(g.to() - g.from());
    for (int i = g.from(); i < g.to(); i++) rows.add(statements.get(i));
    @SuppressWarnings({"unchecked", "rawtypes"})
    Statement<?> batch =
        BatchStatement.newInstance(BatchType.UNLOGGED, (Iterable) rows).setIdempotent(true);
    return send(table, batch, 1)
        .<CompletableFuture<List<Rejected>>>handle(
            (ok, error) -> {
              Throwable cause = unwrap(error);
              if (cause == null) return CompletableFuture.completedFuture(List.of());
              if (!isPermanent(cause)) return CompletableFuture.failedFuture(cause);
              // One bad row rejects its whole group: write the rows alone to find it.
              metrics.increment(PipelineMetrics.WRITE_GROUPS_SPLIT, table);
              List<CompletableFuture<List<Rejected>>> singles = new ArrayList<>();
              for (int i = g.from(); i < g.to(); i++) singles.add(writeRow(table, statements, i));
              return CompletableFuture.allOf(singles.toArray(CompletableFuture[]::new))
                  .thenApply(done -> singles.stream().flatMap(s -> s.join().stream()).toList());
            })
        .thenCompose(s -> s);
  }

  private CompletableFuture<List<Rejected>> writeRow(
      String table, List<? extends Statement<?>> statements, int index) {
    return send(table, statements.get(index), 1)
        .handle(
            (ok, error) -> {
              Throwable cause = unwrap(error);
              if (cause == null) return List.of();
              if (isPermanent(cause)) {
                return List.of(
                    new Rejected(
                        index, cause.getClass().getSimpleName() + ": " + cause.getMessage()));
              }
              throw new CompletionException(cause);
            });
  }

  private CompletableFuture<Void> send(String table, Statement<?> statement, int attempt) {
    return session
        .executeAsync(statement)
        .toCompletableFuture()
        .<CompletionStage<Void>>handle(
            (rs, error) -> {
              if (error == null) return CompletableFuture.completedFuture(null);
              Throwable cause = unwrap(error);
              metrics.increment(PipelineMetrics.WRITE_ERRORS, table);
              if (isPermanent(cause) || attempt >= settings.writeAttempts()) {
                return CompletableFuture.failedFuture(cause);
              }
              metrics.increment(PipelineMetrics.WRITE_RETRIES, table);
              long delayMs = settings.firstRetryBackoff().toMillis() << Math.min(attempt - 1, 6);
              return CompletableFuture.supplyAsync(
                      () -> null, CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS))
                  .thenCompose(x -> send(table, statement, attempt + 1));
            })
        .thenCompose(s -> s);
  }

  /** The bytes of a statement's bound values: what its row adds to a request. */
  private static int valueBytes(Statement<?> statement) {
    if (!(statement instanceof BoundStatement bound)) return 0;
    int bytes = 0;
    for (ByteBuffer value : bound.getValues()) {
      if (value != null) bytes += value.remaining();
    }
    return bytes;
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  /**
   * Errors that no retry can fix: the statement is wrong, not the cluster. Not among them: a table
   * or keyspace the coordinator does not know yet, which is a node that has not got the schema (a
   * new source's table, a node just joined): that is retried, and after the retries fails the
   * batch, so its records are read again rather than dead-lettered.
   */
  static boolean isPermanent(Throwable t) {
    if (t instanceof InvalidQueryException && isSchemaNotThereYet(t.getMessage())) return false;
    return t instanceof InvalidQueryException
        || t instanceof SyntaxError
        || t instanceof CodecNotFoundException;
  }

  /** Cassandra's words for a table or keyspace it does not have (3.x, 4.x and 5.0). */
  static boolean isSchemaNotThereYet(String message) {
    if (message == null) return false;
    String m = message.toLowerCase(java.util.Locale.ROOT);
    return m.contains("unconfigured table")
        || m.contains("unconfigured columnfamily")
        || (m.contains("keyspace") && m.contains("does not exist"))
        || (m.contains("table") && m.contains("does not exist"))
        || m.contains("unknown keyspace")
        || m.contains("unknown table");
  }
}
