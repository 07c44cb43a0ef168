package kafkapipeline.grains.persist;

import com.datastax.oss.driver.api.core.cql.BoundStatement;

/**
 * Turns one Kafka record into the idempotent write of its row: an upsert by primary key of every
 * column (nulls written as nulls) at the record's write time ({@link WriteTime}), so writing a
 * replayed record again changes nothing, and a row always holds its key's last record.
 */
public interface RowMapper {
  /** The table the rows go to. */
  String table();

  /**
   * @param writeTime the row's {@code USING TIMESTAMP}, from {@link WriteTime#of}
   * @throws kafkapipeline.api.EventJson.MalformedEventException when the record cannot become a
   *     row; the message says why and is safe to log.
   */
  BoundStatement toStatement(String key, byte[] value, long writeTime);
}
