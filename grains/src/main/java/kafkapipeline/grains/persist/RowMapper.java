package kafkapipeline.grains.persist;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;

/**
 * Turns one Kafka record into the idempotent write of its row (an upsert by primary key, so
 * writing a replayed record again changes nothing).
 */
public interface RowMapper {
  /** The table the rows go to. */
  String table();

  /**
   * @throws kafkapipeline.api.EventJson.MalformedEventException when the record cannot become a
   *     row; the message says why and is safe to log.
   */
  BoundStatement toStatement(String key, byte[] value);

  /**
   * Binds the values, leaving null ones unset rather than null: a null written is a tombstone,
   * and a table of insert-once rows with many absent fields would fill with them.
   */
  static BoundStatement bindSkippingNulls(PreparedStatement statement, Object... values) {
    BoundStatement bound = statement.bind(values);
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) bound = bound.unset(i);
    }
    return bound;
  }
}
