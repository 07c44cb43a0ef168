package kafkapipeline.grains.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.grains.PersisterProtocol;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.DeadLetterStore.DeadLetter;
import kafkapipeline.grains.profile.GrainProfile;
import kafkapipeline.grains.profile.GrainProfiler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.kafka.ConsumerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The persister's consume-write-commit flow, whole, without servers: the real {@link
 * TopicPersister} stream (Pekko Connectors Kafka's committable source, batching, triage, commits,
 * restarts, the rebalance drain) over Kafka's {@code MockConsumer} ({@link FakeKafka}), an
 * in-memory row writer the test can hold, fail or make reject a row, and an in-memory dead-letter
 * store.
 *
 * <p>Every commit is checked when it is made: each record before the committed offset must by then
 * be a written row, a saved dead letter or a tombstone. Waiting is on conditions (records written,
 * offsets committed, consumer polls counted), never on sleeps.
 */
class TopicPersisterTest {
  private static final String TOPIC = "memtopic";
  private static final String TABLE = "memtable";
  private static final int MAX_RECORD_BYTES = 64;

  private static final PersisterProtocol.RewindId REWIND =
      new PersisterProtocol.RewindId("rewind-1", "127.0.0.1:2551");
  private static final PersisterProtocol.RewindId OTHER =
      new PersisterProtocol.RewindId("rewind-2", "127.0.0.1:2552");

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A row statement that only carries its record's key (nothing but the writer looks at it). */
  private static BoundStatement row(String key) {
    InvocationHandler carrier =
        (proxy, method, args) ->
            switch (method.getName()) {
              case "toString" -> "row " + key;
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> throw new UnsupportedOperationException(method.getName());
            };
    return (BoundStatement)
        Proxy.newProxyInstance(
            TopicPersisterTest.class.getClassLoader(),
            new Class<?>[] {BoundStatement.class},
            new RowKey(key, carrier));
  }

  /** The handler of a {@link #row}, by which the writer reads the key back. */
  private record RowKey(String key, InvocationHandler delegate) implements InvocationHandler {
    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args)
        throws Throwable {
      return delegate.invoke(proxy, method, args);
    }
  }

  private static String keyOf(Statement<?> statement) {
    return ((RowKey) Proxy.getInvocationHandler(statement)).key();
  }

  /** Values starting with "poison" cannot become rows; everything else is a row of its key. */
  static final class MemoryMapper implements RowMapper {
    @Override
    public String table() {
      return TABLE;
    }

    @Override
    public BoundStatement toStatement(String key, byte[] value, long writeTime) {
      String text = new String(value, StandardCharsets.UTF_8);
      if (text.startsWith("poison")) throw new MalformedEventException("not a row: " + text);
      return row(key);
    }
  }

  /**
   * Writes rows into a list. Writes wait while {@link #hold} is incomplete; the first {@code
   * failures} calls fail as a cluster failure would (after the retries); keys in {@link #reject}
   * come back rejected for good.
   */
  static final class MemoryRows implements RowSink {
    final List<String> written = new CopyOnWriteArrayList<>();
    final Set<String> reject = ConcurrentHashMap.newKeySet();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger failuresLeft = new AtomicInteger();
    volatile CompletableFuture<Void> hold = CompletableFuture.completedFuture(null);

    @Override
    public CompletionStage<List<RowWriter.Rejected>> writeAll(
        String table, List<? extends Statement<?>> statements) {
      assertEquals(TABLE, table);
      calls.incrementAndGet();
      boolean fail = failuresLeft.getAndDecrement() > 0;
      return hold.thenApply(
          released -> {
            if (fail) throw new IllegalStateException("write timed out after 3 attempts");
            List<RowWriter.Rejected> rejected = new ArrayList<>();
            for (int i = 0; i < statements.size(); i++) {
              String key = keyOf(statements.get(i));
              if (reject.contains(key)) rejected.add(new RowWriter.Rejected(i, "bad cell " + key));
              else written.add(key);
            }
            return rejected;
          });
    }
  }

  static final class MemoryDeadLetters implements DeadLetterSink {
    final Map<String, DeadLetter> saved = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> save(DeadLetter d) {
      // Keyed as the table is: saving a replayed record again keeps one entry.
      saved.put(d.partition() + "/" + d.offset(), d);
      return CompletableFuture.completedFuture(null);
    }
  }

  /** A persister over {@code kafka} and the in-memory stores, and the commit check they share. */
  private static final class Rig {
    final MemoryRows rows = new MemoryRows();
    final MemoryDeadLetters deadLetters = new MemoryDeadLetters();
    final PipelineMetrics metrics = new PipelineMetrics();
    final FakeKafka kafka;
    ActorRef<PersisterProtocol.Command> persister;

    Rig(int partitions) {
      kafka = new FakeKafka(TOPIC, partitions, this::unsettledBefore);
    }

    /** Null if every record of the partition before {@code offset} is settled, else which not. */
    String unsettledBefore(int partition, long offset) {
      for (ConsumerRecord<String, byte[]> r : kafka.log.get(partition)) {
        if (r.offset() >= offset) break;
        boolean settled =
            r.value() == null
                || rows.written.contains(r.key())
                || deadLetters.saved.containsKey(partition + "/" + r.offset());
        if (!settled)
          return "committed " + partition + "=" + offset + " before " + r.key() + " was settled";
      }
      return null;
    }

    void start(int batchSize) {
      start(batchSize, Duration.ofSeconds(5));
    }

    void start(int batchSize, Duration drainTimeout) {
      PersisterSettings settings =
          new PersisterSettings(
              batchSize,
              Duration.ofMillis(20),
              2,
              1,
              Duration.ofMillis(10),
              Duration.ofMillis(50),
              Duration.ofMillis(200),
              MAX_RECORD_BYTES,
              1,
              1_000,
              drainTimeout,
              PersisterSettings.WriteTimes.OFFSET);
      ConsumerSettings<String, byte[]> consumer =
          ConsumerSettings.create(
                  testKit.system(), new StringDeserializer(), new ByteArrayDeserializer())
              .withGroupId("persister-test")
              .withBootstrapServers("unused:9092")
              .withStopTimeout(Duration.ZERO)
              .withCloseTimeout(Duration.ofMillis(500))
              .withConsumerFactory(s -> kafka.newConsumer());
      persister =
          testKit.spawn(
              TopicPersister.create(
                  TOPIC, new MemoryMapper(), rows, deadLetters, settings, consumer, metrics));
    }

    PersisterProtocol.Status status() {
      TestProbe<PersisterProtocol.Status> probe = testKit.createTestProbe();
      persister.tell(new PersisterProtocol.GetStatus(probe.getRef()));
      return probe.receiveMessage(Duration.ofSeconds(30));
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(30),
        Duration.ofMillis(10),
        () -> {
          assertTrue(condition.getAsBoolean(), what);
          return null;
        });
  }

  /** Whether the thread waits in {@link DrainTracker#revoke} (for rows to be written). */
  private static boolean inDrain(Thread thread) {
    StackTraceElement[] stack = thread.getStackTrace();
    if (thread.getState() != Thread.State.TIMED_WAITING) {
      return false;
    }
    for (StackTraceElement frame : stack) {
      if (frame.getClassName().equals(DrainTracker.class.getName())
          && frame.getMethodName().equals("revoke")) return true;
    }
    return false;
  }

  @Test
  void goodRecordsBecomeRowsTheRestDeadLettersAndOffsetsAreCommittedOnlyAfterThem() {
    Rig rig = new Rig(2);
    FakeKafka kafka = rig.kafka;
    kafka.append(0, "a0", "good");
    kafka.append(0, "a1", "poison pill");
    kafka.append(0, "a2", "x".repeat(MAX_RECORD_BYTES + 1));
    kafka.append(0, "a3", "good");
    kafka.append(1, "b0", "good");
    kafka.append(1, "b1", null); // a tombstone
    kafka.append(1, "b2", "good, but Cassandra rejects its row");
    kafka.append(1, "b3", "good");
    kafka.append(1, "b4", "whatever", "not a usable change");
    rig.rows.reject.add("b2");
    rig.rows.hold = new CompletableFuture<>();
    rig.start(100);

    // While the rows are not written, the consumer goes on polling and nothing is committed.
    await("a write", () -> rig.rows.calls.get() > 0);
    long polled = kafka.polls.get();
    await("10 more polls", () -> kafka.polls.get() >= polled + 10);
    assertEquals(List.of(), kafka.commits);
    assertEquals(List.of(), rig.rows.written);
    long batchesBefore = writtenBatches();
    rig.rows.hold.complete(null);

    await("both partitions committed", () -> kafka.committed(0) == 4 && kafka.committed(1) == 5);
    assertEquals(List.of(), kafka.violations);
    // The held batch is timed in the persister's profile once it is written (the profiler is the
    // JVM's, shared with the other tests here: counted as more, not as an exact number).
    await("the batch in the profile", () -> writtenBatches() > batchesBefore);
    assertEquals(
        List.of("a0", "a3"), rig.rows.written.stream().filter(k -> k.startsWith("a")).toList());
    assertEquals(
        List.of("b0", "b3"), rig.rows.written.stream().filter(k -> k.startsWith("b")).toList());
    assertEquals(4, rig.rows.written.size());
    Map<String, DeadLetter> dead = rig.deadLetters.saved;
    assertEquals(Set.of("0/1", "0/2", "1/2", "1/4"), dead.keySet());
    assertEquals("MalformedEventException", dead.get("0/1").errorClass());
    assertEquals("not a row: poison pill", dead.get("0/1").error());
    assertEquals(BatchTriage.RECORD_TOO_LARGE, dead.get("0/2").errorClass());
    assertEquals("RejectedByCassandra", dead.get("1/2").errorClass());
    assertEquals("rejected by Cassandra: bad cell b2", dead.get("1/2").error());
    assertEquals(BatchTriage.SOURCE_DEAD_LETTER, dead.get("1/4").errorClass());
    assertEquals("not a usable change", dead.get("1/4").error());
    assertEquals("b4", dead.get("1/4").key());
    assertEquals("whatever", new String(dead.get("1/4").payload(), StandardCharsets.UTF_8));
    assertEquals(4, rig.metrics.get(PipelineMetrics.ROWS_WRITTEN, TABLE));
    assertEquals(4, rig.metrics.get(PipelineMetrics.DEAD_LETTERS, TOPIC));
    assertEquals(3, rig.metrics.get(PipelineMetrics.MALFORMED_RECORDS, TOPIC));
    assertEquals(1, rig.metrics.get(PipelineMetrics.TOMBSTONES_SKIPPED, TOPIC));
    assertEquals(0, rig.status().restarts());
    assertEquals(1, kafka.consumers.size());
    testKit.stop(rig.persister);
  }

  /** The persisters' StreamFailed entry in the JVM's profiler (zeros before the first). */
  private static GrainProfile.Entry streamFailed() {
    return GrainProfiler.global().snapshot().grains().stream()
        .filter(e -> e.grain().equals(TopicPersister.GRAIN_TYPE))
        .filter(e -> e.message().equals("StreamFailed"))
        .findFirst()
        .orElse(
            new GrainProfile.Entry(TopicPersister.GRAIN_TYPE, "StreamFailed", 0, 0, 0, List.of()));
  }

  @Test
  void aFailedWriteRestartsTheConsumerFromTheLastCommitAndNothingIsCommittedPastIt() {
    Rig rig = new Rig(1);
    FakeKafka kafka = rig.kafka;
    for (int i = 0; i < 6; i++) kafka.append(0, "r" + i, "good");
    // Batches of 2 and 2 in flight at once: the first write fails while the second succeeds.
    rig.rows.failuresLeft.set(1);
    GrainProfile.Entry before = streamFailed();
    rig.start(2);

    await("all committed", () -> kafka.committed(0) == 6);
    assertEquals(List.of(), kafka.violations);
    PersisterProtocol.Status s = rig.status();
    assertEquals(1, s.restarts());
    // The status shows the restarted consumer's partition, everything written, nothing in flight.
    assertEquals(
        List.of(new PersisterProtocol.PartitionState(0, "owned", 0, 5, 5, 0)), s.partitions());
    assertTrue(s.lastError().contains("write timed out after 3 attempts"), s.lastError());
    assertEquals(1, rig.metrics.get(PipelineMetrics.CONSUMER_RESTARTS, TOPIC));
    // In the profile: one StreamFailed message handled, and it is a failure.
    GrainProfile.Entry after = streamFailed();
    assertEquals(before.messages() + 1, after.messages());
    assertEquals(before.failures() + 1, after.failures());
    assertEquals(2, kafka.consumers.size(), "the restarted stream made a new consumer");
    // The restarted consumer read again from the committed offset: every row is written at least
    // once; r0 and r1 only after the restart (their first write failed), and in order.
    List<String> written = List.copyOf(rig.rows.written);
    for (int i = 0; i < 6; i++) assertTrue(written.contains("r" + i), written.toString());
    assertEquals(
        List.of("r0", "r1", "r2", "r3", "r4", "r5"),
        written.subList(written.indexOf("r0"), written.size()).stream().distinct().toList());
    assertEquals(List.of(), List.copyOf(rig.deadLetters.saved.values()));
    testKit.stop(rig.persister);
  }

  @Test
  void aRevokedPartitionIsDrainedAndCommittedBeforeItIsHandedOn() {
    Rig rig = new Rig(2);
    FakeKafka kafka = rig.kafka;
    kafka.append(0, "a0", "good");
    kafka.append(1, "b0", "good");
    kafka.append(1, "b1", "good");
    rig.rows.hold = new CompletableFuture<>();
    rig.start(100);
    await("a write", () -> rig.rows.calls.get() > 0);

    // A rebalance takes partition 1 away while its rows are being written: the callback, on the
    // consumer's thread, must wait for them and commit past them before it returns.
    FakeKafka.Consumer consumer = kafka.consumers.get(0);
    CompletableFuture<Thread> revoking = new CompletableFuture<>();
    CompletableFuture<Void> revoked = new CompletableFuture<>();
    consumer.schedulePollTask(
        () -> {
          revoking.complete(Thread.currentThread());
          consumer.rebalance(List.of(kafka.tp(0)));
          revoked.complete(null);
        });
    Thread pollThread = revoking.join();
    // The writes go on only once the callback waits for them (the drain has begun): a commit the
    // stream queued before that may still reach the consumer after the callback returned.
    await("the drain waiting", () -> inDrain(pollThread));
    assertEquals(List.of(), kafka.commits);
    assertTrue(!revoked.isDone(), "the callback returned before its rows were written");
    rig.rows.hold.complete(null);
    revoked.join();

    // When the callback returned, partition 1 was written and committed, synchronously.
    assertTrue(kafka.commits.contains("sync 1=2"), kafka.commits.toString());
    assertEquals(2, kafka.committed(1));
    assertTrue(rig.rows.written.containsAll(List.of("b0", "b1")), rig.rows.written.toString());
    await("partition 0 committed", () -> kafka.committed(0) == 1);
    assertEquals(List.of(), kafka.violations);
    assertEquals(1, rig.metrics.get(PipelineMetrics.PARTITIONS_DRAINED, TOPIC));
    assertEquals(0, rig.metrics.get(PipelineMetrics.DRAINS_INCOMPLETE, TOPIC));
    // Nothing of partition 1 is committed by the stream after the handover.
    assertEquals(List.of("sync 1=2", "async 0=1"), kafka.commits);
    testKit.stop(rig.persister);
  }

  @Test
  void aPauseDrainsAndLeavesTheGroupAndAResumeReadsFromTheMovedOffsets() {
    Rig rig = new Rig(2);
    FakeKafka kafka = rig.kafka;
    for (int i = 0; i < 3; i++) kafka.append(0, "a" + i, "good");
    for (int i = 0; i < 2; i++) kafka.append(1, "b" + i, "good");
    rig.rows.hold = new CompletableFuture<>();
    rig.start(100);
    await("a write", () -> rig.rows.calls.get() > 0);

    // Paused while its rows are being written: it answers only once they are written and
    // committed, and its consumer is closed (it left the group, so the offsets can be moved).
    TestProbe<PersisterProtocol.Paused> paused = testKit.createTestProbe();
    rig.persister.tell(new PersisterProtocol.Pause(paused.getRef(), REWIND, 60_000));
    paused.expectNoMessage(Duration.ofMillis(300));
    assertEquals(List.of(), kafka.commits);
    rig.rows.hold.complete(null);
    PersisterProtocol.Paused answer = paused.receiveMessage(Duration.ofSeconds(30));
    assertEquals(new PersisterProtocol.Paused(TOPIC, answer.silo(), true, null), answer);
    assertEquals(3, kafka.committed(0));
    assertEquals(2, kafka.committed(1));
    assertEquals(List.of(), kafka.violations);
    await("the consumer closed", () -> kafka.consumers.get(0).closed());
    PersisterProtocol.Status s = rig.status();
    assertEquals(PersisterProtocol.Phase.PAUSED, s.phase());
    assertEquals(List.of(), s.partitions());
    // A second pause of the same rewind (a retry) is answered at once.
    rig.persister.tell(new PersisterProtocol.Pause(paused.getRef(), REWIND, 60_000));
    assertTrue(paused.receiveMessage(Duration.ofSeconds(5)).drained());
    assertEquals(1, kafka.consumers.size(), "no consumer while paused");

    // The coordinator moves the group back (as alterConsumerGroupOffsets does), then resumes.
    kafka.committed.put(kafka.tp(0), 1L);
    kafka.committed.put(kafka.tp(1), 0L);
    int writtenBefore = rig.rows.written.size();
    PersisterProtocol.Rewound rewound =
        new PersisterProtocol.Rewound(
            java.time.Instant.now(),
            "offset 1",
            List.of(
                new PersisterProtocol.RewoundPartition(0, 1, 3),
                new PersisterProtocol.RewoundPartition(1, 0, 2)));
    TestProbe<PersisterProtocol.Resumed> resumed = testKit.createTestProbe();
    rig.persister.tell(new PersisterProtocol.Resume(resumed.getRef(), REWIND, rewound));
    assertEquals(TOPIC, resumed.receiveMessage(Duration.ofSeconds(30)).topic());
    await("committed to the ends again", () -> kafka.committed(0) == 3 && kafka.committed(1) == 2);
    // Exactly the records after the moved offsets are written again (a0 is before it).
    List<String> again =
        List.copyOf(rig.rows.written.subList(writtenBefore, rig.rows.written.size()));
    assertEquals(Set.of("a1", "a2", "b0", "b1"), Set.copyOf(again), again.toString());
    assertEquals(4, again.size(), again.toString());
    assertEquals(2, kafka.consumers.size(), "the resume made a new consumer");
    assertEquals(List.of(), kafka.violations);
    s = rig.status();
    assertEquals(PersisterProtocol.Phase.RUNNING, s.phase());
    assertEquals(rewound, s.lastRewind());
    // A resume of a running persister changes nothing.
    rig.persister.tell(new PersisterProtocol.Resume(resumed.getRef(), REWIND, null));
    resumed.receiveMessage(Duration.ofSeconds(5));
    assertEquals(2, kafka.consumers.size());
    assertEquals(rewound, rig.status().lastRewind());
    testKit.stop(rig.persister);
  }

  @Test
  void aPauseNeverResumedEndsByItselfAndAStopWhilePausedStops() {
    Rig rig = new Rig(1);
    FakeKafka kafka = rig.kafka;
    kafka.append(0, "r0", "good");
    rig.start(10);
    await("committed", () -> kafka.committed(0) == 1);
    TestProbe<PersisterProtocol.Paused> paused = testKit.createTestProbe();
    rig.persister.tell(new PersisterProtocol.Pause(paused.getRef(), REWIND, 300));
    assertTrue(paused.receiveMessage(Duration.ofSeconds(30)).drained());
    // No resume comes (the coordinator died): it resumes by itself, with a new consumer.
    await("resumed by itself", () -> kafka.consumers.size() == 2);
    await("running", () -> rig.status().phase() == PersisterProtocol.Phase.RUNNING);

    rig.persister.tell(new PersisterProtocol.Pause(paused.getRef(), REWIND, 60_000));
    paused.receiveMessage(Duration.ofSeconds(30));
    TestProbe<org.apache.pekko.Done> stopped = testKit.createTestProbe();
    rig.persister.tell(new PersisterProtocol.Stop(stopped.getRef()));
    stopped.receiveMessage(Duration.ofSeconds(30));
    stopped.expectTerminated(rig.persister, Duration.ofSeconds(5));
    assertEquals(2, kafka.consumers.size());
    assertEquals(List.of(), kafka.violations);
  }

  @Test
  void aPauseWhoseDrainNeverEndsStillResumesByItself() throws Exception {
    Rig rig = new Rig(1);
    FakeKafka kafka = rig.kafka;
    kafka.append(0, "r0", "good");
    rig.start(10, Duration.ofMillis(300));
    await("committed", () -> kafka.committed(0) == 1);
    // From now on the consumer hangs in a poll: neither its stop nor its close ever answers.
    FakeKafka.Consumer consumer = kafka.consumers.get(0);
    CompletableFuture<Void> stuck = new CompletableFuture<>();
    CompletableFuture<Void> release = new CompletableFuture<>();
    consumer.schedulePollTask(
        () -> {
          stuck.complete(null);
          release.join();
        });
    try {
      stuck.get(30, java.util.concurrent.TimeUnit.SECONDS);
      TestProbe<PersisterProtocol.Paused> paused = testKit.createTestProbe();
      rig.persister.tell(new PersisterProtocol.Pause(paused.getRef(), REWIND, 500));
      // The drain ends on its bound (not drained: its consumer did not close) ...
      PersisterProtocol.Paused answer = paused.receiveMessage(Duration.ofSeconds(30));
      assertTrue(!answer.drained(), answer.toString());
      // ... and, no resume coming, the persister resumes by itself with a new consumer.
      await("resumed by itself", () -> kafka.consumers.size() == 2);
      await("running", () -> rig.status().phase() == PersisterProtocol.Phase.RUNNING);
      kafka.append(0, "r1", "good");
      kafka
          .consumers
          .get(1)
          .schedulePollTask(() -> kafka.consumers.get(1).addRecord(kafka.log.get(0).get(1)));
      await("read on", () -> rig.rows.written.contains("r1"));
    } finally {
      release.complete(null);
    }
    testKit.stop(rig.persister);
  }

  @Test
  void aPersisterPausedForOneRewindRefusesAnothersPauseAndIgnoresItsResume() {
    Rig rig = new Rig(1);
    FakeKafka kafka = rig.kafka;
    kafka.append(0, "r0", "good");
    rig.rows.hold = new CompletableFuture<>();
    rig.start(10);
    await("a write", () -> rig.rows.calls.get() > 0);
    TestProbe<PersisterProtocol.Paused> paused = testKit.createTestProbe();
    TestProbe<PersisterProtocol.Paused> other = testKit.createTestProbe();
    TestProbe<PersisterProtocol.Resumed> resumed = testKit.createTestProbe();
    rig.persister.tell(new PersisterProtocol.Pause(paused.getRef(), REWIND, 60_000));
    await("pausing", () -> rig.status().phase() == PersisterProtocol.Phase.PAUSING);

    // While pausing for REWIND: another rewind's pause is answered busy at once, naming REWIND.
    rig.persister.tell(new PersisterProtocol.Pause(other.getRef(), OTHER, 60_000));
    PersisterProtocol.Paused busy = other.receiveMessage(Duration.ofSeconds(5));
    assertEquals(REWIND, busy.busyWith());
    rig.rows.hold.complete(null);
    assertEquals(null, paused.receiveMessage(Duration.ofSeconds(30)).busyWith());
    other.expectNoMessage(Duration.ofMillis(100));

    // Paused: the same again, and the other rewind's resume is ignored (it stays paused).
    rig.persister.tell(new PersisterProtocol.Pause(other.getRef(), OTHER, 60_000));
    assertEquals(REWIND, other.receiveMessage(Duration.ofSeconds(5)).busyWith());
    rig.persister.tell(new PersisterProtocol.Resume(resumed.getRef(), OTHER, null));
    assertTrue(!resumed.receiveMessage(Duration.ofSeconds(5)).resumed());
    assertEquals(PersisterProtocol.Phase.PAUSED, rig.status().phase());
    assertEquals(1, kafka.consumers.size(), "no consumer for the other rewind's resume");

    // Its own rewind's resume resumes it; then the other rewind may pause it.
    rig.persister.tell(new PersisterProtocol.Resume(resumed.getRef(), REWIND, null));
    assertTrue(resumed.receiveMessage(Duration.ofSeconds(5)).resumed());
    assertEquals(PersisterProtocol.Phase.RUNNING, rig.status().phase());
    await("a new consumer", () -> kafka.consumers.size() == 2);
    rig.persister.tell(new PersisterProtocol.Pause(other.getRef(), OTHER, 60_000));
    assertEquals(null, other.receiveMessage(Duration.ofSeconds(30)).busyWith());
    testKit.stop(rig.persister);
  }

  /** Batches the persisters of this JVM have written, as the grain profile counts them. */
  private static long writtenBatches() {
    return kafkapipeline.grains.profile.GrainProfiler.global().snapshot().grains().stream()
        .filter(e -> e.grain().equals(TopicPersister.GRAIN_TYPE))
        .filter(e -> e.message().equals("WriteBatch"))
        .mapToLong(e -> e.messages())
        .sum();
  }
}
