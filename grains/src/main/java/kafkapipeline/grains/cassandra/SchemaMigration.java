package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One silo's run of the schema migration. Every silo creates the keyspace and the lease table (both
 * converge when created at once: a keyspace has no id, the table has a fixed one). Then a silo
 * whose schema version is not yet recorded takes the lease, a row written with a lightweight
 * transaction ({@code IF NOT EXISTS}) that expires after {@link #leaseTtl} unless renewed, so a
 * silo that dies holding it frees it. The holder renews it before each statement, applies every
 * statement of {@code schema.cql}, each followed by a schema agreement wait, records the version
 * (row {@code applied}) and gives the lease back. The others poll until that version is recorded
 * and the nodes agree, taking the lease themselves if it is freed first; past {@link
 * Schema.Settings#waitTimeout} they fail, saying who holds the lease and what is recorded.
 *
 * <p>Exactly one silo logs "Applied schema version ..." per version, unless a holder loses its
 * lease half way (it then fails, and a later holder applies the statements again: each is {@code IF
 * NOT EXISTS} with fixed table ids, so nothing forks).
 */
final class SchemaMigration {
  private static final Logger log = LoggerFactory.getLogger(SchemaMigration.class);

  /** The migrations' own table (outside schema.cql: it records which version is applied). */
  static final String TABLE_NAME = "schema_migrations";

  static final String TABLE = Schema.KEYSPACE + "." + TABLE_NAME;
  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(500);

  /** The lease table; created by every silo, before any lease can be taken. */
  static final String LEASE_TABLE_CQL =
      Schema.withTableId(
          "CREATE TABLE IF NOT EXISTS "
              + TABLE
              + " (\n"
              + "  name text PRIMARY KEY,\n"
              + "  holder text,\n"
              + "  version text,\n"
              + "  applied_at timestamp\n"
              + ") WITH ID = ${id}");

  private final CqlSession session;
  private final Schema.Settings settings;
  private final String applier;
  private final SchemaAgreement agreement;
  private final List<String> statements;
  private final String version = Schema.version();
  private final int leaseTtl;

  SchemaMigration(CqlSession session, Schema.Settings settings, String applier) {
    this.session = session;
    this.settings = settings;
    this.applier = applier;
    this.agreement = new SchemaAgreement(session, settings.agreementTimeout());
    this.statements =
        Schema.statements(
            Schema.replication(settings.localDatacenter(), settings.replicationFactor()));
    // Long enough for one statement and its agreement wait: the holder renews it before each.
    this.leaseTtl = (int) (DDL_TIMEOUT.plus(settings.agreementTimeout()).toSeconds() + 10);
  }

  CompletionStage<Void> run() {
    long deadline = System.nanoTime() + settings.waitTimeout().toNanos();
    return ddl(statements.get(0))
        .thenCompose(x -> reportReplication())
        .thenCompose(x -> ddl(LEASE_TABLE_CQL))
        .thenCompose(x -> attempt(deadline));
  }

  /**
   * One poll: done if the version is recorded, else apply it if the lease is ours, else wait. The
   * polls read plainly and try the lease only when it looks free, so waiting silos do not contend
   * with the holder's renewals (the lease itself is decided by the transaction alone).
   */
  private CompletionStage<Void> attempt(long deadline) {
    return read("applied", false)
        .thenCompose(
            applied -> {
              if (applied.isPresent() && version.equals(applied.get().getString("version"))) {
                return agreement
                    .await("schema version " + version)
                    .thenRun(
                        () ->
                            log.info(
                                "Schema version {} is in place (applied by {})",
                                version,
                                applied.get().getString("holder")));
              }
              return read("lease", false)
                  .thenCompose(
                      lease -> {
                        Optional<String> seen = lease.map(r -> r.getString("holder"));
                        // Held under this silo's own name: taken before it restarted; it renews it
                        // from here on.
                        if (seen.isPresent() && seen.get().equals(applier))
                          return CompletableFuture.completedFuture(Optional.<String>empty());
                        return seen.isPresent()
                            ? CompletableFuture.completedFuture(seen)
                            : takeLease();
                      })
                  .thenCompose(
                      holder -> {
                        if (holder.isEmpty()) return applyUnlessApplied();
                        if (System.nanoTime() - deadline > 0) {
                          return CompletableFuture.failedFuture(
                              new IllegalStateException(
                                  "waited "
                                      + settings.waitTimeout().toSeconds()
                                      + " s for schema version "
                                      + version
                                      + " to be applied: the schema lease is held by "
                                      + holder.get()
                                      + " (it expires within "
                                      + leaseTtl
                                      + " s unless renewed); recorded version: "
                                      + applied
                                          .map(
                                              r ->
                                                  r.getString("version")
                                                      + " by "
                                                      + r.getString("holder"))
                                          .orElse("none")));
                        }
                        return delay(POLL).thenCompose(x -> attempt(deadline));
                      });
            });
  }

  /** Empty if this silo now holds the lease, else the holder. */
  private CompletionStage<Optional<String>> takeLease() {
    return session
        .executeAsync(
            SimpleStatement.newInstance(
                "INSERT INTO "
                    + TABLE
                    + " (name, holder) VALUES ('lease', ?) IF NOT EXISTS USING TTL "
                    + leaseTtl,
                applier))
        .thenApply(rs -> rs.wasApplied() ? Optional.<String>empty() : Optional.of(holderOf(rs)));
  }

  /** With the lease: the last holder may have recorded the version since this silo looked. */
  private CompletionStage<Void> applyUnlessApplied() {
    return read("applied", true)
        .thenCompose(
            applied -> {
              if (applied.isPresent() && version.equals(applied.get().getString("version"))) {
                return releaseLease()
                    .thenCompose(x -> agreement.await("schema version " + version));
              }
              return applyAll();
            });
  }

  private CompletionStage<Void> applyAll() {
    log.info(
        "Took the schema lease: applying schema version {} ({} statements) as {}",
        version,
        statements.size(),
        applier);
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (String cql : statements)
      chain = chain.thenCompose(x -> renewLease()).thenCompose(x -> ddl(cql));
    return chain
        .thenCompose(
            x ->
                session.executeAsync(
                    SimpleStatement.newInstance(
                        "INSERT INTO "
                            + TABLE
                            + " (name, holder, version, applied_at) VALUES ('applied', ?, ?, ?)",
                        applier,
                        version,
                        Instant.now())))
        .thenCompose(x -> releaseLease())
        .thenRun(
            () ->
                log.info(
                    "Applied schema version {} ({} statements) as {}",
                    version,
                    statements.size(),
                    applier))
        .handle(
            (ok, error) -> {
              if (error == null) return CompletableFuture.<Void>completedFuture(null);
              // Free the lease for the next silo rather than have it wait for the TTL.
              return releaseLease()
                  .handle((r, e) -> null)
                  .thenCompose(r -> CompletableFuture.<Void>failedFuture(error));
            })
        .thenCompose(s -> s);
  }

  private CompletionStage<Void> renewLease() {
    return session
        .executeAsync(
            SimpleStatement.newInstance(
                "UPDATE "
                    + TABLE
                    + " USING TTL "
                    + leaseTtl
                    + " SET holder = ? WHERE name = 'lease' IF holder = ?",
                applier,
                applier))
        .thenAccept(
            rs -> {
              if (!rs.wasApplied()) {
                throw new IllegalStateException(
                    "lost the schema lease (now held by "
                        + holderOf(rs)
                        + ") while applying schema version "
                        + version);
              }
            });
  }

  private CompletionStage<Void> releaseLease() {
    return session
        .executeAsync(
            SimpleStatement.newInstance(
                "DELETE FROM " + TABLE + " WHERE name = 'lease' IF holder = ?", applier))
        .thenApply(rs -> null);
  }

  /**
   * A row of the lease table; read serially it sees every transaction decided before, else at the
   * session's default level (the write level of a silo's session: the version is written at it).
   */
  private CompletionStage<Optional<Row>> read(String name, boolean serially) {
    SimpleStatement select =
        SimpleStatement.newInstance(
            "SELECT holder, version FROM " + TABLE + " WHERE name = ?", name);
    return session
        .executeAsync(serially ? Consistency.serialRead(select) : select)
        .thenApply(rs -> Optional.ofNullable(rs.one()));
  }

  /** A statement, then the wait until every node agrees; a failure names the statement. */
  private CompletionStage<Void> ddl(String cql) {
    String what = "'" + Schema.firstLine(cql) + "'";
    return session
        .executeAsync(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT))
        .exceptionally(
            e -> {
              Throwable cause =
                  e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
              throw new IllegalStateException(what + " failed: " + cause, cause);
            })
        .thenCompose(rs -> agreement.await(what));
  }

  /** Logs when the keyspace exists with another replication than the settings ask for. */
  private CompletionStage<Void> reportReplication() {
    return session
        .executeAsync(
            SimpleStatement.newInstance(
                "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?",
                Schema.KEYSPACE))
        .thenAccept(
            rs -> {
              Row row = rs.one();
              Map<String, String> replication =
                  row == null ? Map.of() : row.getMap(0, String.class, String.class);
              boolean topology =
                  replication.getOrDefault("class", "").endsWith("NetworkTopologyStrategy");
              String factor =
                  replication.get(topology ? settings.localDatacenter() : "replication_factor");
              if (!String.valueOf(settings.replicationFactor()).equals(factor)) {
                log.warn(
                    "Keyspace {} has replication {}, not {} replicas in {} as pipeline.cassandra.replication-factor"
                        + " asks: an existing keyspace is left as it is (change it with ALTER KEYSPACE, then nodetool repair)",
                    Schema.KEYSPACE,
                    replication,
                    settings.replicationFactor(),
                    settings.localDatacenter());
              } else if (!topology) {
                log.info(
                    "Keyspace {} has replication {}, made before NetworkTopologyStrategy was used: left as it is",
                    Schema.KEYSPACE,
                    replication);
              }
            });
  }

  private static String holderOf(AsyncResultSet rs) {
    Row row = rs.one();
    boolean held =
        row != null && row.getColumnDefinitions().contains("holder") && !row.isNull("holder");
    return held ? row.getString("holder") : "nobody (the lease just expired)";
  }

  private static CompletableFuture<Void> delay(Duration d) {
    return CompletableFuture.runAsync(
        () -> {}, CompletableFuture.delayedExecutor(d.toMillis(), TimeUnit.MILLISECONDS));
  }
}
