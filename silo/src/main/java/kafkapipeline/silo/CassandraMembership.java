package kafkapipeline.silo;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import kafkapipeline.grains.cassandra.Consistency;
import kafkapipeline.grains.cassandra.Schema;

/**
 * The membership table: silos announce themselves with a heartbeat that expires after {@link #TTL},
 * and at most one silo at a time may found a new cluster. Heartbeats go out at the write
 * consistency, the member list at the read consistency ({@link Consistency}); the founder claim is
 * a lightweight transaction read back serially ({@link Consistency#SERIAL}), so two silos never
 * both see themselves as founder.
 */
final class CassandraMembership {
  static final Duration TTL = Duration.ofSeconds(30);

  private final CqlSession session;
  private final String cluster;
  private final PreparedStatement heartbeat;
  private final PreparedStatement members;
  private final PreparedStatement claim;
  private final PreparedStatement founder;

  private CassandraMembership(
      CqlSession session,
      String cluster,
      PreparedStatement heartbeat,
      PreparedStatement members,
      PreparedStatement claim,
      PreparedStatement founder) {
    this.session = session;
    this.cluster = cluster;
    this.heartbeat = heartbeat;
    this.members = members;
    this.claim = claim;
    this.founder = founder;
  }

  static CompletionStage<CassandraMembership> prepare(CqlSession session, String cluster) {
    String ks = Schema.KEYSPACE;
    int ttl = (int) TTL.toSeconds();
    return session
        .prepareAsync(
            "INSERT INTO "
                + ks
                + ".cluster_members (cluster, address, heartbeat) VALUES (?, ?, ?) USING TTL "
                + ttl)
        .thenCompose(
            hb ->
                session
                    .prepareAsync(
                        "SELECT address FROM " + ks + ".cluster_members WHERE cluster = ?")
                    .thenCompose(
                        m ->
                            session
                                .prepareAsync(
                                    "INSERT INTO "
                                        + ks
                                        + ".cluster_founder (cluster, address) VALUES (?, ?) IF NOT EXISTS USING TTL "
                                        + ttl)
                                .thenCompose(
                                    c ->
                                        session
                                            .prepareAsync(
                                                "SELECT address FROM "
                                                    + ks
                                                    + ".cluster_founder WHERE cluster = ?")
                                            .thenApply(
                                                f ->
                                                    new CassandraMembership(
                                                        session, cluster, hb, m, c, f)))));
  }

  CompletionStage<Void> heartbeat(String address) {
    return session
        .executeAsync(heartbeat.bind(cluster, address, Instant.now()))
        .thenApply(rs -> null);
  }

  /** Addresses with a live heartbeat. */
  CompletionStage<List<String>> liveMembers() {
    return session
        .executeAsync(Consistency.read(members.bind(cluster)))
        .thenApply(
            rs -> {
              List<String> out = new ArrayList<>();
              for (Row row : rs.currentPage()) out.add(row.getString(0));
              return out;
            });
  }

  /** The founder after the claim: this address if the claim won, else the one that holds it. */
  CompletionStage<Optional<String>> claimFounder(String address) {
    return session
        .executeAsync(claim.bind(cluster, address))
        .thenCompose(
            rs ->
                rs.wasApplied()
                    ? java.util.concurrent.CompletableFuture.completedFuture(Optional.of(address))
                    : session
                        .executeAsync(Consistency.serialRead(founder.bind(cluster)))
                        .thenApply(
                            found -> Optional.ofNullable(found.one()).map(r -> r.getString(0))));
  }
}
