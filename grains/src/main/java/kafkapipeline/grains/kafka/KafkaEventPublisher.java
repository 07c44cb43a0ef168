package kafkapipeline.grains.kafka;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes through one idempotent Kafka producer per silo (acks=all). {@code send} can block
 * while the broker is unreachable (up to {@code max.block.ms}), so it runs on a dedicated thread,
 * never on an actor's. A record the broker rejects fails the whole call; the caller retries the
 * same records, which is safe because every record is keyed by its natural id.
 */
public final class KafkaEventPublisher implements EventPublisher, AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final ExecutorService sendThread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "kafka-publisher");
            t.setDaemon(true);
            return t;
          });

  public KafkaEventPublisher(String bootstrapServers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "silo-publisher");
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  @Override
  public CompletionStage<Void> publish(String topic, List<KeyedRecord> records) {
    return CompletableFuture.supplyAsync(() -> sendAll(topic, records), sendThread)
        .thenCompose(all -> all);
  }

  private CompletableFuture<Void> sendAll(String topic, List<KeyedRecord> records) {
    CompletableFuture<?>[] acks = new CompletableFuture<?>[records.size()];
    for (int i = 0; i < records.size(); i++) {
      KeyedRecord r = records.get(i);
      CompletableFuture<Void> ack = new CompletableFuture<>();
      try {
        producer.send(
            new ProducerRecord<>(topic, r.key(), r.value()),
            (metadata, error) -> {
              if (error == null) ack.complete(null);
              else ack.completeExceptionally(error);
            });
      } catch (RuntimeException e) {
        ack.completeExceptionally(e);
      }
      acks[i] = ack;
    }
    return CompletableFuture.allOf(acks);
  }

  @Override
  public void close() {
    sendThread.shutdown();
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
