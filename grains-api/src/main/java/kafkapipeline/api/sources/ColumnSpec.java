package kafkapipeline.api.sources;

/**
 * One column of a declarative source's table.
 *
 * @param name the CQL column name, {@code [a-z][a-z0-9_]{0,47}} and not a CQL reserved word
 * @param pointer JSON Pointer (RFC 6901) of the value inside an item
 * @param type the CQL type and the JSON value it takes
 * @param required a missing or null value makes the item a dead letter (else the column is null)
 */
public record ColumnSpec(String name, String pointer, ColumnType type, boolean required) {}
