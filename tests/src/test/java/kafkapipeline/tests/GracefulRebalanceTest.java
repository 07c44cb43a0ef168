package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kafkapipeline.api.Topics;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A graceful join and a graceful leave, mid-stream, write every row exactly once: no partition
 * handed over in a rebalance is read again by its next owner ({@code rows_written_twice} == 0).
 * The rows written are counted by the silos themselves ({@code rows_written} of fakerdata): the
 * ones still running through {@code /api/stats}, the one that left through the last line its
 * persister logs once it has drained. Runs on the replicated shape ({@link ReplicatedEngines}: three
 * brokers, a three-node ring, RF 3, LOCAL_QUORUM).
 */
@Tag("cluster")
class GracefulRebalanceTest {
  private static final int PEOPLE = 50_000;
  private static final int RATE = 1_000;
  /** The line a faker persister logs when it has stopped for good (see TopicPersister). */
  private static final Pattern FINAL_COUNT =
      Pattern.compile("Persister stopped: topic=faker table=fakerdata rows_written=(\\d+)");

  private final ReplicatedEngines engines = ReplicatedEngines.shared();

  @BeforeEach
  void startFromNothing() throws Exception {
    FakerTable.reset(engines);
  }

  @Test
  void aSiloJoiningAndOneLeavingMidStreamWriteEveryRowOnce() throws Exception {
    long seed = ThreadLocalRandom.current().nextLong();
    long started = System.nanoTime();
    Map<String, String> env = Map.of("FAKER_SEED", Long.toString(seed), "FAKER_RATE", Integer.toString(RATE),
        "FAKER_LIMIT", Integer.toString(PEOPLE));
    try (SiloCluster silos = new SiloCluster(engines, "graceful-rebalance", 3, env)) {
      silos.start(0);
      silos.start(1);
      silos.awaitHealthy(0);
      silos.awaitHealthy(1);

      // Join: silo 3 starts while the first two write; its persisters join the groups and take
      // over partitions that carry batches in flight.
      silos.start(2);
      silos.awaitHealthy(2);
      // From the silos' counters: a count(*) of the table under this load can time out.
      long rowsAtJoin = written(silos, 0) + written(silos, 1);
      Await.until(Duration.ofMinutes(1), () -> written(silos, 2) >= 500, () -> "silo 3 wrote " + written(silos, 2));
      long producedAtLeave = silos.sum("produced", Topics.FAKER);
      assertTrue(rowsAtJoin > 0 && producedAtLeave < PEOPLE - 2_000,
          "not mid-stream: " + rowsAtJoin + " rows at the join, " + producedAtLeave + " produced at the leave");

      // Leave: silo 2 is not the oldest, so the generator (a singleton on silo 1) stays put and
      // publishes every person once; silo 2's partitions move to silos 1 and 3.
      silos.stop(1);
      assertTrue(!silos.isAlive(1), "silo 2 did not exit on SIGTERM");
      long leftWrote = finalCount(silos, "silo-2.log");

      FakerTable.awaitRows(engines.session, PEOPLE, Duration.ofMinutes(2));
      Await.until(Duration.ofMinutes(1), () -> allCommitted(), () -> "end/committed offsets of persister-faker: " + describe(offsets()));
      FakerTable.assertExactlyTheProducedPeople(engines.session, seed, PEOPLE);
      long records = offsets().values().stream().mapToLong(o -> o[0]).sum();
      assertEquals(PEOPLE, records, "records in topic faker");
      long written = written(silos, 0) + leftWrote + written(silos, 2);
      System.out.printf("[fault] graceful join (at %d rows) and leave (at %d produced): rows_written %d + %d + %d = %d "
          + "of %d records, rows_written_twice %d, partitions drained %d, total %.1f s%n", rowsAtJoin, producedAtLeave,
          written(silos, 0), leftWrote, written(silos, 2), written, records, written - records,
          silos.sum("partitions_drained", Topics.FAKER), (System.nanoTime() - started) / 1e9);
      assertEquals(records, written, "rows written over all silos (rows_written_twice = written - records)");
    }
  }

  private static long written(SiloCluster silos, int i) {
    return SiloHttp.counter(silos.httpPort(i), "rows_written", "fakerdata");
  }

  /** The count the persister of a stopped silo logged last; fails if it logged none. */
  private static long finalCount(SiloCluster silos, String logFile) {
    String log = silos.logs().getOrDefault(logFile, "");
    Matcher m = FINAL_COUNT.matcher(log);
    Long last = null;
    while (m.find()) last = Long.parseLong(m.group(1));
    if (last == null) throw new AssertionError(logFile + " has no line matching " + FINAL_COUNT);
    return last;
  }

  /** Per partition of topic faker: {end offset, committed offset of group persister-faker or -1}. */
  private Map<TopicPartition, long[]> offsets() {
    try {
      List<TopicPartition> partitions = engines.admin.describeTopics(List.of(Topics.FAKER)).allTopicNames().get()
          .get(Topics.FAKER).partitions().stream().map(p -> new TopicPartition(Topics.FAKER, p.partition())).toList();
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      for (TopicPartition tp : partitions) latest.put(tp, OffsetSpec.latest());
      var ends = engines.admin.listOffsets(latest).all().get();
      Map<TopicPartition, OffsetAndMetadata> committed =
          engines.admin.listConsumerGroupOffsets("persister-" + Topics.FAKER).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, long[]> out = new java.util.TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata c = committed.get(tp);
        out.put(tp, new long[] {ends.get(tp).offset(), c == null ? -1 : c.offset()});
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String describe(Map<TopicPartition, long[]> offsets) {
    StringBuilder out = new StringBuilder();
    offsets.forEach((tp, o) -> out.append(' ').append(tp.partition()).append('=').append(o[0]).append('/').append(o[1]));
    return out.toString().strip();
  }

  /** Every partition committed up to its end: nothing is left that a later owner could replay. */
  private boolean allCommitted() {
    return offsets().values().stream().allMatch(o -> o[0] == o[1]);
  }
}
