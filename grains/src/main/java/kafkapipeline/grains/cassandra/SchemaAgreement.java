package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Waits until every node the driver sees up reports one schema version (each asked directly, its
 * own {@code system.local}), polling until a timeout. On timeout the stage fails with an {@link
 * IllegalStateException} naming what was applied and each node's version (or why it did not
 * answer). A node the driver sees down is not waited for: it takes the schema from the others when
 * it comes back, as Cassandra's own agreement check assumes.
 */
public final class SchemaAgreement {
  private static final Duration POLL = Duration.ofMillis(200);

  private final CqlSession session;
  private final Duration timeout;

  public SchemaAgreement(CqlSession session, Duration timeout) {
    this.session = session;
    this.timeout = timeout;
  }

  /** Completes when the nodes agree; {@code after} names what they must agree on, for the error. */
  public CompletionStage<Void> await(String after) {
    return poll(after, System.nanoTime() + timeout.toNanos());
  }

  private CompletionStage<Void> poll(String after, long deadline) {
    return versions()
        .thenCompose(
            versions -> {
              if (agreed(versions)) return CompletableFuture.completedFuture(null);
              if (System.nanoTime() - deadline > 0) {
                return CompletableFuture.failedFuture(
                    new IllegalStateException(
                        "the nodes did not agree on the schema within "
                            + timeout.toSeconds()
                            + " s after "
                            + after
                            + "; schema version of each node: "
                            + versions));
              }
              return CompletableFuture.runAsync(
                      () -> {},
                      CompletableFuture.delayedExecutor(POLL.toMillis(), TimeUnit.MILLISECONDS))
                  .thenCompose(x -> poll(after, deadline));
            });
  }

  /** Agreement: at least one node, every node answered, all with the same version. */
  static boolean agreed(Map<String, String> versions) {
    return !versions.isEmpty()
        && versions.values().stream().allMatch(v -> !v.startsWith("no answer"))
        && versions.values().stream().distinct().count() == 1;
  }

  /** Each node the driver sees up: its address and its schema version, or "no answer: why". */
  CompletionStage<Map<String, String>> versions() {
    List<Node> up = new ArrayList<>();
    for (Node node : session.getMetadata().getNodes().values()) {
      if (node.getState() == NodeState.UP) up.add(node);
    }
    List<CompletableFuture<Map.Entry<String, String>>> asks = new ArrayList<>();
    for (Node node : up) {
      String name = node.getEndPoint().toString();
      asks.add(
          session
              .executeAsync(
                  SimpleStatement.newInstance("SELECT schema_version FROM system.local")
                      .setNode(node))
              .toCompletableFuture()
              .handle(
                  (rs, error) -> {
                    if (error != null)
                      return Map.entry(name, "no answer: " + error.getClass().getSimpleName());
                    Row row = rs.one();
                    return Map.entry(
                        name, row == null ? "no answer: no row" : String.valueOf(row.getUuid(0)));
                  }));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, String> out = new TreeMap<>();
              for (CompletableFuture<Map.Entry<String, String>> a : asks)
                out.put(a.join().getKey(), a.join().getValue());
              return out;
            });
  }
}
