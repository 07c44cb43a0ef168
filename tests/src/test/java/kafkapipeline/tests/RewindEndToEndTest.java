package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import kafkapipeline.api.Topics;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rebuild a table from Kafka, on two live silos: faker's people are written, the faker stops, every
 * row is snapshot (every cell and every cell's write time); a rewind of topic faker by one hour
 * through the HTTP API pauses both silos' persisters, moves group persister-faker back to offset 0
 * of every partition and resumes them; once the group has committed up to the end offsets recorded
 * at the rewind (and the silos counted the rows written again), the table is the same, cell for
 * cell and row for row, though the table was truncated before the rewind. A rewind older than the
 * topic's retention, and one to an offset below a partition's earliest offset, are refused with a
 * 409 naming the retention.
 */
class RewindEndToEndTest {
  private static final int PEOPLE = 3_000;
  private static final Duration DEADLINE = Duration.ofMinutes(3);

  private final Engines engines = Engines.shared();

  @BeforeEach
  void startFromNothing() throws Exception {
    FakerTable.reset(engines);
  }

  @Test
  void aRewindByOneHourReadsEveryRecordAgainAndLeavesTheTableIdentical() throws Exception {
    long seed = ThreadLocalRandom.current().nextLong();
    Map<String, String> env =
        Map.of(
            "FAKER_SEED", Long.toString(seed),
            "FAKER_RATE", "1000",
            "FAKER_LIMIT", Integer.toString(PEOPLE));
    try (SiloCluster silos = new SiloCluster(engines, "rewind", 2, env)) {
      silos.startAll();
      silos.awaitAllHealthy();
      FakerTable.awaitRows(engines.session, PEOPLE, DEADLINE);
      SiloHttp.Response stopped =
          SiloHttp.send(silos.httpPort(0), "PUT", "/api/sources/faker/rate", "{\"rate\": 0}");
      assertEquals(200, stopped.status(), stopped.body().toString());
      Map<TopicPartition, Long> ends = endOffsets();
      assertEquals(PEOPLE, ends.values().stream().mapToLong(Long::longValue).sum(), "records");
      awaitCommitted(ends);
      FakerTable.assertExactlyTheProducedPeople(engines.session, seed, PEOPLE);
      Map<UUID, Map<String, Object>> before = snapshot();
      assertEquals(PEOPLE, before.size());
      long writtenBefore = silos.sum("rows_written", "fakerdata");
      // The table lost (truncated, as the README says to before a rebuild): only a re-read
      // brings the rows back, so the comparison below fails if the rewind read nothing again. A
      // DELETE would not do: at clock time it loses to the rows' offset-based write times.
      Engines.truncateIfExists(engines.session, "fakerdata");
      assertEquals(0, FakerTable.count(engines.session), "rows after the truncate");

      // Through the silo that does not host the faker: the coordinator is any silo.
      Instant from = Instant.now().minus(Duration.ofHours(1));
      SiloHttp.Response rewound =
          SiloHttp.send(
              silos.httpPort(1),
              "POST",
              "/api/topics/faker/rewind",
              "{\"from\": \"" + from + "\"}");
      assertEquals(200, rewound.status(), rewound.body().toString());
      JsonNode answer = rewound.body();
      assertEquals(PEOPLE, answer.path("records").asLong(), answer.toString());
      assertEquals(2, answer.path("persisters").asInt(), answer.toString());
      assertEquals("persister-faker", answer.path("group").asText());
      assertEquals(ends.size(), answer.path("partitions").size(), answer.toString());
      for (JsonNode p : answer.path("partitions")) {
        assertEquals(0, p.path("from").asLong(), answer.toString());
        TopicPartition tp = new TopicPartition(Topics.FAKER, p.path("partition").asInt());
        assertEquals((long) ends.get(tp), p.path("end").asLong(), answer.toString());
        assertEquals(p.path("end").asLong(), p.path("records").asLong(), answer.toString());
      }

      // Read again: the group commits up to the recorded ends, every record written once more.
      awaitCommitted(ends);
      Await.until(
          DEADLINE,
          () -> silos.sum("rows_written", "fakerdata") >= writtenBefore + PEOPLE,
          () -> silos.sum("rows_written", "fakerdata") - writtenBefore + " rows written again");
      // Either silo shows the rewind done, with every record counted as read again.
      JsonNode progress = SiloHttp.get(silos.httpPort(0), "/api/topics/faker/rewind").body();
      assertEquals("done", progress.path("state").asText(), progress.toString());
      assertEquals(PEOPLE, progress.path("reread").asLong(), progress.toString());
      assertEquals(0, progress.path("remaining").asLong(), progress.toString());
      assertEquals("from " + from, progress.path("request").asText(), progress.toString());

      Map<UUID, Map<String, Object>> after = snapshot();
      assertEquals(before.size(), after.size(), "rows after the rewind");
      assertEquals(before.keySet(), after.keySet(), "ids after the rewind");
      // Every cell's value first, then (below) every cell's write time.
      List<String> changed = changedCells(before, after, false);
      assertEquals(
          List.of(), changed.stream().limit(5).toList(), changed.size() + " values changed");

      // Older than the retention (the broker's default, 7 days): refused, nothing paused.
      SiloHttp.Response old =
          SiloHttp.send(
              silos.httpPort(0),
              "POST",
              "/api/topics/faker/rewind",
              "{\"from\": \"" + Instant.now().minus(Duration.ofDays(8)) + "\"}");
      assertEquals(409, old.status(), old.body().toString());
      String reason = old.body().path("error").asText();
      assertTrue(reason.contains("older than the retention"), reason);
      assertTrue(reason.contains("retention.ms=604800000"), reason);
      // Below a partition's earliest offset (its first records deleted): refused.
      TopicPartition first = new TopicPartition(Topics.FAKER, 0);
      engines.admin.deleteRecords(Map.of(first, RecordsToDelete.beforeOffset(1))).all().get();
      SiloHttp.Response below =
          SiloHttp.send(silos.httpPort(0), "POST", "/api/topics/faker/rewind", "{\"offset\": 0}");
      assertEquals(409, below.status(), below.body().toString());
      assertTrue(
          below.body().path("error").asText().contains("partition 0's earliest offset 1"),
          below.body().toString());
      assertEquals(PEOPLE, FakerTable.count(engines.session));

      // The cells' write times: the same only when rows are written with a write time derived
      // from the record's Kafka position (a re-read record then writes exactly the cells it wrote).
      List<String> rewritten = changedCells(before, after, true);
      assertEquals(
          List.of(),
          rewritten.stream().limit(5).toList(),
          rewritten.size() + " write times changed");
    }
  }

  /** The cells that differ between two snapshots: values, or ({@code writeTimes}) write times. */
  private static List<String> changedCells(
      Map<UUID, Map<String, Object>> before,
      Map<UUID, Map<String, Object>> after,
      boolean writeTimes) {
    List<String> changed = new ArrayList<>();
    for (var row : before.entrySet()) {
      Map<String, Object> now = after.get(row.getKey());
      for (var cell : row.getValue().entrySet()) {
        if (cell.getKey().startsWith("wt_") != writeTimes) continue;
        Object was = cell.getValue();
        Object is = now.get(cell.getKey());
        if (!java.util.Objects.equals(was, is))
          changed.add(row.getKey() + "." + cell.getKey() + ": " + was + " -> " + is);
      }
    }
    return changed;
  }

  private Map<TopicPartition, Long> endOffsets() throws Exception {
    var partitions =
        engines
            .admin
            .describeTopics(List.of(Topics.FAKER))
            .allTopicNames()
            .get()
            .get(Topics.FAKER)
            .partitions();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (var p : partitions)
      latest.put(new TopicPartition(Topics.FAKER, p.partition()), OffsetSpec.latest());
    return engines.admin.listOffsets(latest).all().get().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  private Map<TopicPartition, Long> committed() {
    try {
      Map<TopicPartition, OffsetAndMetadata> c =
          engines
              .admin
              .listConsumerGroupOffsets("persister-faker")
              .partitionsToOffsetAndMetadata()
              .get();
      Map<TopicPartition, Long> out = new HashMap<>();
      c.forEach((tp, o) -> out.put(tp, o == null ? -1 : o.offset()));
      return out;
    } catch (Exception e) {
      return Map.of();
    }
  }

  /** Until the group's committed offset of every partition is its end offset in {@code ends}. */
  private void awaitCommitted(Map<TopicPartition, Long> ends) {
    Await.until(
        DEADLINE,
        () -> {
          Map<TopicPartition, Long> c = committed();
          return ends.entrySet().stream()
              .allMatch(e -> c.getOrDefault(e.getKey(), -1L) >= e.getValue());
        },
        () -> "committed " + committed() + ", ends " + ends);
  }

  /** Every row of fakerdata by id: every column's value and every regular column's write time. */
  private Map<UUID, Map<String, Object>> snapshot() {
    List<String> regular = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (ColumnMetadata c :
        engines
            .session
            .getMetadata()
            .getKeyspace("kafkapipeline")
            .orElseThrow()
            .getTable("fakerdata")
            .orElseThrow()
            .getColumns()
            .values()) {
      String name = c.getName().asCql(true);
      all.add(name);
      if (!name.equals("id")) regular.add(name);
    }
    StringBuilder select = new StringBuilder("SELECT ").append(String.join(", ", all));
    for (String c : regular) select.append(", writetime(").append(c).append(") AS wt_").append(c);
    Map<UUID, Map<String, Object>> rows = new HashMap<>();
    for (Row row :
        engines.session.execute(
            SimpleStatement.newInstance(select + " FROM kafkapipeline.fakerdata")
                .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM)
                .setPageSize(5000)
                .setTimeout(Duration.ofSeconds(30)))) {
      Map<String, Object> cells = new LinkedHashMap<>();
      for (int i = 0; i < row.getColumnDefinitions().size(); i++)
        cells.put(row.getColumnDefinitions().get(i).getName().asInternal(), row.getObject(i));
      rows.put(row.getUuid("id"), cells);
    }
    return rows;
  }
}
