package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kafkapipeline.grains.ConfigSection;

/**
 * The pipeline's schema, {@code schema.cql}: its statements, its version and the fixed id of each
 * table. {@link #migrate} applies it once for all silos ({@link SchemaMigration}).
 */
public final class Schema {
  public static final String KEYSPACE = "kafkapipeline";
  private static final Pattern CREATE_TABLE =
      Pattern.compile("CREATE TABLE IF NOT EXISTS " + KEYSPACE + "\\.(\\w+)");

  private Schema() {}

  /**
   * How a migration runs: settings of section {@value #PATH}. A value out of range fails at
   * construction with the setting's full path in the message.
   *
   * @param localDatacenter the data centre the keyspace is replicated in when a silo creates it
   * @param replicationFactor replicas in it; a keyspace that exists keeps its own
   * @param agreementTimeout how long every node may take to agree on the schema after a statement
   * @param waitTimeout how long a silo waits for another one to apply the schema
   */
  public record Settings(
      String localDatacenter,
      int replicationFactor,
      Duration agreementTimeout,
      Duration waitTimeout) {
    public static final String PATH = "pipeline.cassandra";

    public Settings {
      ConfigSection.nonBlank(localDatacenter, PATH + ".local-datacenter");
      ConfigSection.atLeast(replicationFactor, 1, PATH + ".replication-factor");
      ConfigSection.positive(agreementTimeout, PATH + ".schema-agreement-timeout");
      ConfigSection.positive(waitTimeout, PATH + ".schema-wait-timeout");
    }

    /** Reads and checks section {@value #PATH} of {@code config} (the whole configuration). */
    public static Settings fromConfig(Config config) {
      ConfigSection s = ConfigSection.of(config, PATH);
      return new Settings(
          s.string("local-datacenter"),
          s.integer("replication-factor"),
          s.duration("schema-agreement-timeout"),
          s.duration("schema-wait-timeout"));
    }

    /**
     * One node's keyspace (replication 1) with the timeouts of {@code cassandra.conf}'s defaults:
     * for tools and tests, which have no silo configuration to read.
     */
    public static Settings singleNode(String localDatacenter) {
      return new Settings(localDatacenter, 1, Duration.ofSeconds(30), Duration.ofSeconds(120));
    }
  }

  /**
   * Applies the schema as {@code applier} (a name for the logs and the lease): exactly one silo at
   * a time applies it, the others wait until it is recorded and every node agrees. A failure (a
   * timeout, with what it waited for) fails the stage; the caller retries.
   */
  public static CompletionStage<Void> migrate(
      CqlSession session, Settings settings, String applier) {
    return new SchemaMigration(session, settings, applier).run();
  }

  /** The statements of {@code schema.cql} as written: comments dropped, placeholders kept. */
  static List<String> template() {
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
        out.add(stmt.substring(0, stmt.length() - 1));
        current.setLength(0);
      }
    }
    if (out.isEmpty()
        || !out.get(0).startsWith("CREATE KEYSPACE IF NOT EXISTS " + KEYSPACE + "\n")) {
      throw new IllegalStateException(
          "schema.cql must begin with CREATE KEYSPACE IF NOT EXISTS " + KEYSPACE);
    }
    return out;
  }

  /** The CQL statements, the keyspace's replication map and every table's id filled in. */
  public static List<String> statements(String replication) {
    return template().stream()
        .map(s -> withTableId(s.replace("${replication}", replication)))
        .toList();
  }

  /**
   * This schema's version: a hash of its statements as written (so a comment or the keyspace's
   * replication setting does not make a new version).
   */
  public static String version() {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(String.join(";\n", template()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every table the pipeline itself makes in the keyspace: what {@code schema.cql} creates (the
   * built-in sources' and the pipeline's own) and the migrations' record.
   */
  public static List<String> tables() {
    List<String> tables = new ArrayList<>(List.of(SchemaMigration.TABLE_NAME));
    for (String statement : template()) {
      Matcher m = CREATE_TABLE.matcher(statement);
      if (m.find()) tables.add(m.group(1));
    }
    return tables;
  }

  /**
   * The id of a table of the keyspace, derived from its name alone: every silo, whenever it runs,
   * creates the table with this id, so two creations can never leave two ids.
   */
  public static UUID tableId(String table) {
    return UUID.nameUUIDFromBytes((KEYSPACE + "." + table).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The statement with its table's id in place of {@code ${id}}; one that creates no table
   * unchanged.
   */
  static String withTableId(String statement) {
    Matcher m = CREATE_TABLE.matcher(statement);
    if (!m.find()) return statement;
    if (!statement.contains("${id}"))
      throw new IllegalStateException("a table without a fixed id: " + firstLine(statement));
    return statement.replace("${id}", "'" + tableId(m.group(1)) + "'");
  }

  /** NetworkTopologyStrategy with {@code factor} replicas in the data centre. */
  public static String replication(String datacenter, int factor) {
    if (factor < 1)
      throw new IllegalArgumentException("replication factor must be >= 1, was " + factor);
    return "{'class': 'NetworkTopologyStrategy', '"
        + datacenter.replace("'", "''")
        + "': "
        + factor
        + "}";
  }

  /** The first line of a statement: enough to name it in a log or an error. */
  static String firstLine(String statement) {
    int nl = statement.indexOf('\n');
    return (nl < 0 ? statement : statement.substring(0, nl)).strip();
  }
}
