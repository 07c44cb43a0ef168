package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Future;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.SpaceXLaunch;
import kafkapipeline.api.Topics;
import kafkapipeline.api.WeatherReport;
import kafkapipeline.grains.faker.FakePersonGenerator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The headline guarantee, end to end on every topic: a corpus of hostile records (JSON null, a
 * tombstone, dates and integers no column holds, wrong types, non-objects, invalid UTF-8, deep
 * nesting, a record over max-record-bytes, bytes that are not JSON, a partition key Cassandra
 * refuses, a source's dead-letter marker) mixed among good records. Each hostile record ends as
 * exactly one dead letter at its own offset (the tombstone is counted and skipped), every good
 * record is a row, and no consumer restarts: nothing stops a topic or silently thins it.
 */
@Timeout(300)
class HostileRecordsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int GOOD_PER_TOPIC = 40;
  private static final Map<String, String> TABLES =
      Map.of(
          Topics.FAKER,
          "fakerdata",
          Topics.WEATHER,
          "weatherreport",
          Topics.WIKIPEDIA,
          "wikipediadata",
          Topics.SPACEX,
          "spacex_launches");
  // The built-in sources this test has a corpus of (corpus(topic)).
  private static final List<String> BUILT_IN_TOPICS = List.copyOf(new TreeMap<>(TABLES).keySet());

  private final Engines engines = Engines.shared();

  /** What a topic's records are: good events, and the field names its hostile variants break. */
  private record Corpus(
      List<ObjectNode> good,
      String dateField,
      String intField,
      String textField,
      String keyField) {}

  @Test
  void everyHostileRecordIsOneDeadLetterAndEveryGoodOneARow() throws Exception {
    for (String topic : BUILT_IN_TOPICS) {
      engines.truncateIfExists(TABLES.get(topic));
      engines.resetTopic(topic);
    }
    DeadLetterRows.truncate(engines.session);
    try (SiloCluster silos = new SiloCluster(engines, "hostile", 1, Map.of("FAKER_RATE", "0"))) {
      silos.startAll();
      silos.awaitAllHealthy();
      // The silo made each topic to take what the producer may send, and no more.
      for (String topic : BUILT_IN_TOPICS) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        assertEquals(
            String.valueOf(Topics.MAX_MESSAGE_BYTES),
            engines
                .admin
                .describeConfigs(List.of(resource))
                .all()
                .get()
                .get(resource)
                .get("max.message.bytes")
                .value(),
            topic);
      }

      Map<String, Set<String>> hostileAt = new TreeMap<>();
      Map<String, Set<String>> tombstoneAt = new TreeMap<>();
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engines.kafka.bootstrapServers());
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
        for (String topic : BUILT_IN_TOPICS) {
          Corpus corpus = corpus(topic);
          Map<String, ProducerRecord<String, byte[]>> hostile = hostile(topic, corpus);
          List<Future<RecordMetadata>> hostileSent = new ArrayList<>();
          List<Future<RecordMetadata>> tombstones = new ArrayList<>();
          int next = 0;
          for (ProducerRecord<String, byte[]> bad : hostile.values()) {
            // Good records before and after each hostile one, on the same partitions.
            for (int i = 0;
                i < GOOD_PER_TOPIC / hostile.size() + 1 && next < corpus.good().size();
                i++, next++) {
              producer.send(
                  new ProducerRecord<>(
                      topic, "good-" + next, JSON.writeValueAsBytes(corpus.good().get(next))));
            }
            (bad.value() == null && bad.headers().toArray().length == 0 ? tombstones : hostileSent)
                .add(producer.send(bad));
          }
          while (next < corpus.good().size()) {
            producer.send(
                new ProducerRecord<>(
                    topic, "good-" + next, JSON.writeValueAsBytes(corpus.good().get(next++))));
          }
          producer.flush();
          hostileAt.put(topic, positions(hostileSent));
          tombstoneAt.put(topic, positions(tombstones));
        }
      }

      for (String topic : BUILT_IN_TOPICS) {
        String table = TABLES.get(topic);
        Await.until(
            Duration.ofSeconds(120),
            () ->
                deadLetters(topic).size() == hostileAt.get(topic).size()
                    && rows(table) == GOOD_PER_TOPIC
                    && silos.sum("tombstones_skipped", topic) >= tombstoneAt.get(topic).size(),
            () ->
                topic
                    + ": "
                    + deadLetters(topic).size()
                    + " of "
                    + hostileAt.get(topic).size()
                    + " dead letters, "
                    + rows(table)
                    + " of "
                    + GOOD_PER_TOPIC
                    + " rows, "
                    + silos.sum("tombstones_skipped", topic)
                    + " tombstones; dead letters "
                    + deadLetters(topic));
        Map<String, String> dead = deadLetters(topic);
        assertTrue(
            longestError(topic) <= 1_100,
            topic + ": a dead letter's reason was not cut: " + longestError(topic));
        assertEquals(
            hostileAt.get(topic),
            dead.keySet(),
            topic + ": the dead letters are the hostile records: " + dead);
        assertEquals(GOOD_PER_TOPIC, rows(table), table);
        assertEquals(0, silos.sum("consumer_restarts", topic), topic + " consumer restarted");
        System.out.printf(
            "[hostile] %s: %d dead letters %s, %d rows, %d tombstone(s) skipped%n",
            topic,
            dead.size(),
            new TreeMap<>(
                dead.values().stream()
                    .collect(
                        java.util.stream.Collectors.groupingBy(
                            c -> c, java.util.stream.Collectors.counting()))),
            rows(table),
            silos.sum("tombstones_skipped", topic));
      }
    }
  }

  /** One record of every hostile kind, by kind; the tombstone too (it is no dead letter). */
  private static Map<String, ProducerRecord<String, byte[]>> hostile(String topic, Corpus corpus) {
    Map<String, byte[]> values = new LinkedHashMap<>();
    values.put("JsonNull", bytes("null"));
    values.put(
        "DateOutOfRange",
        with(
            corpus.good().get(0),
            corpus.dateField(),
            corpus.dateField().equals("timestamp")
                ? "9223372036854775807"
                : "\"+999999999-12-31T23:59:59Z\""));
    values.put(
        "IntegerOverflow",
        with(corpus.good().get(0), corpus.intField(), "170141183460469231731687303715884105728"));
    values.put(
        "WrongType",
        with(corpus.good().get(0), corpus.textField(), "{\"nested\":[1,2,{\"x\":null}]}"));
    values.put("NotAnObject", bytes("[1,\"two\",3.0]"));
    byte[] invalid = bytes(corpus.good().get(0).toString());
    invalid[invalid.length / 2] = (byte) 0xC3; // a lead byte with no continuation
    invalid[invalid.length / 2 + 1] = (byte) 0x28;
    values.put("InvalidUtf8", invalid);
    values.put("DeepNesting", bytes("[".repeat(20_000) + "]".repeat(20_000)));
    values.put(
        "TooLarge",
        with(corpus.good().get(0), corpus.textField(), "\"" + "x".repeat(600 * 1024) + "\""));
    values.put("NotJson", bytes("\u2028<html>502 Bad Gateway</html>"));
    // A partition key over Cassandra's 64 KiB limit: bound fine, refused by Cassandra for good.
    values.put(
        "KeyTooLarge",
        with(corpus.good().get(0), corpus.keyField(), "\"" + "k".repeat(70_000) + "\""));
    Map<String, ProducerRecord<String, byte[]>> out = new LinkedHashMap<>();
    values.forEach(
        (kind, value) -> out.put(kind, new ProducerRecord<>(topic, "hostile-" + kind, value)));
    ProducerRecord<String, byte[]> marker =
        new ProducerRecord<>(topic, "hostile-marker", bytes("{\"head\":\"of a 2 MB event\""));
    // A reason as long as a careless producer may send: kept to its start.
    marker
        .headers()
        .add(
            Topics.DEAD_LETTER_HEADER,
            bytes("event of 2000000 bytes exceeds the event limit" + " ".repeat(100_000)));
    out.put("SourceMarker", marker);
    out.put("Tombstone", new ProducerRecord<>(topic, "hostile-tombstone", null));
    return out;
  }

  private static Corpus corpus(String topic) throws Exception {
    List<ObjectNode> good = new ArrayList<>();
    switch (topic) {
      case Topics.FAKER -> {
        FakePersonGenerator people = new FakePersonGenerator(11);
        for (int i = 0; i < GOOD_PER_TOPIC; i++)
          good.add(tree(EventJson.write(people.generate(i))));
        return new Corpus(good, "date_time", "year", "name", "id");
      }
      case Topics.WEATHER -> {
        for (int i = 0; i < GOOD_PER_TOPIC; i++) {
          good.add(
              tree(
                  EventJson.write(
                      new WeatherReport(
                          "city-" + i + ",vn",
                          Instant.parse("2026-12-01T06:00:00Z"),
                          "mist",
                          24.5f,
                          25f,
                          24f,
                          25f,
                          1012f,
                          83f,
                          2.1f,
                          1_764_543_600L,
                          1_764_583_800L))));
        }
        return new Corpus(good, "forecastdate", "sunrise", "description", "location");
      }
      case Topics.WIKIPEDIA -> {
        String lines;
        try (InputStream in =
            HostileRecordsEndToEndTest.class.getResourceAsStream(
                "/fixtures/wikimedia/dataplumbhub_stream_2025-05-03.compact.jsonl")) {
          lines = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String line : lines.split("\n")) {
          if (good.size() < GOOD_PER_TOPIC && !line.isBlank())
            good.add((ObjectNode) JSON.readTree(line));
        }
        return new Corpus(good, "timestamp", "id", "title", "wiki");
      }
      case Topics.SPACEX -> {
        for (int i = 0; i < GOOD_PER_TOPIC; i++) {
          good.add(
              tree(
                  EventJson.write(
                      new SpaceXLaunch(
                          "launch-" + i,
                          "Mission " + i,
                          Instant.parse("2026-12-01T06:00:00Z"),
                          "Falcon 9",
                          null,
                          "SLC-40",
                          "Satellite",
                          1_000.0,
                          true,
                          200 + i,
                          null))));
        }
        return new Corpus(good, "launch_date_utc", "flight_number", "mission_name", "launch_id");
      }
      default -> throw new IllegalArgumentException(topic);
    }
  }

  private static byte[] with(ObjectNode event, String field, String rawJsonValue) {
    ObjectNode copy = event.deepCopy();
    copy.put(field, "__HOSTILE__");
    return bytes(copy.toString().replace("\"__HOSTILE__\"", rawJsonValue));
  }

  private static Set<String> positions(List<Future<RecordMetadata>> sent) throws Exception {
    Set<String> out = new TreeSet<>();
    for (Future<RecordMetadata> f : sent) out.add(f.get().partition() + "/" + f.get().offset());
    return out;
  }

  /** partition/offset -> error class, of the topic's dead letters. */
  private Map<String, String> deadLetters(String topic) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : DeadLetterRows.of(engines.session, topic)) {
      assertNotNull(
          r.getString("error_class"),
          "a dead letter without its error class: " + r.getString("error"));
      out.put(r.getInt("partition") + "/" + r.getLong("offset"), r.getString("error_class"));
    }
    return out;
  }

  private int longestError(String topic) {
    int longest = 0;
    for (Row r : DeadLetterRows.of(engines.session, topic)) {
      longest = Math.max(longest, r.getString("error").length());
    }
    return longest;
  }

  private long rows(String table) {
    return engines
        .session
        .execute(
            SimpleStatement.newInstance("SELECT count(*) FROM kafkapipeline." + table)
                .setTimeout(Duration.ofSeconds(30)))
        .one()
        .getLong(0);
  }

  private static ObjectNode tree(byte[] json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
