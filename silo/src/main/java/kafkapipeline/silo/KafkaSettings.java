package kafkapipeline.silo;

import com.typesafe.config.Config;
import kafkapipeline.grains.ConfigSection;

/**
 * The Kafka cluster a silo uses and the topics it creates there, section {@value #PATH}. A bad
 * value fails at construction with the setting's full path in the message.
 *
 * @param bootstrapServers comma-separated host:port of brokers, each checked
 * @param partitions partitions of each topic a silo creates
 * @param replicationFactor replicas of each topic a silo creates: a short, as Kafka takes it
 */
public record KafkaSettings(String bootstrapServers, int partitions, short replicationFactor) {
  public static final String PATH = "pipeline.kafka";

  public KafkaSettings {
    HostPorts.list(bootstrapServers, PATH + ".bootstrap-servers");
    ConfigSection.atLeast(partitions, 1, PATH + ".partitions");
    ConfigSection.atLeast(replicationFactor, 1, PATH + ".replication-factor");
  }

  /** Reads and checks section {@value #PATH} of {@code config} (the whole configuration). */
  public static KafkaSettings fromConfig(Config config) {
    ConfigSection s = ConfigSection.of(config, PATH);
    // Checked before the cast: a larger factor must not wrap around (70000 became 4464).
    int replication =
        (int)
            ConfigSection.between(
                s.integer("replication-factor"), 1, Short.MAX_VALUE, s.path("replication-factor"));
    return new KafkaSettings(
        s.string("bootstrap-servers"), s.integer("partitions"), (short) replication);
  }

  /**
   * {@code min.insync.replicas} of the topics a silo creates: one less than the replication factor
   * (at least 1), so a write acknowledged by all in-sync replicas survives one broker lost and a
   * topic stays writable with one broker down.
   */
  public int minInsyncReplicas() {
    return Math.max(1, replicationFactor - 1);
  }
}
