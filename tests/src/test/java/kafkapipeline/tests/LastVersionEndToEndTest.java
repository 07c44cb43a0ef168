package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.SpaceXLaunch;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.persist.WriteTime;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every row is the last version of its key, on the real servers: 40 keys, each sent in 24 versions
 * in one burst (same key, same partition, in order), on the built-in upsert topic {@code spacex}
 * and on a declarative source's topic, through a silo writing two batches at once in groups of up
 * to 8 rows. Once the persister has committed every offset, each row equals its key's last version
 * cell for cell, nulls included, and carries that record's write time. Before write times came from
 * offsets, 23 of 40 such rows ended as a mix of versions (issue 20).
 */
@Timeout(300)
class LastVersionEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int KEYS = 40;
  private static final int VERSIONS = 24;
  private final Engines engines = Engines.shared();

  @Test
  void fortyKeysInTwentyFourVersionsEndAsTheirLastVersionCellForCell() throws Exception {
    String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    String source = "versions_" + suffix;
    engines.truncateIfExists("spacex_launches");
    engines.resetTopic(Topics.SPACEX);
    try (SiloCluster silos =
        new SiloCluster(
            engines,
            "lastversion",
            1,
            Map.of(
                "FAKER_RATE", "0",
                // The built-in SpaceX source polls nothing here: this test is the only producer.
                "SPACEX_BASE_URL", "http://127.0.0.1:9",
                "PERSISTER_PARALLELISM", "2",
                "PERSISTER_ROWS_PER_REQUEST", "8"))) {
      silos.startAll();
      silos.awaitAllHealthy();
      int port = silos.httpPort(0);
      // A declarative source whose URL answers nothing useful: its topic and table are what count.
      SiloHttp.Response added =
          SiloHttp.send(
              port,
              "POST",
              "/api/sources",
              DeclarativeSourcesEndToEndTest.launchesSource(source, "http://127.0.0.1:9/none"));
      assertEquals(201, added.status(), added.body().toString());

      Random random = new Random(20);
      Map<String, byte[]> lastSpaceX = new HashMap<>();
      Map<String, byte[]> lastDeclarative = new HashMap<>();
      Map<String, RecordMetadata> lastSpaceXAt = new HashMap<>();
      Map<String, RecordMetadata> lastDeclarativeAt = new HashMap<>();
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engines.kafka.bootstrapServers());
      p.put(ProducerConfig.LINGER_MS_CONFIG, 20); // one burst: the versions share batches
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
        Map<String, Future<RecordMetadata>> spacexSent = new HashMap<>();
        Map<String, Future<RecordMetadata>> declarativeSent = new HashMap<>();
        for (int v = 0; v < VERSIONS; v++) {
          for (int k = 0; k < KEYS; k++) {
            boolean last = v == VERSIONS - 1;
            String key = "lv-" + k;
            byte[] launch = EventJson.write(launch(random, key, last && k % 2 == 0));
            spacexSent.put(key, producer.send(new ProducerRecord<>(Topics.SPACEX, key, launch)));
            lastSpaceX.put(key, launch);
            byte[] item = JSON.writeValueAsBytes(item(random, key, last && k % 2 == 0));
            declarativeSent.put(key, producer.send(new ProducerRecord<>(source, key, item)));
            lastDeclarative.put(key, item);
          }
        }
        producer.flush();
        for (var e : spacexSent.entrySet()) lastSpaceXAt.put(e.getKey(), e.getValue().get());
        for (var e : declarativeSent.entrySet())
          lastDeclarativeAt.put(e.getKey(), e.getValue().get());
      }
      awaitAllCommitted(Topics.SPACEX);
      awaitAllCommitted(source);

      Map<String, Row> spacexRows =
          rows(
              "spacex_launches",
              "launch_id",
              List.of(
                  "mission_name",
                  "launch_date_utc",
                  "rocket_name",
                  "launch_success",
                  "site_name",
                  "payload_type",
                  "payload_mass_kg",
                  "upcoming",
                  "flight_number",
                  "details"));
      Map<String, Row> declarativeRows =
          rows(
              source,
              "launch_id",
              List.of("name", "flight_number", "date_utc", "success", "cores"));
      assertEquals(KEYS, spacexRows.size());
      assertEquals(KEYS, declarativeRows.size());
      for (int k = 0; k < KEYS; k++) {
        String key = "lv-" + k;
        SpaceXLaunch want = EventJson.read(lastSpaceX.get(key), SpaceXLaunch.class);
        Row row = spacexRows.get(key);
        Map<String, Object> expected = new HashMap<>();
        expected.put("mission_name", want.missionName());
        expected.put("launch_date_utc", want.launchDateUtc());
        expected.put("rocket_name", want.rocketName());
        expected.put("launch_success", want.launchSuccess());
        expected.put("site_name", want.siteName());
        expected.put("payload_type", want.payloadType());
        expected.put("payload_mass_kg", want.payloadMassKg());
        expected.put("upcoming", want.upcoming());
        expected.put("flight_number", want.flightNumber());
        expected.put("details", want.details());
        assertRow(key, expected, row, lastSpaceXAt.get(key));

        ObjectNode item = (ObjectNode) JSON.readTree(lastDeclarative.get(key));
        Map<String, Object> expectedItem = new HashMap<>();
        expectedItem.put("name", item.path("name").asText());
        expectedItem.put(
            "flight_number",
            item.get("flight_number").isNull() ? null : item.get("flight_number").asInt());
        expectedItem.put(
            "date_utc",
            item.get("date_utc").isNull() ? null : Instant.parse(item.get("date_utc").asText()));
        expectedItem.put(
            "success", item.get("success").isNull() ? null : item.get("success").asBoolean());
        expectedItem.put("cores", item.get("cores").isNull() ? null : item.get("cores").toString());
        assertRow(key, expectedItem, declarativeRows.get(key), lastDeclarativeAt.get(key));
      }
    } finally {
      engines.truncateIfExists("spacex_launches");
      engines.resetTopic(Topics.SPACEX);
    }
  }

  /** Each expected column of {@code row}, and the write time of its last record. */
  private static void assertRow(
      String key, Map<String, Object> expected, Row row, RecordMetadata last) {
    expected.forEach(
        (column, value) -> assertEquals(value, row.getObject(column), key + "." + column));
    // A null cell (a tombstone) has no write time to read: the nulls were checked above.
    if (row.isNull("wt")) return;
    long writeTime = WriteTime.BASE + last.offset();
    assertEquals(writeTime, row.getLong("wt"), key + ": the last record's write time");
  }

  /**
   * Every row of {@code table}, by key: the key, {@code columns}, and the write time of the first
   * column as {@code wt}.
   */
  private Map<String, Row> rows(String table, String key, List<String> columns) {
    Map<String, Row> out = new HashMap<>();
    for (Row r :
        engines.session.execute(
            "SELECT "
                + key
                + ", "
                + String.join(", ", columns)
                + ", writetime("
                + columns.get(0)
                + ") AS wt FROM kafkapipeline."
                + table)) {
      out.put(r.getString(key), r);
    }
    return out;
  }

  /** Until the persister's group has committed every record of {@code topic}. */
  private void awaitAllCommitted(String topic) {
    String[] seen = {""};
    Await.until(
        Duration.ofSeconds(90),
        () -> {
          try {
            Map<TopicPartition, OffsetAndMetadata> committed =
                engines
                    .admin
                    .listConsumerGroupOffsets("persister-" + topic)
                    .partitionsToOffsetAndMetadata()
                    .get();
            List<TopicPartition> partitions = new ArrayList<>();
            for (var d :
                engines
                    .admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()) partitions.add(new TopicPartition(topic, d.partition()));
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var ends = engines.admin.listOffsets(latest).all().get();
            boolean all = true;
            for (TopicPartition tp : partitions) {
              OffsetAndMetadata c = committed.get(tp);
              long end = ends.get(tp).offset();
              if (end > 0 && (c == null || c.offset() < end)) all = false;
            }
            seen[0] = "committed " + committed + " ends " + ends;
            return all;
          } catch (Exception e) {
            seen[0] = e.toString();
            return false;
          }
        },
        () -> topic + ": " + seen[0]);
  }

  private static final String[] NAMES = {"Starlink", "CRS", "Demo", "Ax", "Transporter"};

  /** A launch version; the last one of half the keys has its nullable fields null. */
  private static SpaceXLaunch launch(Random r, String key, boolean nulls) {
    return new SpaceXLaunch(
        key,
        nulls ? null : NAMES[r.nextInt(NAMES.length)] + "-" + r.nextInt(100),
        nulls ? null : Instant.ofEpochSecond(1_600_000_000L + r.nextInt(1_000_000)),
        nulls ? null : (r.nextBoolean() ? "Falcon 9" : "Falcon Heavy"),
        nulls ? null : r.nextBoolean(),
        nulls ? null : (r.nextBoolean() ? "LC-39A" : "SLC-40"),
        nulls ? null : (r.nextBoolean() ? "Satellite" : "Dragon"),
        nulls ? null : (double) r.nextInt(20_000),
        nulls ? null : r.nextBoolean(),
        nulls ? null : r.nextInt(300),
        nulls ? null : "details " + r.nextInt(1_000));
  }

  /**
   * An item of the declarative source; the last one of half the keys has its optional fields null.
   */
  private static ObjectNode item(Random r, String key, boolean nulls) {
    ObjectNode item = JSON.createObjectNode();
    item.put("id", key);
    item.put("name", NAMES[r.nextInt(NAMES.length)] + "-" + r.nextInt(100));
    if (nulls) {
      item.putNull("flight_number");
      item.putNull("date_utc");
      item.putNull("success");
      item.putNull("cores");
    } else {
      item.put("flight_number", r.nextInt(300));
      item.put("date_utc", Instant.ofEpochSecond(1_600_000_000L + r.nextInt(1_000_000)).toString());
      item.put("success", r.nextBoolean());
      item.putArray("cores").addObject().put("core", "c" + r.nextInt(10));
    }
    item.putNull("date_unix");
    return item;
  }
}
