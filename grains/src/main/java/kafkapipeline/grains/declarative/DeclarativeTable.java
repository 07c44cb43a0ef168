package kafkapipeline.grains.declarative;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import kafkapipeline.api.sources.ColumnSpec;
import kafkapipeline.api.sources.PrimaryKeySpec;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.api.sources.SourceSpecs;
import kafkapipeline.grains.cassandra.Schema;
import kafkapipeline.grains.cassandra.SchemaAgreement;

/**
 * The table of a declarative source in keyspace {@code kafkapipeline}: created with the fixed id
 * {@link Schema#tableId} (so silos creating it at once on a ring can never leave two ids), and
 * widened, never narrowed, when the spec gains columns.
 *
 * <p>{@link #apply} guarantees, when its stage completes: the table exists with every column of the
 * spec, each of the spec's CQL type, and the spec's primary key; every node agrees on the schema.
 * Columns the table has and the spec no longer names stay (rows keep their values). A column
 * present with another CQL type, or another primary key, fails the stage with {@link
 * IncompatibleTableException} before any change; a timeout of schema agreement fails it with the
 * {@link SchemaAgreement} error. A column added at the same time by another silo (the "already
 * exists" refusal) is not an error.
 */
public final class DeclarativeTable {
  private DeclarativeTable() {}

  /** A column as {@code system_schema.columns} lists it. */
  public record ExistingColumn(String name, String kind, int position, String type) {}

  /** The table cannot take the spec without a change Cassandra does not make (or we refuse). */
  public static final class IncompatibleTableException extends RuntimeException {
    public IncompatibleTableException(String message) {
      super(message);
    }
  }

  /**
   * {@code CREATE TABLE IF NOT EXISTS kafkapipeline.<t> (<column> <type>, ..., PRIMARY KEY ((p1,
   * p2), c1)) WITH ID = <fixed id>}.
   *
   * @throws IllegalArgumentException for a spec with problems (its names would not be safe CQL)
   */
  public static String createStatement(SourceSpec spec) {
    requireValid(spec);
    PrimaryKeySpec key = spec.primaryKey();
    StringBuilder b =
        new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(qualified(spec)).append(" (");
    for (ColumnSpec c : spec.columns())
      b.append(c.name()).append(' ').append(c.type().cql()).append(", ");
    b.append("PRIMARY KEY ((").append(String.join(", ", key.partition())).append(')');
    for (String c : clustering(key)) b.append(", ").append(c);
    return b.append(")) WITH ID = '")
        .append(Schema.tableId(spec.tableOrName()))
        .append("'")
        .toString();
  }

  /** {@code ALTER TABLE kafkapipeline.<t> ADD <column> <type>}. */
  static String addStatement(SourceSpec spec, ColumnSpec column) {
    return "ALTER TABLE " + qualified(spec) + " ADD " + column.name() + " " + column.type().cql();
  }

  /**
   * The statements that bring a table of columns {@code existing} to {@code spec}: one {@code ADD}
   * per missing column, in spec order; none when it already fits.
   *
   * @throws IncompatibleTableException naming every column whose type differs, or the two primary
   *     keys when they differ
   */
  static List<String> alterations(SourceSpec spec, Collection<ExistingColumn> existing) {
    requireValid(spec);
    Map<String, ExistingColumn> byName = new HashMap<>();
    for (ExistingColumn e : existing) byName.put(e.name(), e);
    String table = qualified(spec);
    List<String> wanted = keyOf(spec);
    List<String> present = keyOf(existing);
    if (!wanted.equals(present))
      throw new IncompatibleTableException(
          "table "
              + table
              + " has primary key "
              + present
              + ", the source asks for "
              + wanted
              + "; a primary key cannot change (nothing was changed: use another table)");
    List<String> problems = new ArrayList<>();
    List<String> out = new ArrayList<>();
    for (ColumnSpec c : spec.columns()) {
      ExistingColumn e = byName.get(c.name());
      if (e == null) {
        out.add(addStatement(spec, c));
      } else if (!e.type().equals(c.type().cql())) {
        problems.add(
            "column "
                + c.name()
                + " is "
                + e.type()
                + " in the table, the source says "
                + c.type().cql());
      }
    }
    if (!problems.isEmpty())
      throw new IncompatibleTableException(
          "table "
              + table
              + ": "
              + String.join(", ", problems)
              + "; a column's type cannot change (nothing was changed: use another column name)");
    return out;
  }

  /**
   * Creates or widens the table; see the class description. The stage fails (with the cause wrapped
   * in {@link CompletionException}, as stages do) and leaves the table as it was when the spec does
   * not fit it.
   */
  public static CompletionStage<Void> apply(
      CqlSession session, SourceSpec spec, Duration agreementTimeout) {
    SchemaAgreement agreement = new SchemaAgreement(session, agreementTimeout);
    String create = createStatement(spec);
    return columns(session, spec)
        .thenCompose(
            cols ->
                !cols.isEmpty()
                    ? CompletableFuture.completedFuture(cols)
                    : session
                        .executeAsync(create)
                        .thenCompose(rs -> agreement.await("CREATE TABLE " + qualified(spec)))
                        .thenCompose(done -> columns(session, spec)))
        .thenCompose(
            cols -> {
              CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
              for (String alter : alterations(spec, cols)) {
                chain =
                    chain
                        .thenCompose(done -> session.executeAsync(alter))
                        .handle(DeclarativeTable::addedOrAlreadyThere)
                        .thenCompose(done -> agreement.await(alter));
              }
              return chain;
            })
        // Another silo may have added a column with another type in between: check once more.
        .thenCompose(done -> columns(session, spec))
        .thenAccept(
            cols -> {
              if (!alterations(spec, cols).isEmpty())
                throw new IllegalStateException(
                    "table " + qualified(spec) + " still lacks columns after ALTER TABLE: " + cols);
            });
  }

  private static Void addedOrAlreadyThere(AsyncResultSet rs, Throwable error) {
    if (error == null) return null;
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    // A concurrent ALTER by another silo added it first; the final check sees its type.
    if (cause instanceof InvalidQueryException
        && String.valueOf(cause.getMessage()).contains("already exist")) return null;
    throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
  }

  /** The table's columns as this coordinator sees them; empty when there is no table. */
  static CompletionStage<List<ExistingColumn>> columns(CqlSession session, SourceSpec spec) {
    return session
        .executeAsync(
            SimpleStatement.newInstance(
                "SELECT column_name, kind, position, type FROM system_schema.columns"
                    + " WHERE keyspace_name = ? AND table_name = ?",
                Schema.KEYSPACE,
                spec.tableOrName()))
        .thenApply(
            rs -> {
              List<ExistingColumn> out = new ArrayList<>();
              for (Row r : rs.currentPage())
                out.add(
                    new ExistingColumn(
                        r.getString("column_name"),
                        r.getString("kind"),
                        r.getInt("position"),
                        r.getString("type")));
              return out;
            });
  }

  /** The spec's key as "partition:name" and "clustering:name" in order, for comparison. */
  private static List<String> keyOf(SourceSpec spec) {
    List<String> out = new ArrayList<>();
    for (String p : spec.primaryKey().partition()) out.add("partition " + p);
    for (String c : clustering(spec.primaryKey())) out.add("clustering " + c);
    return out;
  }

  private static List<String> keyOf(Collection<ExistingColumn> existing) {
    Comparator<ExistingColumn> byPosition = Comparator.comparingInt(ExistingColumn::position);
    List<String> out = new ArrayList<>();
    for (String kind : List.of("partition_key", "clustering"))
      existing.stream()
          .filter(e -> e.kind().equals(kind))
          .sorted(byPosition)
          .forEach(
              e -> out.add((kind.equals("clustering") ? "clustering " : "partition ") + e.name()));
    return out;
  }

  private static List<String> clustering(PrimaryKeySpec key) {
    return key.clustering() == null ? List.of() : key.clustering();
  }

  private static String qualified(SourceSpec spec) {
    return Schema.KEYSPACE + "." + spec.tableOrName();
  }

  /**
   * @throws IllegalArgumentException listing the spec's problems, when it has any
   */
  static void requireValid(SourceSpec spec) {
    // Where the source connects is no concern of its table: that was checked where it was
    // accepted, and is checked at every connection.
    List<String> problems = SourceSpecs.problems(spec, null);
    if (!problems.isEmpty())
      throw new IllegalArgumentException(
          problems.stream().collect(Collectors.joining("; ", "not a valid source: ", "")));
  }
}
