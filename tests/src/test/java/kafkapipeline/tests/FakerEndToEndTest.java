package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import kafkapipeline.api.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fake people from the generator grain, through Kafka, into Cassandra, on two silo processes:
 * exactly the ids produced end up as rows, every column filled, also when a silo restarts.
 */
class FakerEndToEndTest {
  private static final int PEOPLE = 20_000;
  private static final Duration DEADLINE = Duration.ofMinutes(4);

  /** A person too big to be a row (over the default max-record-bytes of 512 KiB). */
  private static final String OVERSIZED =
      "{\"id\":\"" + UUID.randomUUID() + "\",\"name\":\"" + "x".repeat(600 * 1024) + "\"}";

  private final Engines engines = Engines.shared();

  @BeforeEach
  void startFromNothing() throws Exception {
    FakerTable.reset(engines);
  }

  private static Map<String, String> fakerEnv(long seed, int rate) {
    return Map.of(
        "FAKER_SEED", Long.toString(seed),
        "FAKER_RATE", Integer.toString(rate),
        "FAKER_LIMIT", Integer.toString(PEOPLE));
  }

  private void awaitAllRows() {
    FakerTable.awaitRows(engines.session, PEOPLE, DEADLINE);
  }

  private void assertExactlyTheProducedPeople(long seed) {
    FakerTable.assertExactlyTheProducedPeople(engines.session, seed, PEOPLE);
  }

  /** Records no mapping can turn into a row: they must be counted and passed over. */
  private void publishPoison() throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engines.kafka.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      // Invalid JSON, wrong types, a missing field, and a person too big to be a row.
      for (String poison :
          List.of(
              "{not json",
              "{\"id\":\"not-a-uuid\",\"year\":\"soon\"}",
              "{\"id\":\"" + UUID.randomUUID() + "\"}",
              OVERSIZED)) {
        producer
            .send(
                new ProducerRecord<>(
                    Topics.FAKER, "poison", poison.getBytes(StandardCharsets.UTF_8)))
            .get();
      }
    }
  }

  @Test
  void twentyThousandPeopleBecomeExactlyTwentyThousandRows() throws Exception {
    long seed = ThreadLocalRandom.current().nextLong();
    publishPoison();
    try (SiloCluster silos = new SiloCluster(engines, "exact", 2, fakerEnv(seed, 2_000))) {
      silos.startAll();
      silos.awaitAllHealthy();

      awaitAllRows();
      assertExactlyTheProducedPeople(seed);

      for (int i = 0; i < silos.size(); i++) {
        JsonNode health = SiloHttp.get(silos.httpPort(i), "/api/health").body();
        assertEquals(2, health.path("members").size(), health.toString());
        assertTrue(health.path("kafka").path("reachable").asBoolean(), health.toString());
        assertTrue(health.path("cassandra").path("reachable").asBoolean(), health.toString());
        // The consumer group spreads the partitions: both silos wrote rows.
        assertTrue(
            SiloHttp.counter(silos.httpPort(i), "rows_written", "fakerdata") > 0,
            "silo " + (i + 1) + " wrote no rows");
      }
      Await.until(
          Duration.ofSeconds(30),
          () -> silos.sum("produced", Topics.FAKER) >= PEOPLE,
          () -> silos.sum("produced", Topics.FAKER) + " produced");
      // At least once: a poison record read again after a rebalance is counted again...
      assertTrue(
          silos.sum("malformed_records", Topics.FAKER) >= 4,
          "malformed records counted: " + silos.sum("malformed_records", Topics.FAKER));
      // ...but lands once in dead_letters, with its payload and the reason.
      JsonNode dead = SiloHttp.get(silos.httpPort(0), "/api/dead-letters?limit=100").body();
      assertEquals(4, dead.size(), dead.toString());
      Set<String> payloads = new HashSet<>();
      Set<String> errors = new HashSet<>();
      for (JsonNode d : dead) {
        assertEquals(Topics.FAKER, d.path("topic").asText());
        errors.add(d.path("error").asText().replaceAll(": .*", ""));
        payloads.add(d.path("payload").asText());
      }
      assertTrue(payloads.contains("{not json"), payloads.toString());

      // Replayed, they are published again; still poison, each comes back once, at its new offset.
      Set<String> before = positions(dead);
      SiloHttp.Response replay =
          SiloHttp.send(silos.httpPort(1), "POST", "/api/dead-letters/replay", null);
      assertEquals(200, replay.status(), replay.body().toString());
      assertEquals(4, replay.body().path("replayed").asInt(), replay.body().toString());
      Await.until(
          Duration.ofSeconds(60),
          () -> {
            JsonNode again = SiloHttp.get(silos.httpPort(0), "/api/dead-letters?limit=100").body();
            return again.size() == 4 && positions(again).stream().noneMatch(before::contains);
          },
          () ->
              "dead letters after the replay: "
                  + SiloHttp.get(silos.httpPort(0), "/api/dead-letters?limit=100").body());
      assertEquals(
          Set.of(
              "not a valid FakePerson",
              "record of " + OVERSIZED.length() + " bytes exceeds max-record-bytes (524288)"),
          errors);
      assertTrue(silos.sum("rows_written", "fakerdata") >= PEOPLE);
    }
  }

  private static Set<String> positions(JsonNode deadLetters) {
    Set<String> out = new HashSet<>();
    for (JsonNode d : deadLetters)
      out.add(d.path("partition").asText() + "/" + d.path("offset").asText());
    return out;
  }

  @Test
  void aSiloRestartedMidStreamLosesAndDoublesNothing() {
    long seed = ThreadLocalRandom.current().nextLong();
    try (SiloCluster silos = new SiloCluster(engines, "restart", 2, fakerEnv(seed, 1_000))) {
      silos.startAll();
      silos.awaitAllHealthy();
      Await.until(
          DEADLINE,
          () -> FakerTable.count(engines.session) >= 4_000,
          () -> FakerTable.count(engines.session) + " rows");

      // Silo 1 is the oldest: it hosts the generator, so the generator moves too.
      silos.stop(0);
      long rowsWhenStopped = FakerTable.count(engines.session);
      assertTrue(
          rowsWhenStopped < PEOPLE, "the stream ended before the restart: " + rowsWhenStopped);
      assertTrue(silos.isHealthy(1), "silo 2 should keep running");
      silos.start(0);
      silos.awaitHealthy(0);

      awaitAllRows();
      assertExactlyTheProducedPeople(seed);
    }
  }
}
