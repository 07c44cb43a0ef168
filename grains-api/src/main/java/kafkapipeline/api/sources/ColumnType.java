package kafkapipeline.api.sources;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The CQL type of a declarative column and the JSON value it takes. A value of another JSON type (a
 * string for an int, a fraction for a bigint, a number out of range) makes the item a dead letter;
 * so does a missing or null value of a required column.
 */
public enum ColumnType {
  /** CQL text, from a JSON string. */
  @JsonProperty("text")
  TEXT("text"),
  /** CQL int, from a JSON integer within 32 bits. */
  @JsonProperty("int")
  INT("int"),
  /** CQL bigint, from a JSON integer within 64 bits. */
  @JsonProperty("bigint")
  BIGINT("bigint"),
  /** CQL float, from a JSON number. */
  @JsonProperty("float")
  FLOAT("float"),
  /** CQL double, from a JSON number. */
  @JsonProperty("double")
  DOUBLE("double"),
  /** CQL boolean, from a JSON boolean. */
  @JsonProperty("boolean")
  BOOLEAN("boolean"),
  /** CQL timestamp, from an ISO-8601 string (with an offset or Z). */
  @JsonProperty("timestamp")
  TIMESTAMP("timestamp"),
  /** CQL timestamp, from a JSON number of seconds since the epoch. */
  @JsonProperty("timestamp_seconds")
  TIMESTAMP_SECONDS("timestamp"),
  /** CQL timestamp, from a JSON number of milliseconds since the epoch. */
  @JsonProperty("timestamp_millis")
  TIMESTAMP_MILLIS("timestamp"),
  /** CQL uuid, from a JSON string in the 8-4-4-4-12 form. */
  @JsonProperty("uuid")
  UUID("uuid"),
  /** CQL text holding any JSON value (a sub-document, an array) as compact JSON text. */
  @JsonProperty("json")
  JSON("text");

  private final String cql;

  ColumnType(String cql) {
    this.cql = cql;
  }

  /** The CQL type of the column in the table. */
  public String cql() {
    return cql;
  }
}
