package kafkapipeline.api.sources;

import java.util.List;

/**
 * The primary key of a declarative source's table: rows are upserted by it, so an item read again
 * (a repeated poll, a replayed record) rewrites its one row.
 *
 * @param partition the partition key columns, at least one
 * @param clustering the clustering columns, in order (null or empty: none)
 */
public record PrimaryKeySpec(List<String> partition, List<String> clustering) {}
