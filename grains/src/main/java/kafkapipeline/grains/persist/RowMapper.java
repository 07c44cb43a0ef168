package kafkapipeline.grains.persist;

import com.datastax.oss.driver.api.core.cql.BoundStatement;

/**
 * Turns one Kafka record into the idempotent write of its row (an upsert by primary key, so writing
 * a replayed record again changes nothing).
 */
public interface RowMapper {
  /** The table the rows go to. */
  String table();

  /**
   * @throws kafkapipeline.api.EventJson.MalformedEventException when the record cannot become a
   *     row; the message says why and is safe to log.
   */
  BoundStatement toStatement(String key, byte[] value);
}
