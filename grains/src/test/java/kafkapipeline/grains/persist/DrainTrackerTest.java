package kafkapipeline.grains.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import kafkapipeline.api.grains.PersisterProtocol;
import org.junit.jupiter.api.Test;

/**
 * The tracker against a model of a consumer group: a log per partition (offsets with gaps), a
 * consumer whose buffer still holds records fetched before a rebalance, batches written in order,
 * commits, graceful and timed-out revokes, lost partitions, and another member that reads what this
 * one gives up. Every operation order the generator makes must keep the rules.
 */
class DrainTrackerTest {
  private static final int PARTITIONS = 2;
  private static final Duration NO_WAIT = Duration.ZERO;

  @Test
  void anyInterleavingKeepsCommitsSafeAndAdmitsEachRecordOnceInOrder() {
    qt().withExamples(2_000)
        .forAll(integers().all(), lists().of(integers().between(0, 999)).ofSizeBetween(0, 400))
        .checkAssert((seed, ops) -> new Group(seed).run(ops));
  }

  @Test
  void aRecordBelowTheAssignedPositionOrOfAnUnownedPartitionIsDropped() {
    DrainTracker t = new DrainTracker();
    assertEquals(-1, t.admit(0, 5), "never assigned");
    t.assigned(Map.of(0, 10L));
    assertEquals(-1, t.admit(0, 9), "below the position");
    long epoch = t.admit(0, 10);
    assertTrue(epoch >= 0);
    assertEquals(-1, t.admit(0, 10), "twice");
    assertEquals(-1, t.admit(1, 10), "another partition");
  }

  @Test
  void theViewShowsEachOwnedPartitionWithWhatIsInFlight() {
    DrainTracker t = new DrainTracker();
    assertEquals(List.of(), t.view(), "nothing owned yet");
    t.assigned(Map.of(0, 10L, 1, 100L));
    long e0 = t.admit(0, 10);
    t.admit(0, 11);
    t.admit(0, 12);
    t.admit(1, 100);
    t.written(0, new DrainTracker.Progress(11, e0));
    assertEquals(
        List.of(
            new PersisterProtocol.PartitionState(0, "owned", 10, 12, 11, 1),
            new PersisterProtocol.PartitionState(1, "owned", 100, 100, 99, 1)),
        t.view());
    t.lost(List.of(1));
    assertEquals(List.of(0), t.view().stream().map(p -> p.partition()).toList(), "1 is lost");
  }

  @Test
  void aGracefulRevokeCommitsPastExactlyWhatWasAdmitted() throws Exception {
    DrainTracker t = new DrainTracker();
    t.assigned(Map.of(0, 0L, 1, 100L));
    long e0 = t.admit(0, 0);
    t.admit(0, 3);
    long e1 = t.admit(1, 100);
    t.written(0, new DrainTracker.Progress(0, e0));
    assertEquals(Map.of(0, 1L), t.toCommit(Map.of(0, new DrainTracker.Progress(0, e0))));
    // The revoke waits for the rest, written on another thread while it waits.
    AtomicReference<DrainTracker.Drained> drained = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    Thread consumer =
        new Thread(
            () -> {
              try {
                drained.set(t.revoke(List.of(0, 1), Duration.ofSeconds(30)));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              done.countDown();
            });
    consumer.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!t.owned().isEmpty() && System.nanoTime() < deadline) Thread.onSpinWait();
    assertEquals(Set.of(), t.owned(), "the revoke did not begin");
    assertEquals(-1, t.admit(0, 4), "nothing of a revoked partition enters after the revoke began");
    assertTrue(
        !done.await(50, TimeUnit.MILLISECONDS),
        "the revoke returned before the records were written");
    t.written(0, new DrainTracker.Progress(3, e0));
    t.written(1, new DrainTracker.Progress(100, e1));
    assertTrue(done.await(10, TimeUnit.SECONDS));
    assertEquals(Map.of(0, 4L, 1, 101L), drained.get().commit());
    assertEquals(Map.of(), drained.get().unwritten());
    assertEquals(
        Map.of(),
        t.toCommit(Map.of(0, new DrainTracker.Progress(3, e0))),
        "a late stream commit of a revoked partition");
  }

  @Test
  void aTimedOutRevokeCommitsOnlyWhatIsWrittenAndIgnoresLateWrites() throws Exception {
    DrainTracker t = new DrainTracker();
    t.assigned(Map.of(0, 0L));
    long e = t.admit(0, 0);
    t.admit(0, 1);
    t.written(0, new DrainTracker.Progress(0, e));
    DrainTracker.Drained drained = t.revoke(List.of(0), Duration.ofMillis(20));
    assertEquals(Map.of(0, 1L), drained.commit());
    assertEquals(Map.of(0, 1L), drained.unwritten());
    t.assigned(Map.of(0, 1L));
    t.written(0, new DrainTracker.Progress(1, e)); // the old epoch's batch, finishing late
    assertEquals(Map.of(), t.toCommit(Map.of(0, new DrainTracker.Progress(1, e))));
  }

  @Test
  void aStreamThatEndedReleasesAWaitingRevoke() throws Exception {
    DrainTracker t = new DrainTracker();
    t.assigned(Map.of(0, 0L));
    t.admit(0, 0);
    t.close();
    long started = System.nanoTime();
    DrainTracker.Drained drained = t.revoke(List.of(0), Duration.ofSeconds(30));
    assertTrue(System.nanoTime() - started < 5_000_000_000L, "waited for a stream that is gone");
    assertEquals(Map.of(), drained.commit());
    assertEquals(Map.of(0, 0L), drained.unwritten());
  }

  /** One consumer group: this member (the tracker under test) and "the others". */
  private static final class Group {
    private final Random random;
    private final DrainTracker tracker = new DrainTracker();
    private final Log[] logs = new Log[PARTITIONS];

    Group(int seed) {
      random = new Random(seed);
      for (int p = 0; p < PARTITIONS; p++) logs[p] = new Log(random);
    }

    void run(List<Integer> ops) {
      for (int p = 0; p < PARTITIONS; p++) logs[p].assign(p, tracker);
      for (int op : ops) {
        int p = op % PARTITIONS;
        Log log = logs[p];
        int kind = op / PARTITIONS % 20;
        if (kind < 9) log.deliver(p, tracker);
        else if (kind < 13) log.write(p, tracker, 1 + random.nextInt(3));
        else if (kind < 15) commit();
        else if (kind == 15) log.rebalance(p, tracker, true, true, random);
        else if (kind == 16) log.rebalance(p, tracker, true, false, random);
        else if (kind == 17)
          log.rebalance(p, tracker, random.nextInt(4) > 0, random.nextBoolean(), random);
        else if (kind == 18) log.lose(p, tracker, random);
        else log.assignIfFree(p, tracker);
      }
      for (int p = 0; p < PARTITIONS; p++) {
        Log log = logs[p];
        if (log.onlyGraceful)
          assertEquals(
              0, log.writtenTwice, "partition " + p + " written twice without a crash or timeout");
      }
    }

    private void commit() {
      Map<Integer, DrainTracker.Progress> pending = new HashMap<>();
      for (int p = 0; p < PARTITIONS; p++)
        if (logs[p].pending != null) pending.put(p, logs[p].pending);
      tracker.toCommit(pending).forEach((p, next) -> logs[p].commit(next, "stream commit"));
    }
  }

  /** One partition: its records, who reads it, what is written and committed. */
  private static final class Log {
    private final List<Long> offsets = new ArrayList<>();
    private final Random random;

    /** The group's committed offset (next to read). */
    long committed;

    boolean ours;

    /** Records fetched but not yet delivered to the stream (log indexes), oldest first. */
    final ArrayDeque<Integer> buffer = new ArrayDeque<>();

    /** Next index the live fetch delivers; -1 when this member does not fetch the partition. */
    int fetchNext = -1;

    /**
     * Index the next admitted record must have (the epoch's records are gap-free from the
     * position).
     */
    int expectedNext;

    long epoch = -1;
    final ArrayDeque<long[]> inFlight = new ArrayDeque<>(); // {index, epoch}
    DrainTracker.Progress pending;
    final Set<Integer> written = new HashSet<>();
    int writtenTwice;
    boolean onlyGraceful = true;
    int lastAdmitted = -1;

    Log(Random random) {
      this.random = random;
    }

    long offset(int index) {
      while (offsets.size() <= index) {
        long last = offsets.isEmpty() ? -1 : offsets.get(offsets.size() - 1);
        // Offsets with gaps, as compaction or transaction markers leave them.
        offsets.add(last + 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0));
      }
      return offsets.get(index);
    }

    int firstIndexAtOrAfter(long position) {
      int i = 0;
      while (offset(i) < position) i++;
      return i;
    }

    void assign(int p, DrainTracker tracker) {
      ours = true;
      tracker.assigned(Map.of(p, committed));
      fetchNext = firstIndexAtOrAfter(committed);
      expectedNext = fetchNext;
      lastAdmitted = -1;
      pending = null;
    }

    void assignIfFree(int p, DrainTracker tracker) {
      if (!ours) assign(p, tracker);
    }

    void deliver(int p, DrainTracker tracker) {
      boolean stale = !buffer.isEmpty();
      int index;
      if (stale) index = buffer.poll();
      else if (fetchNext >= 0) index = fetchNext++;
      else return;
      long e = tracker.admit(p, offset(index));
      if (e >= 0) {
        assertTrue(ours, "admitted a record of a partition given up: " + index);
        assertEquals(
            expectedNext, index, "admitted out of order or with a gap (stale=" + stale + ")");
        expectedNext++;
        epoch = e;
        lastAdmitted = index;
        inFlight.add(new long[] {index, e});
      } else if (!stale && ours) {
        // The live fetch's record that is next in line must get in: nothing needed is dropped.
        assertTrue(
            index < expectedNext,
            "dropped the next record of the live fetch: " + index + ", expected " + expectedNext);
      }
    }

    void write(int p, DrainTracker tracker, int n) {
      long[] last = null;
      for (int i = 0; i < n && !inFlight.isEmpty(); i++) {
        last = inFlight.poll();
        if (!written.add((int) last[0])) writtenTwice++;
      }
      if (last == null) return;
      DrainTracker.Progress progress = new DrainTracker.Progress(offset((int) last[0]), last[1]);
      tracker.written(p, progress);
      pending = progress;
    }

    void commit(long next, String what) {
      assertTrue(
          next >= committed,
          what + " moved the committed offset back from " + committed + " to " + next);
      // Below the committed offset everything was checked by an earlier commit (or the others wrote
      // it).
      for (int i = firstIndexAtOrAfter(committed); offset(i) < next; i++) {
        assertTrue(
            written.contains(i), what + " of " + next + " passes unwritten offset " + offset(i));
      }
      committed = next;
    }

    /** A rebalance that revokes the partition; it comes back to this member or goes to another. */
    void rebalance(
        int p, DrainTracker tracker, boolean graceful, boolean comesBack, Random random) {
      if (!ours) return;
      if (graceful) write(p, tracker, Integer.MAX_VALUE);
      else onlyGraceful = false;
      DrainTracker.Drained drained;
      try {
        drained = tracker.revoke(List.of(p), NO_WAIT);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      drained.commit().forEach((q, next) -> commit(next, "drain commit"));
      if (graceful) {
        assertEquals(Map.of(), drained.unwritten());
        if (lastAdmitted >= 0)
          assertEquals(
              offset(lastAdmitted) + 1, committed, "a graceful drain commits past all it admitted");
      }
      ours = false;
      stopFetching(random);
      if (comesBack) assign(p, tracker);
      else othersRead(random);
    }

    void lose(int p, DrainTracker tracker, Random random) {
      if (!ours) return;
      onlyGraceful = false;
      tracker.lost(List.of(p));
      ours = false;
      stopFetching(random);
      othersRead(random);
    }

    /** Fetched records stay in the buffer (some of them: Pekko flushes the rest, at some point). */
    private void stopFetching(Random random) {
      if (fetchNext >= 0) for (int k = random.nextInt(6); k > 0; k--) buffer.add(fetchNext++);
      fetchNext = -1;
      for (int k = random.nextInt(buffer.size() + 1); k > 0; k--) buffer.pollLast();
    }

    /** Another member reads on from the committed offset, writes and commits some records. */
    private void othersRead(Random random) {
      int from = firstIndexAtOrAfter(committed);
      int n = random.nextInt(5);
      for (int i = from; i < from + n; i++) {
        if (!written.add(i)) writtenTwice++;
      }
      if (n > 0) committed = offset(from + n - 1) + 1;
    }
  }
}
