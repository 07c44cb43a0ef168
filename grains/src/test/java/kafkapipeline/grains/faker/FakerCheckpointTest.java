package kafkapipeline.grains.faker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import kafkapipeline.api.FakePerson;
import kafkapipeline.api.Topics;
import kafkapipeline.api.grains.FakerProtocol;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.CheckpointStore;
import kafkapipeline.grains.cassandra.CheckpointStore.Checkpoint;
import kafkapipeline.grains.kafka.EventPublisher;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint guarantee of {@link FakerSource}: the next position is saved only after Kafka
 * acknowledged the batch before it, a failed save is repeated until it holds, and the saved
 * position always equals what was acknowledged.
 *
 * <p>Time is {@link ManualTime}: a tick happens only when the test lets time pass. Status round
 * trips after it prove the actor handled it and the messages it sent itself (publish acknowledged,
 * checkpoint saved: one round trip per step of that chain), so "nothing happened" is checked
 * exactly, without sleeps.
 */
class FakerCheckpointTest {
  private static final Duration TICK = Duration.ofMillis(100);
  private static final long SEED = 11;
  // 1,000 per second over 100 ms ticks: a batch sent one tick after the last is 100 people.
  private static final int BATCH = 100;

  private static final ActorTestKit testKit =
      ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
  private static final ManualTime time = ManualTime.get(testKit.system());
  private static final TestProbe<FakerProtocol.Status> probe = testKit.createTestProbe();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** One publish call, acknowledged (or failed) only when the test says so. */
  record Call(List<String> keys, CompletableFuture<Void> ack) {}

  /** A publisher whose futures the test completes; every call is queued for the test to take. */
  static final class ControlledPublisher implements EventPublisher {
    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    // positions up to here are acknowledged: what a save may cover at most
    final AtomicLong acknowledged = new AtomicLong();

    @Override
    public CompletionStage<Void> publish(String topic, List<KeyedRecord> records) {
      assertEquals(Topics.FAKER, topic);
      Call call =
          new Call(records.stream().map(KeyedRecord::key).toList(), new CompletableFuture<>());
      calls.add(call);
      return call.ack();
    }

    Call take() throws InterruptedException {
      Call c = calls.poll(10, TimeUnit.SECONDS);
      assertNotNull(c, "no publish call");
      return c;
    }

    void ack(Call c, long upTo) {
      acknowledged.set(upTo);
      c.ack().complete(null);
    }
  }

  /** A publisher that acknowledges at once, counting what it acknowledged. */
  static final class AckingPublisher implements EventPublisher {
    final List<String> keys = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public CompletionStage<Void> publish(String topic, List<KeyedRecord> records) {
      records.forEach(r -> keys.add(r.key()));
      return CompletableFuture.completedFuture(null);
    }
  }

  /**
   * Keeps one checkpoint in memory; records every save attempt; fails the attempts whose (0-based)
   * numbers are in {@code failing}. With an {@code acknowledged} counter it refuses, as a test
   * failure, any save of a position Kafka has not acknowledged yet.
   */
  static final class MemoryCheckpoints implements CheckpointStore {
    final List<Checkpoint> attempts = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<Integer> failing;
    final AtomicLong acknowledged;
    final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile Checkpoint saved;

    MemoryCheckpoints(AtomicLong acknowledged, Integer... failing) {
      this.acknowledged = acknowledged;
      this.failing = List.of(failing);
    }

    @Override
    public CompletionStage<Optional<Checkpoint>> load(String source) {
      return CompletableFuture.completedFuture(Optional.ofNullable(saved));
    }

    @Override
    public CompletionStage<Void> save(String source, Checkpoint checkpoint) {
      int attempt = attempts.size();
      attempts.add(checkpoint);
      if (acknowledged != null && checkpoint.position() > acknowledged.get()) {
        violations.add(
            "saved " + checkpoint + " with only " + acknowledged.get() + " acknowledged");
      }
      if (failing.contains(attempt))
        return CompletableFuture.failedFuture(new RuntimeException("cassandra timeout"));
      saved = checkpoint;
      return CompletableFuture.completedFuture(null);
    }
  }

  private static FakerSettings settings(long limit) {
    return new FakerSettings(1_000, limit, OptionalLong.of(SEED), TICK);
  }

  /**
   * The status once the actor handled everything sent to it before, and the messages those sent to
   * itself: a tick's {@code Published}, and that one's {@code CheckpointSaved}.
   */
  private static FakerProtocol.Status status(ActorRef<FakerProtocol.Command> source) {
    FakerProtocol.Status s = null;
    for (int i = 0; i < 3; i++) {
      source.tell(new FakerProtocol.GetStatus(probe.getRef()));
      s = probe.receiveMessage(Duration.ofSeconds(10));
    }
    return s;
  }

  /** Waits until the checkpoint is loaded (the first tick then publishes). */
  private static void awaitRunning(ActorRef<FakerProtocol.Command> source) {
    probe.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          source.tell(new FakerProtocol.GetStatus(probe.getRef()));
          assertEquals("running", probe.receiveMessage().state());
          return null;
        });
  }

  /** Lets one tick pass and waits until the source handled it. */
  private static FakerProtocol.Status tick(ActorRef<FakerProtocol.Command> source) {
    time.timePasses(TICK);
    return status(source);
  }

  private static List<String> keys(long from, long to) {
    List<String> keys = new ArrayList<>();
    for (long pos = from; pos < to; pos++) keys.add(FakePerson.idFor(SEED, pos).toString());
    return keys;
  }

  @Test
  void theCheckpointMovesOnlyWhenKafkaAcknowledgesAndThenToExactlyTheBatchEnd() throws Exception {
    ControlledPublisher publisher = new ControlledPublisher();
    MemoryCheckpoints checkpoints = new MemoryCheckpoints(publisher.acknowledged);
    PipelineMetrics metrics = new PipelineMetrics();
    ActorRef<FakerProtocol.Command> source =
        testKit.spawn(FakerSource.create(settings(0), publisher, checkpoints, metrics));
    awaitRunning(source);

    tick(source);
    Call first = publisher.take();
    assertEquals(keys(0, BATCH), first.keys());
    // While Kafka has not answered: more ticks, no second batch, no save, position unchanged.
    for (int i = 0; i < 5; i++) assertEquals(0, tick(source).nextPosition());
    assertEquals(List.of(), checkpoints.attempts);
    assertEquals(0, publisher.calls.size());
    assertEquals(0, metrics.get(PipelineMetrics.PRODUCED, Topics.FAKER));

    publisher.ack(first, BATCH);
    FakerProtocol.Status afterAck = status(source);
    assertEquals(BATCH, afterAck.nextPosition());
    assertNotNull(afterAck.lastPublished());
    assertEquals(List.of(new Checkpoint(SEED, BATCH)), checkpoints.attempts);
    assertEquals(new Checkpoint(SEED, BATCH), checkpoints.saved);

    // A failed publish moves nothing, and the same positions are published again. The rate's
    // tokens filled during the 5 ticks in flight: this batch carries 6 ticks' worth.
    tick(source);
    Call second = publisher.take();
    assertEquals(keys(BATCH, 7 * BATCH), second.keys());
    second.ack().completeExceptionally(new RuntimeException("broker unavailable"));
    FakerProtocol.Status afterFailure = status(source);
    assertEquals(BATCH, afterFailure.nextPosition());
    assertTrue(afterFailure.lastError().contains("broker unavailable"), afterFailure.lastError());
    assertEquals(List.of(new Checkpoint(SEED, BATCH)), checkpoints.attempts);
    assertEquals(new Checkpoint(SEED, BATCH), checkpoints.saved);
    assertEquals(1, metrics.get(PipelineMetrics.PUBLISH_FAILURES, Topics.FAKER));

    tick(source);
    Call retry = publisher.take();
    assertEquals(keys(BATCH, 2 * BATCH), retry.keys());
    // 2 s in flight: the next batch carries one second's worth (1,000 people), not two.
    for (int i = 0; i < 20; i++) tick(source);
    publisher.ack(retry, 2 * BATCH);
    assertEquals(2 * BATCH, status(source).nextPosition());
    tick(source);
    Call third = publisher.take();
    assertEquals(keys(2 * BATCH, 2 * BATCH + 1_000), third.keys());
    publisher.ack(third, 2 * BATCH + 1_000);
    assertEquals(2 * BATCH + 1_000, status(source).nextPosition());
    assertEquals(
        List.of(
            new Checkpoint(SEED, BATCH),
            new Checkpoint(SEED, 2 * BATCH),
            new Checkpoint(SEED, 2 * BATCH + 1_000)),
        checkpoints.attempts);
    assertEquals(new Checkpoint(SEED, 2 * BATCH + 1_000), checkpoints.saved);
    assertEquals(2 * BATCH + 1_000, metrics.get(PipelineMetrics.PRODUCED, Topics.FAKER));
    assertEquals(List.of(), checkpoints.violations);
    testKit.stop(source);
  }

  @Test
  void aFailedSaveIsRepeatedBeforeTheNextBatch() {
    // While the save is retried (2 s) the rate's tokens fill: the next batch is the other 200.
    assertRecoversFromFailedSaves(
        new MemoryCheckpoints(null, 0),
        List.of(new Checkpoint(SEED, 100), new Checkpoint(SEED, 100), new Checkpoint(SEED, 300)));
  }

  @Test
  void aFailedSaveOfTheLastBatchIsRepeatedSoTheCheckpointReachesTheLimit() {
    assertRecoversFromFailedSaves(
        new MemoryCheckpoints(null, 2),
        List.of(
            new Checkpoint(SEED, 100),
            new Checkpoint(SEED, 200),
            new Checkpoint(SEED, 300),
            new Checkpoint(SEED, 300)));
  }

  /**
   * Produces 300 people in batches against {@code checkpoints}, whose failing attempts are set,
   * until the limit is reached and the source is idle; then exactly 300 were published, once each,
   * and the saved checkpoint is exactly 300, the attempts exactly {@code expectedAttempts}.
   */
  private void assertRecoversFromFailedSaves(
      MemoryCheckpoints checkpoints, List<Checkpoint> expectedAttempts) {
    AckingPublisher publisher = new AckingPublisher();
    ActorRef<FakerProtocol.Command> source =
        testKit.spawn(
            FakerSource.create(settings(300), publisher, checkpoints, new PipelineMetrics()));
    awaitRunning(source);

    // At most 100 ticks of virtual time (10 s; a retried save waits FakerSource.RETRY_DELAY, 2 s).
    FakerProtocol.Status s = status(source);
    for (int i = 0;
        i < 100
            && !(s.state().equals("finished")
                && expectedAttempts.size() == checkpoints.attempts.size());
        i++) {
      s = tick(source);
    }
    assertEquals("finished", s.state(), s.toString());
    assertNotNull(s.lastError(), "the failed save is reported");
    assertTrue(s.lastError().contains("cassandra timeout"), s.lastError());
    assertEquals(keys(0, 300), publisher.keys);
    assertEquals(new Checkpoint(SEED, 300), checkpoints.saved);
    // Idle: more time passes, nothing more is saved or published.
    for (int i = 0; i < 10; i++) tick(source);
    assertEquals(expectedAttempts, checkpoints.attempts);
    assertEquals(300, publisher.keys.size());

    // A restart resumes exactly after the last published person.
    AckingPublisher next = new AckingPublisher();
    ActorRef<FakerProtocol.Command> restarted =
        testKit.spawn(FakerSource.create(settings(400), next, checkpoints, new PipelineMetrics()));
    awaitRunning(restarted);
    tick(restarted);
    assertEquals(keys(300, 400), next.keys);
    testKit.stop(source);
    testKit.stop(restarted);
  }

  @Test
  void withoutFailuresTheStatusHasNoError() {
    MemoryCheckpoints checkpoints = new MemoryCheckpoints(null);
    ActorRef<FakerProtocol.Command> source =
        testKit.spawn(
            FakerSource.create(
                settings(100), new AckingPublisher(), checkpoints, new PipelineMetrics()));
    awaitRunning(source);
    FakerProtocol.Status s = tick(source);
    assertEquals("finished", s.state());
    assertNull(s.lastError());
    assertEquals(List.of(new Checkpoint(SEED, 100)), checkpoints.attempts);
  }
}
