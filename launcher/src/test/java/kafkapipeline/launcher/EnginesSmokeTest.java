package kafkapipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the real servers, as {@code ./pipeline up} would (on free ports, in a temporary folder),
 * uses each once, and checks that stopping leaves no process and no port behind. Needs the
 * engines built (the reactor builds them first); takes about half a minute.
 */
@Timeout(300)
class EnginesSmokeTest {

    @TempDir
    Path dataDir;

    @Test
    void kafkaKeepsARecordAcrossARestartAndStopsCleanly() throws Exception {
        KafkaEngine.Options options = KafkaEngine.Options.defaults(dataDir)
                .withPorts(Ports.freePort(), Ports.freePort());
        long pid;
        try (KafkaEngine kafka = KafkaEngine.start(options)) {
            report("Kafka", kafka.lastStartupTime(), kafka.process());
            LaunchException taken = assertThrows(LaunchException.class, () -> KafkaEngine.start(options));
            assertEquals("port " + options.port() + " (Kafka broker) is already in use on 127.0.0.1", taken.getMessage());
            produce(kafka.bootstrapServers(), "smoke", "k", "hello");
            assertEquals("hello", consumeOne(kafka.bootstrapServers(), "smoke", "group-1"));

            kafka.stop();
            assertFalse(kafka.isRunning());
            kafka.start();
            report("Kafka (restart, same data)", kafka.lastStartupTime(), kafka.process());
            assertEquals("hello", consumeOne(kafka.bootstrapServers(), "smoke", "group-2"));
            pid = kafka.process().pid();
        }
        assertGone(pid, options.port(), options.controllerPort());
    }

    @Test
    void cassandraAnswersCqlAndStopsCleanly() {
        CassandraEngine.Options options = CassandraEngine.Options.defaults(dataDir)
                .withPorts(Ports.freePort(), Ports.freePort())
                .withFastTestMode(true);
        long pid;
        try (CassandraEngine cassandra = CassandraEngine.start(options)) {
            report("Cassandra", cassandra.lastStartupTime(), cassandra.process());
            try (CqlSession session = CqlSession.builder()
                    .addContactPoint(new InetSocketAddress("127.0.0.1", cassandra.nativePort()))
                    .withLocalDatacenter(CassandraEngine.LOCAL_DATACENTER)
                    .build()) {
                String version = session.execute("SELECT release_version FROM system.local").one().getString(0);
                assertTrue(version.startsWith("5.0"), version);
            }
            assertEquals("127.0.0.1:" + options.nativePort(), cassandra.contactPoint());
            pid = cassandra.process().pid();
        }
        assertGone(pid, options.nativePort(), options.storagePort());
    }

    private static void produce(String bootstrap, String topic, String key, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static String consumeOne(String bootstrap, String topic, String group) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
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
        System.out.printf("%s: ready in %d ms, RSS %d MiB (pid %d)%n", what, startup.toMillis(),
                process.rssKb().orElse(0) / 1024, process.pid());
    }
}
