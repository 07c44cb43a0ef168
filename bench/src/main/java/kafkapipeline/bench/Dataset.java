package kafkapipeline.bench;

import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.FakePerson;
import kafkapipeline.grains.faker.FakePersonGenerator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The people a bench writes: record {@code i} is a person of a pool made by the pipeline's own
 * {@link FakePersonGenerator} (pool entry {@code i % poolSize}) with its own id, {@link
 * FakePerson#idFor}{@code (SEED, i)}, so every record is a distinct row while the generator's cost
 * (tens of microseconds a person) stays out of the measured phases.
 *
 * <p>Guarantees: {@link #person(long)} is deterministic and thread-safe; {@link #prefill} returns
 * only after Kafka acknowledged every record (it throws on the first failed send).
 */
final class Dataset {
  static final long SEED = 20_261_123L;

  private final FakePerson[] pool;

  Dataset(int poolSize) {
    FakePersonGenerator generator = new FakePersonGenerator(SEED);
    pool = new FakePerson[poolSize];
    for (int i = 0; i < poolSize; i++) pool[i] = generator.generate(i);
  }

  FakePerson person(long i) {
    FakePerson p = pool[(int) (i % pool.length)];
    return new FakePerson(
        FakePerson.idFor(SEED, i),
        p.name(),
        p.gender(),
        p.address(),
        p.year(),
        p.email(),
        p.phoneNumber(),
        p.job(),
        p.company(),
        p.country(),
        p.city(),
        p.dateTime(),
        p.creditCardNumber());
  }

  /** The Kafka payload of record {@code i}: the faker topic's JSON (about 500 bytes). */
  byte[] payload(long i) {
    return EventJson.write(person(i));
  }

  static UUID id(long i) {
    return FakePerson.idFor(SEED, i);
  }

  /**
   * A producer like the pipeline's own publisher (acks=all, lz4) but not idempotent: ids are unique
   * and order does not matter here, and an idempotent producer that meets a partition without a
   * leader yet can retry OUT_OF_ORDER_SEQUENCE_NUMBER for ever (seen on a fresh topic).
   */
  static KafkaProducer<String, byte[]> producer(String bootstrapServers, int lingerMs) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-producer");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** Writes records {@code from} to {@code to - 1} to {@code topic}, keyed by id, and flushes. */
  void prefill(String bootstrapServers, String topic, long from, long to) {
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers, 20)) {
      for (long i = from; i < to && failure.get() == null; i++) {
        producer.send(
            new ProducerRecord<>(topic, id(i).toString(), payload(i)),
            (md, e) -> {
              if (e != null) failure.compareAndSet(null, e);
            });
      }
      producer.flush();
    }
    if (failure.get() != null)
      throw new IllegalStateException("prefill failed: " + failure.get(), failure.get());
  }
}
