package kafkapipeline.grains.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.SpaceXLaunch;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.profile.GrainProfiler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The guarantee of the write path, over generated histories: for every key, the row holds the cells
 * of the last record of that key in its partition's order (a replayed dead letter at its first
 * position), cell for cell, nulls included — whatever happened in between.
 *
 * <p>What runs is the persister's own write path: {@link BatchWrite} (triage, the SpaceX mapper,
 * {@link WriteTime}) over {@link RowWriter} (groups, byte limits, retries, split groups) against a
 * {@link ReconcilingCassandra} that applies Cassandra's reconciliation rule and completes requests
 * in random order, some applied and timed out (retried over themselves), some failed (retried; a
 * batch whose attempts all fail is read again, as the restarted stream would). A history: 1-8 keys
 * on 1-3 partitions, 1-50 versions each, values drawn from small sets with nulls (so ties between
 * values are common), Kafka tombstones, versions that are dead letters first and come back later as
 * replays with their origin; read by a consumer that cuts batches of 1-20 across partitions, writes
 * 1-4 batches at once and goes back to earlier offsets up to three times (a crash, a rebalance, a
 * rewind), so records are written twice, late and out of order.
 *
 * <p>With the mechanism switched off ({@link ReconcilingCassandra.Clock#CLIENT}: every request at
 * the client clock's time, as before) the same histories mix versions: {@link
 * #withoutWriteTimesVersionsMix} shows the property can fail.
 */
class LastVersionPropertiesTest {
  private static final String TOPIC = Topics.SPACEX;
  private static final OfflinePrepared INSERT = OfflinePrepared.of(SpaceXRowMapper.INSERT);
  private static final SpaceXRowMapper MAPPER = SpaceXRowMapper.over(INSERT);
  private static final GrainProfiler.Grain PROFILE = new GrainProfiler().grain("persister");

  @Test
  void everyRowIsTheLastVersionOfItsKey() {
    AtomicInteger versions = new AtomicInteger();
    AtomicInteger writes = new AtomicInteger();
    qt().withExamples(2_000)
        .withShrinkCycles(0)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              History h = History.generate(new Random(seed));
              Outcome o = run(h, ReconcilingCassandra.Clock.STATEMENT, new Random(seed ^ 0x5eed));
              versions.addAndGet(h.versions);
              writes.addAndGet(o.delivered);
              assertEquals(h.expected(), o.table, "seed " + seed + ": " + h);
            });
    // The histories did what they say: many versions per key, many more writes than records.
    assertTrue(versions.get() > 2_000 * 10, "versions " + versions);
    assertTrue(writes.get() > versions.get(), "writes " + writes + " versions " + versions);
  }

  @Test
  void withoutWriteTimesVersionsMix() {
    AtomicInteger mixed = new AtomicInteger();
    qt().withExamples(300)
        .withShrinkCycles(0)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              History h = History.generate(new Random(seed));
              Outcome o = run(h, ReconcilingCassandra.Clock.CLIENT, new Random(seed ^ 0x5eed));
              if (!h.expected().equals(o.table)) mixed.incrementAndGet();
            });
    assertTrue(mixed.get() > 30, "histories that end wrong without write times: " + mixed);
  }

  /** The table at the end, and how many records were handed to the writer in all. */
  record Outcome(Map<String, Map<String, ByteBuffer>> table, int delivered) {}

  private static Outcome run(History h, ReconcilingCassandra.Clock clock, Random random) {
    ReconcilingCassandra cassandra = new ReconcilingCassandra(clock, INSERT.primaryKey);
    PipelineMetrics metrics = new PipelineMetrics();
    PersisterSettings settings =
        new PersisterSettings(
            20,
            Duration.ofMillis(20),
            h.parallelism,
            3,
            // Under a millisecond: the retry's delay rounds to none (the test waits on no clock).
            Duration.ofNanos(1_000),
            Duration.ofMillis(50),
            Duration.ofMillis(200),
            1_000_000,
            h.rowsPerRequest,
            h.rowsPerRequest * 200,
            Duration.ofSeconds(5),
            PersisterSettings.WriteTimes.OFFSET);
    BatchWrite write =
        new BatchWrite(
            TOPIC,
            MAPPER,
            new RowWriter(cassandra, metrics, settings),
            d -> CompletableFuture.<Void>completedFuture(null),
            metrics,
            settings.maxRecordBytes(),
            settings.writeTime(),
            PROFILE);
    List<List<ConsumerRecord<String, byte[]>>> toWrite = new ArrayList<>(h.batches);
    List<CompletionStage<Void>> inFlight = new ArrayList<>();
    List<List<ConsumerRecord<String, byte[]>>> inFlightBatches = new ArrayList<>();
    int delivered = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    try {
      while (!toWrite.isEmpty() || !inFlight.isEmpty()) {
        if (System.nanoTime() > deadline) fail("the write path did not finish: " + h);
        for (int i = inFlight.size() - 1; i >= 0; i--) {
          CompletableFuture<Void> f = inFlight.get(i).toCompletableFuture();
          if (!f.isDone()) continue;
          // A batch that failed after its attempts is read again (the stream restarts there).
          if (f.isCompletedExceptionally()) toWrite.add(inFlightBatches.get(i));
          inFlight.remove(i);
          inFlightBatches.remove(i);
        }
        while (inFlight.size() < h.parallelism && !toWrite.isEmpty()) {
          List<ConsumerRecord<String, byte[]>> batch = toWrite.remove(0);
          delivered += batch.size();
          inFlightBatches.add(batch);
          inFlight.add(write.write(batch));
        }
        // Wait for a request only while no batch is done: a retry is then in its backoff.
        boolean batchDone = inFlight.stream().anyMatch(f -> f.toCompletableFuture().isDone());
        cassandra.completeOne(random, true, batchDone ? 0 : 5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new Outcome(cassandra.table(), delivered);
  }

  /**
   * A generated history: the partitions' records, the batches a consumer reads them in, and the
   * writer's settings.
   */
  static final class History {
    final List<List<ConsumerRecord<String, byte[]>>> partitions = new ArrayList<>();
    final List<List<ConsumerRecord<String, byte[]>>> batches = new ArrayList<>();

    /** Per key, its row-making records with the position each one's order is taken at. */
    final Map<String, List<Map.Entry<Long, byte[]>>> rowsByKey = new HashMap<>();

    int parallelism;
    int rowsPerRequest;
    int versions;
    int replays;

    static History generate(Random r) {
      History h = new History();
      int partitionCount = 1 + r.nextInt(3);
      for (int p = 0; p < partitionCount; p++) h.partitions.add(new ArrayList<>());
      h.parallelism = 1 + r.nextInt(4);
      h.rowsPerRequest = 1 + r.nextInt(8);
      int keys = 1 + r.nextInt(8);
      List<String> pending = new ArrayList<>();
      for (int k = 0; k < keys; k++) {
        int n = 1 + r.nextInt(50);
        for (int v = 0; v < n; v++) pending.add("launch-" + k);
      }
      java.util.Collections.shuffle(pending, r);
      List<ConsumerRecord<String, byte[]>> deadLetters = new ArrayList<>();
      for (String key : pending) {
        int partition = Math.floorMod(key.hashCode(), partitionCount);
        double kind = r.nextDouble();
        if (kind < 0.05) {
          h.append(partition, key, null, null); // a Kafka tombstone: no row
        } else if (kind < 0.12) {
          // A dead letter now (not JSON); replayed later, fixed, with its origin.
          ConsumerRecord<String, byte[]> dead =
              h.append(partition, key, "{not json".getBytes(StandardCharsets.UTF_8), null);
          deadLetters.add(dead);
        } else {
          h.versions++;
          ConsumerRecord<String, byte[]> c = h.append(partition, key, version(r, key), null);
          h.row(key, c.offset(), c.value());
        }
      }
      for (ConsumerRecord<String, byte[]> dead : deadLetters) {
        byte[] fixed = version(r, dead.key());
        String origin = dead.partition() + ":" + dead.offset();
        h.append(dead.partition(), dead.key(), fixed, origin);
        h.row(dead.key(), dead.offset(), fixed);
        h.versions++;
      }
      h.read(r);
      return h;
    }

    private void row(String key, long position, byte[] value) {
      rowsByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(Map.entry(position, value));
    }

    private ConsumerRecord<String, byte[]> append(
        int partition, String key, byte[] value, String origin) {
      List<ConsumerRecord<String, byte[]>> log = partitions.get(partition);
      RecordHeaders headers = new RecordHeaders();
      if (origin != null)
        headers.add(Topics.ORIGIN_HEADER, origin.getBytes(StandardCharsets.US_ASCII));
      ConsumerRecord<String, byte[]> record =
          new ConsumerRecord<>(
              TOPIC,
              partition,
              log.size(),
              0L,
              TimestampType.CREATE_TIME,
              key.length(),
              value == null ? -1 : value.length,
              key,
              value,
              headers,
              Optional.empty());
      log.add(record);
      return record;
    }

    /** The consumer: batches across partitions, and up to three goes back to earlier offsets. */
    private void read(Random r) {
      int[] position = new int[partitions.size()];
      int maxBatch = 1 + r.nextInt(20);
      int goesBack = r.nextInt(4);
      List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
      while (true) {
        List<Integer> open = new ArrayList<>();
        for (int p = 0; p < position.length; p++)
          if (position[p] < partitions.get(p).size()) open.add(p);
        if (open.isEmpty()) break;
        int p = open.get(r.nextInt(open.size()));
        int take = 1 + r.nextInt(5);
        for (int i = 0; i < take && position[p] < partitions.get(p).size(); i++) {
          batch.add(partitions.get(p).get(position[p]++));
          if (batch.size() >= maxBatch) {
            batches.add(batch);
            batch = new ArrayList<>();
          }
        }
        if (goesBack > 0 && r.nextDouble() < 0.05) {
          goesBack--;
          replays++;
          int q = r.nextInt(position.length);
          position[q] = r.nextInt(position[q] + 1);
        }
      }
      if (!batch.isEmpty()) batches.add(batch);
    }

    /** The table the guarantee promises: per key, the cells of its last row-making record. */
    Map<String, Map<String, ByteBuffer>> expected() {
      ReconcilingCassandra oracle = new ReconcilingCassandra(null, INSERT.primaryKey);
      Map<String, Map<String, ByteBuffer>> out = new HashMap<>();
      rowsByKey.forEach(
          (key, rows) -> {
            Map.Entry<Long, byte[]> last =
                rows.stream().max(Map.Entry.comparingByKey()).orElseThrow();
            BoundStatement statement = MAPPER.toStatement(key, last.getValue(), 0);
            Map<String, ByteBuffer> cells = new HashMap<>();
            var variables = INSERT.getVariableDefinitions();
            for (int i = 0; i < variables.size() - 1; i++) {
              String column = variables.get(i).getName().asInternal();
              if (!INSERT.primaryKey.contains(column))
                cells.put(column, statement.getBytesUnsafe(i));
            }
            out.put(oracle.keyOf(statement), cells);
          });
      return out;
    }

    @Override
    public String toString() {
      List<Integer> sizes = partitions.stream().map(List::size).toList();
      return "partitions "
          + sizes
          + ", batches "
          + batches.size()
          + ", parallelism "
          + parallelism
          + ", rows per request "
          + rowsPerRequest
          + ", goes back "
          + replays;
    }
  }

  private static final String[] MISSIONS = {"Starlink", "CRS", "Demo", "Ax"};
  private static final String[] ROCKETS = {"Falcon 9", "Falcon Heavy", "Starship"};

  /** A version of a launch: each field from a small set, null among them. */
  private static byte[] version(Random r, String key) {
    return EventJson.write(
        new SpaceXLaunch(
            key,
            pick(r, MISSIONS),
            r.nextInt(3) == 0 ? null : Instant.ofEpochSecond(1_600_000_000L + r.nextInt(3)),
            pick(r, ROCKETS),
            r.nextInt(3) == 0 ? null : r.nextBoolean(),
            pick(r, new String[] {"LC-39A", "SLC-40"}),
            pick(r, new String[] {"Satellite", "Dragon"}),
            r.nextInt(3) == 0 ? null : (double) r.nextInt(3),
            r.nextInt(3) == 0 ? null : r.nextBoolean(),
            r.nextInt(3) == 0 ? null : r.nextInt(4),
            pick(r, new String[] {"a", "b"})));
  }

  private static String pick(Random r, String[] values) {
    int i = r.nextInt(values.length + 1);
    return i == values.length ? null : values[i];
  }
}
