package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kafkapipeline.api.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The fake-person stream of a running {@link SiloCluster}, driven and read as a user would: the
 * rate through {@code PUT /api/sources/faker/rate}, how far the generator got from its checkpoint
 * in Cassandra, records and commits of topic {@code faker} from Kafka.
 *
 * <p>The checkpoint is exact once the generator is paused: it saves the position after every batch
 * Kafka acknowledged, and the next batch waits for that save, so people {@code 0..position-1} are
 * in Kafka and no other.
 */
final class FakerStream {
  private static final String GROUP = "persister-" + Topics.FAKER;

  private final CqlSession session;
  private final Admin admin;
  private final SiloCluster silos;

  FakerStream(CqlSession session, Admin admin, SiloCluster silos) {
    this.session = session;
    this.admin = admin;
    this.silos = silos;
  }

  /** The generator's saved position (people published), 0 before its first save. */
  long position() {
    Row row =
        session
            .execute(
                SimpleStatement.newInstance(
                        "SELECT position FROM kafkapipeline.source_checkpoints WHERE source = 'faker'")
                    .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM)
                    .setTimeout(Duration.ofSeconds(10)))
            .one();
    return row == null ? 0 : row.getLong("position");
  }

  /**
   * The position, or -1 while Cassandra cannot answer at LOCAL_QUORUM (a fault test kills a node).
   */
  long positionOrMinusOne() {
    try {
      return position();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** The position, once Cassandra answers (right after a restart it may fail reads). */
  long awaitAnsweredPosition() {
    long[] p = {-1};
    Await.until(
        Duration.ofSeconds(60),
        () -> (p[0] = positionOrMinusOne()) >= 0,
        () -> "Cassandra does not answer");
    return p[0];
  }

  void awaitPosition(long atLeast, Duration timeout) {
    Await.until(
        timeout,
        () -> positionOrMinusOne() >= atLeast,
        () -> "the generator is at " + positionOrMinusOne() + ", waiting for " + atLeast);
  }

  /** Sets the generator's rate through the API of the first silo that is up; 0 pauses it. */
  void setRate(int perSecond) {
    AssertionError last = new AssertionError("no silo is running");
    for (int i = 0; i < silos.size(); i++) {
      if (!silos.isAlive(i)) continue;
      SiloHttp.Response r;
      try {
        r =
            SiloHttp.send(
                silos.api(i), "PUT", "/api/sources/faker/rate", "{\"rate\":" + perSecond + "}");
      } catch (AssertionError unreachable) { // a silo cut off from the test, not yet exited
        last = unreachable;
        continue;
      }
      assertEquals(200, r.status(), "PUT rate " + perSecond + ": " + r.body());
      return;
    }
    throw last;
  }

  /**
   * Pauses the generator and returns its final position: once the API says paused and the saved
   * position has not moved for four polls in a row (about 2 s; a batch in flight is saved within
   * milliseconds). Should it still move later, the exact row check that follows fails.
   */
  long pause() {
    setRate(0);
    long[] last = {-2};
    int[] unchanged = {0};
    Await.until(
        Duration.ofSeconds(60),
        () -> {
          long now = positionOrMinusOne();
          unchanged[0] = now >= 0 && now == last[0] ? unchanged[0] + 1 : 0;
          last[0] = now;
          return unchanged[0] >= 4 && "paused".equals(generatorState());
        },
        () -> "the generator did not settle: position " + last[0] + ", state " + generatorState());
    return last[0];
  }

  /** The generator's state as {@code GET /api/sources} of the first silo that is up says it. */
  String generatorState() {
    for (int i = 0; i < silos.size(); i++) {
      if (!silos.isAlive(i)) continue;
      try {
        for (var s : SiloHttp.get(silos.api(i), "/api/sources").body()) {
          if ("faker".equals(s.path("name").asText())) return s.path("state").asText();
        }
      } catch (AssertionError unreachable) {
        // a silo cut off from the test: ask the next
      }
    }
    return "unknown";
  }

  /**
   * Per partition of topic faker: {end offset, committed offset of the persisters' group or -1}.
   */
  Map<TopicPartition, long[]> offsets() {
    try {
      List<TopicPartition> partitions =
          admin
              .describeTopics(List.of(Topics.FAKER))
              .allTopicNames()
              .get()
              .get(Topics.FAKER)
              .partitions()
              .stream()
              .map(p -> new TopicPartition(Topics.FAKER, p.partition()))
              .toList();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicPartition tp : partitions) latest.put(tp, OffsetSpec.latest());
      var ends = admin.listOffsets(latest).all().get();
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, long[]> out =
          new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata c = committed.get(tp);
        out.put(tp, new long[] {ends.get(tp).offset(), c == null ? -1 : c.offset()});
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError("cannot read the offsets of topic faker", e);
    }
  }

  /** Records in topic faker: every event published, a repeated one (after a crash) twice. */
  long records() {
    return offsets().values().stream().mapToLong(o -> o[0]).sum();
  }

  /**
   * Records of topic faker the persisters have committed: rows known to be in Cassandra, since an
   * offset is committed only after its rows are written.
   */
  long committed() {
    return offsets().values().stream().mapToLong(o -> Math.max(0, o[1])).sum();
  }

  /**
   * Waits until every partition is committed up to its end: every record read and its row written.
   */
  void awaitAllCommitted(Duration timeout) {
    Await.until(
        timeout,
        () -> offsets().values().stream().allMatch(o -> o[0] == o[1]),
        () -> "end/committed offsets of " + GROUP + ": " + describe(offsets()));
  }

  private static String describe(Map<TopicPartition, long[]> offsets) {
    StringBuilder out = new StringBuilder();
    offsets.forEach(
        (tp, o) ->
            out.append(' ')
                .append(tp.partition())
                .append('=')
                .append(o[0])
                .append('/')
                .append(o[1]));
    return out.toString().strip();
  }
}
