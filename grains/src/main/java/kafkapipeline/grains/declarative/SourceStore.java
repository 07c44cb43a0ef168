package kafkapipeline.grains.declarative;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.grains.cassandra.Consistency;
import kafkapipeline.grains.cassandra.Pages;
import kafkapipeline.grains.cassandra.Schema;

/**
 * The declarative sources, table {@code sources}: each one's spec as its JSON ({@link
 * EventJson#write}), what survives a restart of every silo. Written at the write consistency, read
 * at the read consistency ({@link Consistency}), like the city registry. Every call is
 * non-blocking; a failed statement fails the returned stage.
 *
 * <p>A stored spec that no longer reads as a {@link SourceSpec} (edited by hand, written by another
 * release) is never dropped nor thrown: it comes back as a {@link Stored} with a {@code problem}
 * and no spec, so a listing still shows it and its grain can say why it does not run.
 */
public interface SourceStore {
  /**
   * One row.
   *
   * @param spec null when the stored JSON is not a spec (then {@code problem} says why)
   * @param problem null when {@code spec} was read
   */
  record Stored(String name, SourceSpec spec, Instant addedAt, String problem) {}

  /** Stores the spec under its name, replacing one stored before. */
  CompletionStage<Void> save(SourceSpec spec);

  /** Deletes the spec; true if one was stored. */
  CompletionStage<Boolean> delete(String name);

  /** Every stored source (read page by page, {@link Pages#PAGE_SIZE} rows a page). */
  default CompletionStage<List<Stored>> all() {
    return fold(
        new ArrayList<Stored>(),
        (list, s) -> {
          list.add(s);
          return list;
        });
  }

  /**
   * {@code start} with every stored source folded in by {@code f}, one page of rows at a time: only
   * the accumulator and one page are held.
   */
  <A> CompletionStage<A> fold(A start, BiFunction<A, Stored, A> f);

  CompletionStage<Optional<Stored>> get(String name);

  /** The row's spec, or the problem reading it. */
  static Stored read(String name, String json, Instant addedAt) {
    if (json == null) return new Stored(name, null, addedAt, "no spec stored");
    try {
      return new Stored(
          name,
          EventJson.read(json.getBytes(StandardCharsets.UTF_8), SourceSpec.class),
          addedAt,
          null);
    } catch (EventJson.MalformedEventException e) {
      return new Stored(name, null, addedAt, "the stored spec is unreadable: " + e.getMessage());
    }
  }

  static CompletionStage<SourceStore> cassandra(CqlSession session) {
    String table = Schema.KEYSPACE + ".sources";
    return session
        .prepareAsync("INSERT INTO " + table + " (name, spec, added_at) VALUES (?, ?, ?)")
        .thenCombine(
            session.prepareAsync("SELECT name, spec, added_at FROM " + table + " WHERE name = ?"),
            (upsert, select) -> new PreparedStatement[] {upsert, select})
        .thenCombine(
            session.prepareAsync("DELETE FROM " + table + " WHERE name = ?"),
            (two, delete) -> new Cassandra(session, two[0], two[1], delete));
  }

  /** The table-backed store. */
  record Cassandra(
      CqlSession session,
      PreparedStatement upsert,
      PreparedStatement select,
      PreparedStatement remove)
      implements SourceStore {
    @Override
    public CompletionStage<Void> save(SourceSpec spec) {
      String json = new String(EventJson.write(spec), StandardCharsets.UTF_8);
      return session
          .executeAsync(upsert.bind(spec.name(), json, Instant.now()))
          .thenApply(rs -> null);
    }

    @Override
    public CompletionStage<Boolean> delete(String name) {
      return get(name)
          .thenCompose(
              found ->
                  found.isEmpty()
                      ? CompletableFuture.completedFuture(false)
                      : session.executeAsync(remove.bind(name)).thenApply(rs -> true));
    }

    @Override
    public <A> CompletionStage<A> fold(A start, BiFunction<A, Stored, A> f) {
      return Pages.fold(
          session.executeAsync(
              Consistency.read(
                  SimpleStatement.newInstance(
                          "SELECT name, spec, added_at FROM " + Schema.KEYSPACE + ".sources")
                      .setPageSize(Pages.PAGE_SIZE))),
          start,
          (acc, row) -> f.apply(acc, stored(row)));
    }

    @Override
    public CompletionStage<Optional<Stored>> get(String name) {
      return session
          .executeAsync(Consistency.read(select.bind(name)))
          .thenApply(rs -> Optional.ofNullable(rs.one()).map(Cassandra::stored));
    }

    private static Stored stored(Row row) {
      return read(row.getString("name"), row.getString("spec"), row.getInstant("added_at"));
    }
  }
}
