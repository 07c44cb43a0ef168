package kafkapipeline.grains.declarative;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.grains.cassandra.Consistency;
import kafkapipeline.grains.cassandra.Pages;
import kafkapipeline.grains.cassandra.Schema;

/**
 * {@link SourceClaims} in table {@code source_claims}: every claim is a row of one partition, so a
 * source's three keys are taken by one conditional batch (a lightweight transaction: all applied or
 * none). A claim reads the partition at the serial level (page by page, {@link Pages#PAGE_SIZE}
 * rows a page; it holds at most three rows per source), decides ({@link SourceClaims.Plan}) and
 * writes under conditions that hold only if nothing changed since the read; when another claim got
 * in between, it reads and decides again, at most {@value #ATTEMPTS} times, then reports the keys
 * as contended. Releasing deletes each key {@code IF owner = name}, so it never removes a claim
 * another source took since.
 */
public final class CassandraSourceClaims implements SourceClaims {
  /** The one partition all claims share. */
  static final String SCOPE = "sources";

  static final int ATTEMPTS = 5;

  private final CqlSession session;
  private final PreparedStatement selectAll;
  private final PreparedStatement insert;
  private final PreparedStatement keep;
  private final PreparedStatement remove;

  private CassandraSourceClaims(CqlSession session, List<PreparedStatement> statements) {
    this.session = session;
    this.selectAll = statements.get(0);
    this.insert = statements.get(1);
    this.keep = statements.get(2);
    this.remove = statements.get(3);
  }

  /** Prepares the statements (the table exists: {@code schema.cql}). */
  public static CompletionStage<SourceClaims> prepare(CqlSession session) {
    String table = Schema.KEYSPACE + ".source_claims";
    List<CompletableFuture<PreparedStatement>> each =
        List.of(
                "SELECT claim, owner FROM " + table + " WHERE scope = ?",
                "INSERT INTO " + table + " (scope, claim, owner) VALUES (?, ?, ?) IF NOT EXISTS",
                "UPDATE " + table + " SET owner = ? WHERE scope = ? AND claim = ? IF owner = ?",
                "DELETE FROM " + table + " WHERE scope = ? AND claim = ? IF owner = ?")
            .stream()
            .map(cql -> session.prepareAsync(cql).toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(
            done ->
                new CassandraSourceClaims(
                    session, each.stream().map(CompletableFuture::join).toList()));
  }

  @Override
  public CompletionStage<List<String>> claim(SourceSpec spec, boolean replace) {
    return attempt(spec, replace, 1);
  }

  private CompletionStage<List<String>> attempt(SourceSpec spec, boolean replace, int n) {
    return held()
        .thenCompose(
            held -> {
              Plan plan = Plan.of(spec, held, replace);
              if (!plan.conflicts().isEmpty())
                return CompletableFuture.completedFuture(plan.conflicts());
              List<BatchableStatement<?>> writes = new ArrayList<>();
              for (String key : plan.take()) writes.add(insert.bind(SCOPE, key, spec.name()));
              for (String key : plan.keep())
                writes.add(keep.bind(spec.name(), SCOPE, key, spec.name()));
              return session
                  .executeAsync(BatchStatement.newInstance(DefaultBatchType.LOGGED, writes))
                  .thenCompose(
                      rs -> {
                        if (rs.wasApplied())
                          return drop(spec.name(), plan.drop()).thenApply(d -> List.<String>of());
                        if (n < ATTEMPTS) return attempt(spec, replace, n + 1);
                        return CompletableFuture.completedFuture(
                            List.of(
                                "source '"
                                    + spec.name()
                                    + "': its name, topic or table is being claimed by another"
                                    + " request; try again"));
                      });
            });
  }

  @Override
  public CompletionStage<Void> release(String name) {
    return held()
        .thenCompose(
            held ->
                drop(
                    name,
                    held.entrySet().stream()
                        .filter(e -> e.getValue().equals(name))
                        .map(Map.Entry::getKey)
                        .toList()));
  }

  /** Every claim, key to owner, read at the serial level page by page. */
  private CompletionStage<Map<String, String>> held() {
    return Pages.fold(
        session.executeAsync(
            Consistency.serialRead(selectAll.bind(SCOPE).setPageSize(Pages.PAGE_SIZE))),
        new LinkedHashMap<>(),
        (map, row) -> {
          map.put(row.getString("claim"), row.getString("owner"));
          return map;
        });
  }

  private CompletionStage<Void> drop(String owner, List<String> keys) {
    CompletionStage<Void> all = CompletableFuture.completedFuture(null);
    for (String key : keys) {
      all =
          all.thenCompose(
              d -> session.executeAsync(remove.bind(SCOPE, key, owner)).thenApply(rs -> null));
    }
    return all;
  }
}
