package kafkapipeline.grains.persist;

import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.type.DataType;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.codec.TypeCodec;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import kafkapipeline.api.EventJson.MalformedEventException;

/**
 * Binds one row's values, by position, to a prepared insert ending {@code USING TIMESTAMP ?}, and
 * its write time to that last marker, as an idempotent statement.
 *
 * <p>Why not {@code PreparedStatement.bind(Object...)}: that looks up a codec for every value from
 * its Java class, and encodes text through a {@code CharsetEncoder}; a profile of the faker
 * persister showed those two at about a tenth of the silo's CPU. Here the codecs are resolved once
 * per column from the statement's variable types, and text is encoded with {@code
 * String.getBytes(UTF_8)} (the same bytes, far cheaper for ASCII).
 *
 * <p>Guarantees: the bytes bound are what the driver's default codecs would bind. A value the
 * column cannot hold (an instant outside Cassandra's millisecond range, say) throws {@link
 * MalformedEventException} naming the column, so the record becomes a dead letter. A value whose
 * Java type does not fit its column (a bug, not data) falls back to the driver's lookup, which
 * throws {@code CodecNotFoundException} as {@code bind(Object...)} would. Thread-safe.
 */
public final class RowBinder {
  private static final ProtocolVersion VERSION = ProtocolVersion.DEFAULT;

  private final PreparedStatement statement;
  private final DataType[] types;
  private final String[] names;

  /** The row's columns: every variable but the last, the write time. */
  private final int columns;

  /** Per column; null for text columns, which {@link #encode} handles itself. */
  private final TypeCodec<Object>[] codecs;

  @SuppressWarnings("unchecked")
  public RowBinder(PreparedStatement statement) {
    this.statement = statement;
    ColumnDefinitions variables = statement.getVariableDefinitions();
    this.types = new DataType[variables.size()];
    this.names = new String[variables.size()];
    this.codecs = new TypeCodec[variables.size()];
    this.columns = variables.size() - 1;
    if (columns < 0 || !variables.get(columns).getName().asInternal().equals("[timestamp]")) {
      throw new IllegalArgumentException(
          "the insert must end with USING TIMESTAMP ? (the row's write time): "
              + statement.getQuery());
    }
    for (int i = 0; i < columns; i++) {
      types[i] = variables.get(i).getType();
      names[i] = variables.get(i).getName().asInternal();
      codecs[i] = types[i].equals(DataTypes.TEXT) ? null : CodecRegistry.DEFAULT.codecFor(types[i]);
    }
  }

  /**
   * Every column set, a null value written as null (it clears the column: the row is the record's,
   * never a mix with an older version), at write time {@code writeTime} ({@link WriteTime}).
   */
  public BoundStatement bind(long writeTime, Object... values) {
    if (values.length != columns) {
      throw new IllegalArgumentException(columns + " values expected, got " + values.length);
    }
    BoundStatementBuilder row = statement.boundStatementBuilder(); // every variable starts unset
    for (int i = 0; i < values.length; i++) row = row.setBytesUnsafe(i, encode(i, values[i]));
    row = row.setBytesUnsafe(columns, TypeCodecs.BIGINT.encodePrimitive(writeTime, VERSION));
    return row.setIdempotence(true).build();
  }

  private ByteBuffer encode(int i, Object value) {
    if (value == null) return null;
    if (codecs[i] == null) {
      if (value instanceof String text)
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    } else if (codecs[i].accepts(value)) {
      try {
        return codecs[i].encode(value, VERSION);
      } catch (ArithmeticException | IllegalArgumentException e) {
        // The timestamp codec's Instant.toEpochMilli overflows past about 292 million years.
        throw new MalformedEventException(
            "column "
                + names[i]
                + " ("
                + types[i].asCql(false, true)
                + ") cannot hold "
                + abbreviate(value)
                + ": "
                + e.getMessage());
      }
    }
    return CodecRegistry.DEFAULT.codecFor(types[i], value).encode(value, VERSION);
  }

  private static String abbreviate(Object value) {
    String text = String.valueOf(value);
    return text.length() <= 64 ? text : text.substring(0, 64) + "…";
  }
}
