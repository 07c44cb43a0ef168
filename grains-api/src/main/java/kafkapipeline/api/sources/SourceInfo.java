package kafkapipeline.api.sources;

/**
 * What every part of the pipeline knows of one source, built-in or declarative: its name, the Kafka
 * topic it publishes to and the Cassandra table (keyspace {@code kafkapipeline}) its rows go to. No
 * two sources share a topic or a table.
 */
public record SourceInfo(String name, String topic, String table) {}
