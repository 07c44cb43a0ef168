package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import kafkapipeline.grains.cassandra.Consistency;
import org.junit.jupiter.api.Test;

/**
 * The membership table's statements name the right profile, in memory: heartbeats and the founder
 * claim go out on the default profile (the write level, {@code ConsistencySettingsTest} shows it
 * holds the configured level), the member list on {@link Consistency#READ}, and the founder is read
 * back serially. The session records the bound statements it is handed and answers every claim as
 * lost, with no row.
 */
class MembershipConsistencyTest {
  /** A statement as it reached the session. */
  record Sent(String cql, String profile, ConsistencyLevel level) {}

  private final List<Sent> sent = new ArrayList<>();

  @Test
  void heartbeatsAndClaimsAreWritesTheListIsAReadAndTheFounderIsReadSerially() {
    CassandraMembership membership =
        CassandraMembership.prepare(recordingSession(), "pipeline").toCompletableFuture().join();
    membership.heartbeat("127.0.0.1:2551").toCompletableFuture().join();
    membership.liveMembers().toCompletableFuture().join();
    membership.claimFounder("127.0.0.1:2551").toCompletableFuture().join();
    String ks = "kafkapipeline";
    assertEquals(
        List.of(
            new Sent(
                "INSERT INTO "
                    + ks
                    + ".cluster_members (cluster, address, heartbeat) VALUES (?, ?, ?) USING TTL 30",
                null,
                null),
            new Sent(
                "SELECT address FROM " + ks + ".cluster_members WHERE cluster = ?",
                Consistency.READ,
                null),
            new Sent(
                "INSERT INTO "
                    + ks
                    + ".cluster_founder (cluster, address) VALUES (?, ?) IF NOT EXISTS USING TTL 30",
                null,
                null),
            new Sent(
                "SELECT address FROM " + ks + ".cluster_founder WHERE cluster = ?",
                null,
                DefaultConsistencyLevel.LOCAL_SERIAL)),
        sent);
  }

  private CqlSession recordingSession() {
    return proxy(
        CqlSession.class,
        (method, args) ->
            switch (method) {
              case "prepareAsync" -> CompletableFuture.completedFuture(prepared((String) args[0]));
              case "executeAsync" -> {
                BoundStatement s = (BoundStatement) args[0];
                sent.add(
                    new Sent(
                        s.getPreparedStatement().getQuery(),
                        s.getExecutionProfileName(),
                        s.getConsistencyLevel()));
                yield CompletableFuture.completedFuture(lostClaim());
              }
              default -> throw new UnsupportedOperationException(method);
            });
  }

  private static PreparedStatement prepared(String cql) {
    return proxy(
        PreparedStatement.class,
        (method, args) ->
            switch (method) {
              case "getQuery" -> cql;
              case "bind" -> bound(prepared(cql), null, null);
              default -> throw new UnsupportedOperationException(method);
            });
  }

  /** An immutable bound statement, as the driver's: each setter gives a new one. */
  private static BoundStatement bound(
      PreparedStatement prepared, String profile, ConsistencyLevel level) {
    return proxy(
        BoundStatement.class,
        (method, args) ->
            switch (method) {
              case "getPreparedStatement" -> prepared;
              case "getExecutionProfileName" -> profile;
              case "getConsistencyLevel" -> level;
              case "setExecutionProfileName" -> bound(prepared, (String) args[0], level);
              case "setConsistencyLevel" -> bound(prepared, profile, (ConsistencyLevel) args[0]);
              default -> throw new UnsupportedOperationException(method);
            });
  }

  private static AsyncResultSet lostClaim() {
    return proxy(
        AsyncResultSet.class,
        (method, args) ->
            switch (method) {
              case "wasApplied" -> false;
              case "one" -> null;
              case "currentPage" -> List.of();
              default -> throw new UnsupportedOperationException(method);
            });
  }

  interface Answer {
    Object answer(String method, Object[] args);
  }

  private static <T> T proxy(Class<T> type, Answer answer) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (p, method, args) ->
                method.getName().equals("toString")
                    ? type.getSimpleName()
                    : answer.answer(method.getName(), args)));
  }
}
