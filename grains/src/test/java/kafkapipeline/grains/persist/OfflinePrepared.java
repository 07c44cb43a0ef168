package kafkapipeline.grains.persist;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.detach.AttachmentPoint;
import com.datastax.oss.driver.api.core.type.DataType;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinitions;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prepared insert made without Cassandra: its variables and their CQL types are read from the
 * pipeline's own {@code schema.cql} and the insert's column list, so the statements a mapper binds
 * against it carry the very bytes they would carry to Cassandra. Only what binding needs works;
 * nothing here talks to a server.
 */
final class OfflinePrepared implements PreparedStatement {
  private static final Pattern INSERT =
      Pattern.compile("INSERT INTO (\\w+)\\.(\\w+) \\(([^)]*)\\) VALUES .* USING TIMESTAMP \\?");

  private final String query;
  private final ColumnDefinitions variables;

  /** The primary-key columns of the table, from schema.cql. */
  final List<String> primaryKey;

  private OfflinePrepared(String query, ColumnDefinitions variables, List<String> primaryKey) {
    this.query = query;
    this.variables = variables;
    this.primaryKey = primaryKey;
  }

  /** {@code insert} (ending {@code USING TIMESTAMP ?}) over a table that schema.cql creates. */
  static OfflinePrepared of(String insert) {
    Matcher m = INSERT.matcher(insert);
    if (!m.matches())
      throw new IllegalArgumentException("not an insert with a write time: " + insert);
    String keyspace = m.group(1);
    String table = m.group(2);
    Map<String, DataType> types = new java.util.LinkedHashMap<>();
    List<String> key = new ArrayList<>();
    tableColumns(table, types, key);
    List<ColumnDefinition> columns = new ArrayList<>();
    for (String name : m.group(3).split(",\\s*")) {
      DataType type = types.get(name.trim());
      if (type == null) throw new IllegalArgumentException(table + " has no column " + name);
      columns.add(new Column(keyspace, table, name.trim(), type));
    }
    columns.add(new Column(keyspace, table, "[timestamp]", DataTypes.BIGINT));
    return new OfflinePrepared(insert, DefaultColumnDefinitions.valueOf(columns), key);
  }

  private static void tableColumns(String table, Map<String, DataType> types, List<String> key) {
    String schema;
    try (InputStream in = OfflinePrepared.class.getResourceAsStream("/kafkapipeline/schema.cql")) {
      schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    int start = schema.indexOf("CREATE TABLE IF NOT EXISTS kafkapipeline." + table + " (");
    if (start < 0) throw new IllegalArgumentException("schema.cql creates no table " + table);
    String body = schema.substring(schema.indexOf('(', start) + 1, schema.indexOf(") WITH", start));
    for (String line : body.split("\n")) {
      String l = line.trim().replaceAll(",$", "");
      if (l.isEmpty()) continue;
      Matcher pk = Pattern.compile("PRIMARY KEY \\(\\(?([^)]*)\\)?.*\\)").matcher(l);
      if (pk.matches()) {
        for (String c : pk.group(1).split(",\\s*")) key.add(c.replace("(", "").trim());
        continue;
      }
      String[] parts = l.split("\\s+");
      types.put(parts[0], type(parts[1]));
      if (l.endsWith("PRIMARY KEY")) key.add(parts[0]);
    }
  }

  private static DataType type(String cql) {
    return switch (cql) {
      case "text" -> DataTypes.TEXT;
      case "timestamp" -> DataTypes.TIMESTAMP;
      case "boolean" -> DataTypes.BOOLEAN;
      case "double" -> DataTypes.DOUBLE;
      case "float" -> DataTypes.FLOAT;
      case "int" -> DataTypes.INT;
      case "bigint" -> DataTypes.BIGINT;
      case "uuid" -> DataTypes.UUID;
      default -> throw new IllegalArgumentException("no such CQL type here: " + cql);
    };
  }

  private record Column(String keyspace, String table, String name, DataType type)
      implements ColumnDefinition {
    @Override
    public CqlIdentifier getKeyspace() {
      return CqlIdentifier.fromInternal(keyspace);
    }

    @Override
    public CqlIdentifier getTable() {
      return CqlIdentifier.fromInternal(table);
    }

    @Override
    public CqlIdentifier getName() {
      return CqlIdentifier.fromInternal(name);
    }

    @Override
    public DataType getType() {
      return type;
    }

    @Override
    public boolean isDetached() {
      return false;
    }

    @Override
    public void attach(AttachmentPoint attachmentPoint) {}
  }

  @Override
  public ByteBuffer getId() {
    return ByteBuffer.wrap(query.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String getQuery() {
    return query;
  }

  @Override
  public ColumnDefinitions getVariableDefinitions() {
    return variables;
  }

  @Override
  public List<Integer> getPartitionKeyIndices() {
    return List.of(0);
  }

  @Override
  public ByteBuffer getResultMetadataId() {
    return null;
  }

  @Override
  public ColumnDefinitions getResultSetDefinitions() {
    return DefaultColumnDefinitions.valueOf(List.of());
  }

  @Override
  public void setResultMetadata(ByteBuffer id, ColumnDefinitions definitions) {}

  @Override
  public BoundStatement bind(Object... values) {
    throw new UnsupportedOperationException("bind through RowBinder");
  }

  @Override
  public BoundStatementBuilder boundStatementBuilder(Object... values) {
    ByteBuffer[] unset = new ByteBuffer[variables.size()];
    Arrays.fill(unset, ProtocolConstants.UNSET_VALUE);
    return new BoundStatementBuilder(
        this,
        variables,
        unset,
        null,
        null,
        null,
        null,
        null,
        Map.of(),
        null,
        false,
        Statement.NO_DEFAULT_TIMESTAMP,
        null,
        0,
        null,
        null,
        null,
        CodecRegistry.DEFAULT,
        ProtocolVersion.DEFAULT);
  }
}
