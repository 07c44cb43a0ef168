package kafkapipeline.grains.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import kafkapipeline.api.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes through one idempotent Kafka producer per silo (acks=all).
 *
 * <p>Sources never wait on each other: {@code send} can block while the broker or a topic's
 * metadata is unreachable (up to {@code max.block.ms}), so each topic's sends run on a thread of
 * their own, never on an actor's and never on another topic's. Within one call, the first record
 * Kafka refuses fails the call at once and the records after it are not sent, so a batch of 500
 * costs one {@code max.block.ms} when Kafka is down, not 500 of them. The caller retries the same
 * records, which is safe because every record is keyed by its natural id.
 *
 * <p>Every record fits Kafka: one larger than {@link Topics#MAX_EVENT_BYTES} is sent instead as a
 * dead-letter marker (its first 4 KiB, header {@link Topics#DEAD_LETTER_HEADER}), so it ends in
 * {@code dead_letters} and never fails, or loops, the source that read it.
 *
 * <p>A record with an {@link Origin} (a replayed dead letter) goes to the origin's partition, not
 * the partitioner's choice, with header {@link Topics#ORIGIN_HEADER}; a partition the topic does
 * not have fails that record's send like any other refusal.
 */
public final class KafkaEventPublisher implements EventPublisher, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventPublisher.class);

  private final Producer<String, byte[]> producer;
  private final Map<String, ExecutorService> sendThreads = new ConcurrentHashMap<>();

  public KafkaEventPublisher(String bootstrapServers) {
    this(
        new KafkaProducer<>(
            producerProperties(bootstrapServers),
            new StringSerializer(),
            new ByteArraySerializer()));
  }

  /** Over any producer (tests hand in one whose sends hang). */
  public KafkaEventPublisher(Producer<String, byte[]> producer) {
    this.producer = producer;
  }

  static Properties producerProperties(String bootstrapServers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    // The same limit as every topic's max.message.bytes (Connections.ensureTopics).
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "silo-publisher");
    return p;
  }

  @Override
  public CompletionStage<Void> publish(String topic, List<KeyedRecord> records) {
    return CompletableFuture.supplyAsync(() -> sendAll(topic, records), sendThread(topic))
        .thenCompose(all -> all);
  }

  private ExecutorService sendThread(String topic) {
    return sendThreads.computeIfAbsent(
        topic,
        t ->
            Executors.newSingleThreadExecutor(
                r -> {
                  Thread thread = new Thread(r, "kafka-publisher-" + t);
                  thread.setDaemon(true);
                  return thread;
                }));
  }

  private CompletableFuture<Void> sendAll(String topic, List<KeyedRecord> records) {
    CompletableFuture<?>[] acks = new CompletableFuture<?>[records.size()];
    // Set by the first refusal; a refusal while metadata is missing comes back inside send().
    AtomicReference<Exception> refused = new AtomicReference<>();
    for (int i = 0; i < records.size(); i++) {
      CompletableFuture<Void> ack = new CompletableFuture<>();
      acks[i] = ack;
      Exception earlier = refused.get();
      if (earlier != null) {
        ack.completeExceptionally(earlier);
        continue;
      }
      try {
        producer.send(
            toProducerRecord(topic, records.get(i)),
            (metadata, error) -> {
              if (error == null) {
                ack.complete(null);
              } else {
                refused.compareAndSet(null, error);
                ack.completeExceptionally(error);
              }
            });
      } catch (RuntimeException e) {
        refused.compareAndSet(null, e);
        ack.completeExceptionally(e);
      }
    }
    return CompletableFuture.allOf(acks);
  }

  static ProducerRecord<String, byte[]> toProducerRecord(String topic, KeyedRecord r) {
    KeyedRecord sent = r;
    if (r.deadLetterReason() == null && r.sizeBytes() > Topics.MAX_EVENT_BYTES) {
      String reason =
          "event of "
              + r.sizeBytes()
              + " bytes exceeds the event limit of "
              + Topics.MAX_EVENT_BYTES
              + " bytes (source event id: "
              + r.key()
              + ")";
      log.warn("Dead letter instead of an event on topic {}: {}", topic, reason);
      sent =
          KeyedRecord.deadLetter(truncatedKey(r.key()), r.value(), reason).withOrigin(r.origin());
    }
    Origin origin = sent.origin();
    ProducerRecord<String, byte[]> record =
        origin == null
            ? new ProducerRecord<>(topic, sent.key(), sent.value())
            : new ProducerRecord<>(topic, origin.partition(), sent.key(), sent.value());
    if (sent.deadLetterReason() != null) {
      record
          .headers()
          .add(Topics.DEAD_LETTER_HEADER, sent.deadLetterReason().getBytes(StandardCharsets.UTF_8));
    }
    if (origin != null) record.headers().add(Topics.ORIGIN_HEADER, origin.header());
    return record;
  }

  /** A key is an id: one that is itself huge is cut so the marker fits. */
  private static String truncatedKey(String key) {
    return key == null || key.length() <= 1_024 ? key : key.substring(0, 1_024);
  }

  @Override
  public void close() {
    sendThreads.values().forEach(ExecutorService::shutdown);
    producer.close(Duration.ofSeconds(5));
  }
}
