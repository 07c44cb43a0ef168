package kafkapipeline.grains.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The producer waits for every in-sync replica (acks=all) and is idempotent, as Kafka resolves its
 * settings: a retried send after a leader change neither loses nor doubles a record, and with the
 * topics' min.insync.replicas a record acknowledged survives the loss of that many brokers less
 * one.
 */
class ProducerDurabilityTest {
  @Test
  void acksAllAndIdempotenceAsKafkaResolvesThem() {
    Map<String, Object> props = new HashMap<>();
    KafkaEventPublisher.producerProperties("127.0.0.1:1")
        .forEach((k, v) -> props.put((String) k, v));
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    ProducerConfig config = new ProducerConfig(props);
    assertEquals("-1", config.getString(ProducerConfig.ACKS_CONFIG)); // "all", as Kafka stores it
    assertTrue(config.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
    assertTrue(
        config.getInt(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION)
            <= 5); // idempotence keeps order up to 5
    assertEquals(
        Integer.MAX_VALUE,
        config.getInt(ProducerConfig.RETRIES_CONFIG)); // bounded by delivery.timeout.ms
  }
}
