package kafkapipeline.grains.persist;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One table of an in-memory Cassandra that reconciles cells exactly as Cassandra does: per cell,
 * the higher write time wins; on a tie a tombstone (a null written) wins over a value, and of two
 * values the larger, compared as unsigned bytes. Requests do not complete by themselves: they wait
 * in a queue until the test completes one, picked at random, as applied and acknowledged, applied
 * but timed out (the client retries what is already there), or failed without being applied — so
 * writes land in any order, twice, or late, as they can over a network.
 *
 * <p>{@link Clock#CLIENT} ignores the statements' own write times and gives every request one time
 * from a client clock, as the driver did before {@link WriteTime}: the mechanism switched off.
 */
final class ReconcilingCassandra implements RowWriter.Cql {
  enum Clock {
    /** Each row at the write time it binds ({@code USING TIMESTAMP ?}). */
    STATEMENT,
    /** Each request at the next tick of a client clock, whatever its rows bind. */
    CLIENT
  }

  /** A cell: its write time and value (null: a tombstone). */
  record Cell(long writeTime, ByteBuffer value) {}

  private record Pending(Statement<?> statement, CompletableFuture<Void> done) {}

  private final Clock clock;
  private final List<String> primaryKey;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final List<Pending> waiting = new ArrayList<>();
  private final Map<String, Map<String, Cell>> rows = new HashMap<>();
  private long clientClock = 1_700_000_000_000_000L;

  ReconcilingCassandra(Clock clock, List<String> primaryKey) {
    this.clock = clock;
    this.primaryKey = primaryKey;
  }

  @Override
  public CompletionStage<?> executeAsync(Statement<?> statement) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    queue.add(new Pending(statement, done));
    return done;
  }

  /**
   * Completes one waiting request, chosen by {@code random}: applied (p 0.8), applied but timed out
   * (p 0.1), or failed unapplied (p 0.1, with {@code faults}). False when none came within {@code
   * waitMillis} (a retry is in its backoff, or nothing is left).
   */
  boolean completeOne(Random random, boolean faults, long waitMillis) throws InterruptedException {
    queue.drainTo(waiting);
    if (waiting.isEmpty()) {
      if (waitMillis <= 0) return false;
      Pending next = queue.poll(waitMillis, TimeUnit.MILLISECONDS);
      if (next == null) return false;
      waiting.add(next);
    }
    Pending p = waiting.remove(random.nextInt(waiting.size()));
    double outcome = faults ? random.nextDouble() : 0;
    if (outcome < 0.9) apply(p.statement(), clientClock++);
    if (outcome < 0.8) p.done().complete(null);
    else p.done().completeExceptionally(new DriverTimeoutException("Query timed out (simulated)"));
    return true;
  }

  private void apply(Statement<?> statement, long requestTime) {
    if (statement instanceof BatchStatement batch) {
      for (BatchableStatement<?> child : batch) apply(child, requestTime);
      return;
    }
    BoundStatement row = (BoundStatement) statement;
    ColumnDefinitions variables = row.getPreparedStatement().getVariableDefinitions();
    int timeIndex = variables.size() - 1;
    long writeTime =
        clock == Clock.STATEMENT
            ? TypeCodecs.BIGINT.decodePrimitive(
                row.getBytesUnsafe(timeIndex), ProtocolVersion.DEFAULT)
            : requestTime;
    StringBuilder key = new StringBuilder();
    Map<String, ByteBuffer> cells = new HashMap<>();
    for (int i = 0; i < timeIndex; i++) {
      String column = variables.get(i).getName().asInternal();
      ByteBuffer value = row.getBytesUnsafe(i);
      if (primaryKey.contains(column))
        key.append(column).append('=').append(hex(value)).append(';');
      else if (!row.isSet(i)) continue; // unset: no cell written
      else cells.put(column, value);
    }
    Map<String, Cell> stored = rows.computeIfAbsent(key.toString(), k -> new HashMap<>());
    cells.forEach(
        (column, value) ->
            stored.merge(column, new Cell(writeTime, value), ReconcilingCassandra::reconcile));
  }

  /** Cassandra's rule for two versions of one cell. */
  static Cell reconcile(Cell a, Cell b) {
    if (a.writeTime() != b.writeTime()) return a.writeTime() > b.writeTime() ? a : b;
    if (a.value() == null) return a;
    if (b.value() == null) return b;
    return compareUnsigned(a.value(), b.value()) >= 0 ? a : b;
  }

  private static int compareUnsigned(ByteBuffer a, ByteBuffer b) {
    int n = Math.min(a.remaining(), b.remaining());
    for (int i = 0; i < n; i++) {
      int c = Integer.compare(a.get(a.position() + i) & 0xff, b.get(b.position() + i) & 0xff);
      if (c != 0) return c;
    }
    return Integer.compare(a.remaining(), b.remaining());
  }

  private static String hex(ByteBuffer value) {
    if (value == null) return "null";
    StringBuilder b = new StringBuilder();
    for (int i = value.position(); i < value.limit(); i++)
      b.append(String.format("%02x", value.get(i)));
    return b.toString();
  }

  /** Every row: its key (as the primary key's bytes) to each column's value (null: none). */
  Map<String, Map<String, ByteBuffer>> table() {
    Map<String, Map<String, ByteBuffer>> out = new HashMap<>();
    rows.forEach(
        (key, cells) -> {
          Map<String, ByteBuffer> values = new HashMap<>();
          cells.forEach((column, cell) -> values.put(column, cell.value()));
          out.put(key, values);
        });
    return out;
  }

  /** The key {@link #table} gives the row {@code statement} writes. */
  String keyOf(BoundStatement statement) {
    ColumnDefinitions variables = statement.getPreparedStatement().getVariableDefinitions();
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < variables.size() - 1; i++) {
      String column = variables.get(i).getName().asInternal();
      if (primaryKey.contains(column))
        key.append(column).append('=').append(hex(statement.getBytesUnsafe(i))).append(';');
    }
    return key.toString();
  }
}
