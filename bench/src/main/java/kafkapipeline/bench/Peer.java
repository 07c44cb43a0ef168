package kafkapipeline.bench;

/**
 * The peer the issue asks for, Kafka Connect with a Cassandra sink connector, and why this bench
 * does not run it. {@code org.apache.kafka:connect-runtime} is on Maven Central, but no Cassandra
 * sink connector could be resolved from it here (checked with {@code mvn dependency:get} on
 * 2026-11-23; the registry answered "not found" at once for both).
 */
final class Peer {
  static final String STATUS =
      "not available from Maven Central: com.datastax.oss:kafka-connect-cassandra-sink:1.4.0"
          + " and org.apache.camel.kafkaconnector:camel-cassandra-sink-kafka-connector:4.11.0 were not found"
          + " (org.apache.kafka:connect-runtime is there, but has no Cassandra sink of its own); Confluent's"
          + " Cassandra sink is proprietary and not on Central";

  private Peer() {}
}
