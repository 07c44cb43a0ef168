package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.SpaceXLaunch;
import kafkapipeline.api.Topics;
import kafkapipeline.api.WeatherReport;
import kafkapipeline.grains.faker.FakePersonGenerator;
import kafkapipeline.grains.persist.BatchTriage;
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
 * The headline guarantee, end to end on every built-in topic and on a declarative source's: a
 * corpus of hostile records (JSON null, a tombstone, dates and integers no column holds, wrong
 * types, non-objects, invalid UTF-8, deep nesting, a record over max-record-bytes, bytes that are
 * not JSON, a partition key Cassandra refuses, a source's dead-letter marker) mixed among good
 * records. Each hostile record ends as exactly one dead letter at its own offset, with the error
 * class its kind calls for (the tombstone is counted and skipped), every good record is a row, and
 * no consumer restarts: nothing stops a topic or silently thins it.
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
      String keyField,
      boolean keyIsText) {}

  private static final String MALFORMED = MalformedEventException.class.getSimpleName();

  /**
   * The error class a dead letter of each hostile kind must name: what refused the record. A record
   * over max-record-bytes is refused before it is read, a marked one for its mark, a key over 64
   * KiB by Cassandra (bound fine: unless the key column is no text, as the faker's uuid, which the
   * 70,000 k's are not), every other one by the mapper that reads it.
   */
  private static String expectedClass(String kind, Corpus corpus) {
    return switch (kind) {
      case "TooLarge" -> BatchTriage.RECORD_TOO_LARGE;
      case "SourceMarker" -> BatchTriage.SOURCE_DEAD_LETTER;
      case "KeyTooLarge" -> corpus.keyIsText() ? "RejectedByCassandra" : MALFORMED;
      default -> MALFORMED;
    };
  }

  /** A declarative source's description: its topic and table are its name. */
  private static String declarativeSource(String name, String url) {
    return """
        {
          "name": "%s",
          "kind": "http-poll",
          "url": "%s",
          "interval": "PT1H",
          "items": "",
          "key": "/id",
          "columns": [
            {"name": "id", "pointer": "/id", "type": "text", "required": true},
            {"name": "name", "pointer": "/name", "type": "text", "required": true},
            {"name": "n", "pointer": "/n", "type": "int", "required": false},
            {"name": "at", "pointer": "/at", "type": "timestamp", "required": false}
          ],
          "primaryKey": {"partition": ["id"], "clustering": []}
        }
        """
        .formatted(name, url);
  }

  @Test
  void everyHostileRecordIsOneDeadLetterAndEveryGoodOneARow() throws Exception {
    for (String topic : BUILT_IN_TOPICS) {
      engines.truncateIfExists(TABLES.get(topic));
      engines.resetTopic(topic);
    }
    clearDeadLetters();
    // A declarative source new to this run: its topic and table are its name. It polls an empty
    // list, once an hour: its rows are the test's records alone.
    String declarative =
        "hostile_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    Map<String, String> tables = new TreeMap<>(TABLES);
    tables.put(declarative, declarative);
    List<String> topics = new ArrayList<>(BUILT_IN_TOPICS);
    topics.add(declarative);
    HttpServer emptyList = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    emptyList.createContext(
        "/", exchange -> ReplayHttp.send(exchange, 200, "application/json", bytes("[]")));
    emptyList.start();
    try (SiloCluster silos = new SiloCluster(engines, "hostile", 1, Map.of("FAKER_RATE", "0"))) {
      silos.startAll();
      silos.awaitAllHealthy();
      SiloHttp.Response added =
          SiloHttp.send(
              silos.httpPort(0),
              "POST",
              "/api/sources",
              declarativeSource(
                  declarative, "http://127.0.0.1:" + emptyList.getAddress().getPort() + "/items"));
      assertEquals(201, added.status(), added.body().toString());
      // The silo makes a declarative source's topic once it runs its persister; a record sent
      // before would make it with the broker's defaults.
      Await.until(
          Duration.ofSeconds(60),
          () -> maxMessageBytes(declarative) != null,
          () -> "no topic " + declarative);
      // The silo made each topic to take what the producer may send, and no more.
      for (String topic : topics)
        assertEquals(String.valueOf(Topics.MAX_MESSAGE_BYTES), maxMessageBytes(topic), topic);

      Map<String, Set<String>> hostileAt = new TreeMap<>();
      Map<String, Map<String, String>> kindAt = new TreeMap<>(); // topic -> position -> kind
      Map<String, Set<String>> tombstoneAt = new TreeMap<>();
      Map<String, Corpus> corpora = new TreeMap<>();
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engines.kafka.bootstrapServers());
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
        for (String topic : topics) {
          Corpus corpus = topic.equals(declarative) ? declarativeCorpus() : corpus(topic);
          corpora.put(topic, corpus);
          Map<String, ProducerRecord<String, byte[]>> hostile = hostile(topic, corpus);
          Map<String, Future<RecordMetadata>> hostileSent = new LinkedHashMap<>();
          List<Future<RecordMetadata>> tombstones = new ArrayList<>();
          int next = 0;
          for (Map.Entry<String, ProducerRecord<String, byte[]>> kind : hostile.entrySet()) {
            ProducerRecord<String, byte[]> bad = kind.getValue();
            // Good records before and after each hostile one, on the same partitions.
            for (int i = 0;
                i < GOOD_PER_TOPIC / hostile.size() + 1 && next < corpus.good().size();
                i++, next++) {
              producer.send(
                  new ProducerRecord<>(
                      topic, "good-" + next, JSON.writeValueAsBytes(corpus.good().get(next))));
            }
            if (bad.value() == null && bad.headers().toArray().length == 0)
              tombstones.add(producer.send(bad));
            else hostileSent.put(kind.getKey(), producer.send(bad));
          }
          while (next < corpus.good().size()) {
            producer.send(
                new ProducerRecord<>(
                    topic, "good-" + next, JSON.writeValueAsBytes(corpus.good().get(next++))));
          }
          producer.flush();
          Map<String, String> kinds = new TreeMap<>();
          for (Map.Entry<String, Future<RecordMetadata>> sent : hostileSent.entrySet())
            kinds.put(position(sent.getValue()), sent.getKey());
          kindAt.put(topic, kinds);
          hostileAt.put(topic, kinds.keySet());
          tombstoneAt.put(topic, positions(tombstones));
        }
      }

      for (String topic : topics) {
        String table = tables.get(topic);
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
        Map<String, String> dead = classesAt(topic);
        assertTrue(
            longestError(topic) <= 1_100,
            topic + ": a dead letter's reason was not cut: " + longestError(topic));
        assertEquals(
            hostileAt.get(topic),
            dead.keySet(),
            topic + ": the dead letters are the hostile records: " + dead);
        // And each for its own reason: a record refused by the wrong step (a key Cassandra was to
        // refuse, caught as malformed; a marked record read as JSON) would show here.
        Map<String, String> expectedByKind = new TreeMap<>();
        Map<String, String> classByKind = new TreeMap<>();
        for (Map.Entry<String, String> d : dead.entrySet()) {
          String kind = kindAt.get(topic).get(d.getKey());
          expectedByKind.put(kind, expectedClass(kind, corpora.get(topic)));
          classByKind.put(kind, d.getValue());
        }
        assertEquals(expectedByKind, classByKind, topic + ": the error class of each kind");
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
      // Removed: later silos of the suite run no persister for it (its table and topic stay).
      assertEquals(
          200,
          SiloHttp.send(silos.httpPort(0), "DELETE", "/api/sources/" + declarative, null).status());
    } finally {
      emptyList.stop(0);
    }
  }

  /** The topic's max.message.bytes, or null while there is no such topic. */
  private String maxMessageBytes(String topic) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try {
      return engines
          .admin
          .describeConfigs(List.of(resource))
          .all()
          .get(10, TimeUnit.SECONDS)
          .get(resource)
          .get("max.message.bytes")
          .value();
    } catch (Exception e) {
      return null;
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
        return new Corpus(good, "date_time", "year", "name", "id", false);
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
        return new Corpus(good, "forecastdate", "sunrise", "description", "location", true);
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
        return new Corpus(good, "timestamp", "id", "title", "wiki", true);
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
        return new Corpus(
            good, "launch_date_utc", "flight_number", "mission_name", "launch_id", true);
      }
      default -> throw new IllegalArgumentException(topic);
    }
  }

  /** Items of {@link #declarativeSource}: every column filled. */
  private static Corpus declarativeCorpus() {
    List<ObjectNode> good = new ArrayList<>();
    for (int i = 0; i < GOOD_PER_TOPIC; i++) {
      ObjectNode item = JSON.createObjectNode();
      item.put("id", "item-" + i);
      item.put("name", "Item " + i);
      item.put("n", i);
      item.put("at", "2026-12-01T06:00:00Z");
      good.add(item);
    }
    return new Corpus(good, "at", "n", "name", "id", true);
  }

  private static byte[] with(ObjectNode event, String field, String rawJsonValue) {
    ObjectNode copy = event.deepCopy();
    copy.put(field, "__HOSTILE__");
    return bytes(copy.toString().replace("\"__HOSTILE__\"", rawJsonValue));
  }

  private static Set<String> positions(List<Future<RecordMetadata>> sent) throws Exception {
    Set<String> out = new TreeSet<>();
    for (Future<RecordMetadata> f : sent) out.add(position(f));
    return out;
  }

  private static String position(Future<RecordMetadata> sent) throws Exception {
    return sent.get().partition() + "/" + sent.get().offset();
  }

  /** A dead letter as this test reads it: where its record stood, its class and reason. */
  private record DeadLetterRow(String position, String errorClass, String error) {}

  /**
   * The topic's dead letters. This and {@link #clearDeadLetters} are the only places the test
   * touches where dead letters are kept: a change of their table is made here alone.
   */
  private List<DeadLetterRow> deadLetters(String topic) {
    List<DeadLetterRow> out = new ArrayList<>();
    for (Row r : DeadLetterRows.of(engines.session, topic)) {
      out.add(
          new DeadLetterRow(
              r.getInt("partition") + "/" + r.getLong("offset"),
              r.getString("error_class"),
              r.getString("error")));
    }
    return out;
  }

  /** No dead letter of any topic. */
  private void clearDeadLetters() {
    DeadLetterRows.truncate(engines.session);
  }

  /** partition/offset -> error class, of the topic's dead letters; each must name its class. */
  private Map<String, String> classesAt(String topic) {
    Map<String, String> out = new TreeMap<>();
    for (DeadLetterRow d : deadLetters(topic)) {
      assertNotNull(d.errorClass(), "a dead letter without its error class: " + d.error());
      out.put(d.position(), d.errorClass());
    }
    return out;
  }

  private int longestError(String topic) {
    int longest = 0;
    for (DeadLetterRow d : deadLetters(topic)) longest = Math.max(longest, d.error().length());
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
