package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Applies {@code schema.cql}. Idempotent and safe when several silos start at once: every
 * statement is {@code IF NOT EXISTS}, and each waits for schema agreement before the next, so a
 * table is never created in a keyspace another node has not seen yet. A failure fails the
 * returned stage; the caller retries the whole migration.
 */
public final class Schema {
  public static final String KEYSPACE = "kafkapipeline";
  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(30);

  private Schema() {}

  /** The CQL statements, with the keyspace's replication map filled in. */
  public static List<String> statements(String replication) {
    String text;
    try (InputStream in = Schema.class.getResourceAsStream("/kafkapipeline/schema.cql")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.strip().startsWith("--")) continue;
      current.append(line).append('\n');
      if (line.strip().endsWith(";")) {
        String stmt = current.toString().strip();
        out.add(stmt.substring(0, stmt.length() - 1).replace("${replication}", replication));
        current.setLength(0);
      }
    }
    return out;
  }

  /** SimpleStrategy with the given factor: what a single data centre needs. */
  public static String simpleReplication(int factor) {
    if (factor < 1) throw new IllegalArgumentException("replication factor must be >= 1, was " + factor);
    return "{'class': 'SimpleStrategy', 'replication_factor': " + factor + "}";
  }

  public static CompletionStage<Void> migrate(CqlSession session, String replication) {
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (String cql : statements(replication)) {
      chain =
          chain
              .thenCompose(
                  done -> session.executeAsync(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT)))
              .thenCompose(rs -> session.checkSchemaAgreementAsync())
              .thenApply(agreed -> null);
    }
    return chain;
  }
}
