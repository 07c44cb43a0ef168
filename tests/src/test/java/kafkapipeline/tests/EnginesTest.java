package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kafkapipeline.launcher.KafkaEngine;
import kafkapipeline.launcher.LaunchException;
import kafkapipeline.launcher.ManagedProcess;
import kafkapipeline.launcher.Ports;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared real servers themselves: a taken port fails with one line, Kafka keeps its data across
 * a restart and a stop leaves no process or port behind, Cassandra answers CQL.
 */
@Timeout(300)
class EnginesTest {
  private final Engines engines = Engines.shared();

  @Test
  void aTakenPortFailsAtOnceWithOneLine() {
    KafkaEngine.Options options = engines.kafka.options();
    LaunchException taken = assertThrows(LaunchException.class, () -> KafkaEngine.start(options));
    assertEquals(
        "port " + options.port() + " (Kafka broker) is already in use on 127.0.0.1",
        taken.getMessage());
  }

  @Test
  void kafkaKeepsARecordAcrossARestart() throws Exception {
    produce(engines.kafka.bootstrapServers(), "smoke", "k", "hello");
    assertEquals("hello", consumeOne(engines.kafka.bootstrapServers(), "smoke", "group-1"));
    long oldPid = engines.kafka.process().pid();

    engines.kafka.stop();
    assertFalse(engines.kafka.isRunning());
    assertGone(oldPid, engines.kafka.options().port(), engines.kafka.options().controllerPort());
    engines.kafka.start();
    report("Kafka (restart, same data)", engines.kafka.lastStartupTime(), engines.kafka.process());
    assertEquals("hello", consumeOne(engines.kafka.bootstrapServers(), "smoke", "group-2"));
  }

  @Test
  void cassandraAnswersCql() {
    report("Cassandra", engines.cassandra.lastStartupTime(), engines.cassandra.process());
    String version =
        engines.session.execute("SELECT release_version FROM system.local").one().getString(0);
    assertTrue(version.startsWith("5.0"), version);
  }

  private static void produce(String bootstrap, String topic, String key, String value)
      throws Exception {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  private static String consumeOne(String bootstrap, String topic, String group) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          return record.value();
        }
      }
    }
    throw new AssertionError("no record on " + topic + " within 60 s");
  }

  private static void assertGone(long pid, int... ports) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    assertTrue(handle.isEmpty() || !handle.get().isAlive(), "process " + pid + " is still alive");
    for (int port : ports) {
      assertTrue(Ports.isFree(port), "port " + port + " is still taken");
    }
  }

  private static void report(String what, Duration startup, ManagedProcess process) {
    System.out.printf(
        "%s: ready in %d ms, RSS %d MiB (pid %d)%n",
        what, startup.toMillis(), process.rssKb().orElse(0) / 1024, process.pid());
  }
}
