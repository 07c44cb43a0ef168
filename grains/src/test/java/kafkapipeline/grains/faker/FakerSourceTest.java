package kafkapipeline.grains.faker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import kafkapipeline.api.FakePerson;
import kafkapipeline.api.Topics;
import kafkapipeline.api.grains.FakerProtocol;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.CheckpointStore;
import kafkapipeline.grains.kafka.EventPublisher;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The source's behaviour against in-memory stand-ins for Kafka and Cassandra. */
class FakerSourceTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Records what it is asked to publish; fails the first {@code failures} calls. */
  static final class RecordingPublisher implements EventPublisher {
    final List<String> keys = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger failuresLeft;

    RecordingPublisher(int failures) {
      this.failuresLeft = new AtomicInteger(failures);
    }

    @Override
    public CompletionStage<Void> publish(String topic, List<KeyedRecord> records) {
      assertEquals(Topics.FAKER, topic);
      if (failuresLeft.getAndDecrement() > 0) {
        // Some records reached the broker before the failure: they will be sent again.
        keys.add(records.get(0).key());
        return CompletableFuture.failedFuture(new RuntimeException("broker unavailable"));
      }
      records.forEach(r -> keys.add(r.key()));
      return CompletableFuture.completedFuture(null);
    }
  }

  static final class MemoryCheckpoints implements CheckpointStore {
    final Map<String, Checkpoint> saved = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Optional<Checkpoint>> load(String source) {
      return CompletableFuture.completedFuture(Optional.ofNullable(saved.get(source)));
    }

    @Override
    public CompletionStage<Void> save(String source, Checkpoint checkpoint) {
      saved.put(source, checkpoint);
      return CompletableFuture.completedFuture(null);
    }
  }

  private static FakerSettings settings(double rate, long limit, long seed) {
    return new FakerSettings(rate, limit, OptionalLong.of(seed), Duration.ofMillis(20));
  }

  private static FakerProtocol.Status awaitState(
      ActorRef<FakerProtocol.Command> source, String state) {
    TestProbe<FakerProtocol.Status> probe = testKit.createTestProbe();
    return probe.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          source.tell(new FakerProtocol.GetStatus(probe.getRef()));
          FakerProtocol.Status s = probe.receiveMessage();
          assertEquals(state, s.state(), s.toString());
          return s;
        });
  }

  private static Set<String> expectedKeys(long seed, long from, long to) {
    Set<String> keys = new HashSet<>();
    for (long pos = from; pos < to; pos++) keys.add(FakePerson.idFor(seed, pos).toString());
    return keys;
  }

  @Test
  void producesExactlyTheLimitAndCheckpointsTheEnd() {
    RecordingPublisher publisher = new RecordingPublisher(0);
    MemoryCheckpoints checkpoints = new MemoryCheckpoints();
    PipelineMetrics metrics = new PipelineMetrics();
    ActorRef<FakerProtocol.Command> source =
        testKit.spawn(
            FakerSource.create(settings(20_000, 1_500, 5), publisher, checkpoints, metrics));

    FakerProtocol.Status done = awaitState(source, "finished");

    assertEquals(1_500, done.nextPosition());
    assertEquals(1_500, publisher.keys.size());
    assertEquals(expectedKeys(5, 0, 1_500), new HashSet<>(publisher.keys));
    assertEquals(
        new CheckpointStore.Checkpoint(5, 1_500), checkpoints.saved.get(FakerSource.SOURCE));
    assertEquals(1_500, metrics.get(PipelineMetrics.PRODUCED, Topics.FAKER));
    testKit.stop(source);
  }

  @Test
  void resumesFromTheCheckpointWithItsSeed() {
    RecordingPublisher publisher = new RecordingPublisher(0);
    MemoryCheckpoints checkpoints = new MemoryCheckpoints();
    checkpoints.saved.put(FakerSource.SOURCE, new CheckpointStore.Checkpoint(77, 400));
    ActorRef<FakerProtocol.Command> source =
        testKit.spawn(
            FakerSource.create(
                settings(20_000, 600, 1), publisher, checkpoints, new PipelineMetrics()));

    awaitState(source, "finished");

    assertEquals(expectedKeys(77, 400, 600), new HashSet<>(publisher.keys));
    assertEquals(200, publisher.keys.size());
    testKit.stop(source);
  }

  @Test
  void aFailedPublishIsCountedAndRetriedFromTheSamePosition() {
    RecordingPublisher publisher = new RecordingPublisher(2);
    MemoryCheckpoints checkpoints = new MemoryCheckpoints();
    PipelineMetrics metrics = new PipelineMetrics();
    ActorRef<FakerProtocol.Command> source =
        testKit.spawn(FakerSource.create(settings(5_000, 300, 2), publisher, checkpoints, metrics));

    FakerProtocol.Status done = awaitState(source, "finished");

    assertEquals(expectedKeys(2, 0, 300), new HashSet<>(publisher.keys));
    assertEquals(2, metrics.get(PipelineMetrics.PUBLISH_FAILURES, Topics.FAKER));
    assertEquals(300, metrics.get(PipelineMetrics.PRODUCED, Topics.FAKER));
    assertNotNull(done.lastError());
    assertTrue(done.lastError().contains("broker unavailable"), done.lastError());
    testKit.stop(source);
  }

  @Test
  void rateZeroPausesAndANewRateResumes() throws InterruptedException {
    RecordingPublisher publisher = new RecordingPublisher(0);
    ActorRef<FakerProtocol.Command> source =
        testKit.spawn(
            FakerSource.create(
                settings(0, 0, 3), publisher, new MemoryCheckpoints(), new PipelineMetrics()));
    awaitState(source, "paused");
    Thread.sleep(200); // several ticks
    assertEquals(0, publisher.keys.size());

    TestProbe<FakerProtocol.Status> probe = testKit.createTestProbe();
    source.tell(new FakerProtocol.SetRate(500, probe.getRef()));
    assertEquals(500, probe.receiveMessage().ratePerSecond());
    probe.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          assertTrue(publisher.keys.size() >= 50, "published " + publisher.keys.size());
          return null;
        });
    testKit.stop(source);
  }
}
