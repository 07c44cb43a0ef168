package kafkapipeline.grains.persist;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import kafkapipeline.api.grains.PersisterProtocol;

/**
 * What one persister stream has read, written and committed of each partition of its topic, so that
 * a partition it gives up in a graceful rebalance is handed over drained: every record the stream
 * took in is written and its offset committed before the next owner starts, and nothing of it is
 * written or committed by this stream afterwards. Thread-safe: the stream calls {@link #admit},
 * {@link #written} and {@link #toCommit}; the Kafka consumer's thread calls {@link #assigned},
 * {@link #revoke} and {@link #lost} from inside a rebalance.
 *
 * <p>Each partition's ownership is an <em>epoch</em> (a number that grows at every assign and every
 * revoke). A record admitted in one epoch is counted as written, or committed, only in that epoch:
 * a batch that completes after its partition was given up counts for nothing.
 *
 * <p>Which records are admitted: only those of an owned partition, at or past the position it was
 * assigned at, in increasing order, each once. The consumer's buffer may still hold records fetched
 * before the assign; they come before any record fetched after it and continue the earlier fetch
 * without a gap, while the new fetch starts again at the position. So if the partition's last
 * record seen before the assign is past the position, the records past that one are dropped until
 * the new fetch has caught up with it; then the two fetches deliver the same records and each
 * offset is admitted once. (A record deleted by retention in between would keep a partition
 * waiting: retention that deletes unread records loses data anyway.)
 *
 * <p>Commits: {@link #toCommit} lets through only offsets of owned partitions of the current epoch,
 * past what was committed, so a commit never goes backwards and never lands on a partition this
 * stream gave up; {@link #revoke} waits (bounded) until every admitted record of the revoked
 * partitions is written and returns the offsets to commit synchronously, past exactly what was
 * admitted. If the wait times out (a write is stuck), what is written is committed and the rest is
 * read again by the next owner: a replay, never a skip.
 */
final class DrainTracker {

  /** The highest record of a partition in a written batch, with the epoch it was admitted in. */
  record Progress(long offset, long epoch) {}

  /**
   * What the revoke of some partitions drained: the offsets to commit, and per partition whose wait
   * ended before everything was written, the last admitted record left unwritten.
   */
  record Drained(Map<Integer, Long> commit, Map<Integer, Long> unwritten) {}

  private enum State {
    OWNED,
    DRAINING,
    RELEASED
  }

  private static final class Partition {
    State state = State.RELEASED;
    long epoch;
    long start;

    /** The last record admitted in this epoch (start - 1 before the first). */
    long admitted;

    /** Every admitted record at or below it is written (start - 1 before the first). */
    long written;

    /** The last record whose successor this stream committed or handed to the consumer. */
    long committed;

    /** While the new fetch has not caught up: the last record of the earlier fetch; else MIN. */
    long earlierFetch = Long.MIN_VALUE;

    /** The offset of the last record seen, admitted or not (MIN before the first). */
    long lastSeen = Long.MIN_VALUE;
  }

  private final Map<Integer, Partition> partitions = new HashMap<>();
  private boolean closed;

  /**
   * Whether a record the consumer delivered enters the stream; returns its epoch, or -1 if it is
   * dropped (partition not owned, below the assigned position, already admitted, or fetched before
   * the assign past where the new fetch has reached).
   */
  synchronized long admit(int partition, long offset) {
    Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
    p.lastSeen = offset;
    if (p.state != State.OWNED) return -1;
    if (offset <= p.admitted) return -1;
    if (p.earlierFetch != Long.MIN_VALUE) {
      if (offset > p.earlierFetch) {
        // The earlier fetch going on past where the new one is: only the new one is gap-free.
        p.earlierFetch = offset;
        return -1;
      }
      if (offset == p.earlierFetch) p.earlierFetch = Long.MIN_VALUE; // caught up
    }
    p.admitted = offset;
    return p.epoch;
  }

  /** Records up to {@code progress.offset()} of the partition are written (or dead-lettered). */
  synchronized void written(int partition, Progress progress) {
    Partition p = partitions.get(partition);
    if (p == null || p.epoch != progress.epoch() || p.state == State.RELEASED) return;
    if (progress.offset() > p.written) {
      p.written = progress.offset();
      notifyAll();
    }
  }

  /**
   * Of written progress, the offsets this stream may commit now (partition to next offset), and
   * counts them as committed: owned partitions of the current epoch, past the last commit.
   */
  synchronized Map<Integer, Long> toCommit(Map<Integer, Progress> written) {
    Map<Integer, Long> out = new TreeMap<>();
    written.forEach(
        (partition, progress) -> {
          Partition p = partitions.get(partition);
          if (p == null || p.state != State.OWNED || p.epoch != progress.epoch()) return;
          long upTo = Math.min(progress.offset(), p.written);
          if (upTo > p.committed) {
            p.committed = upTo;
            out.put(partition, upTo + 1);
          }
        });
    return out;
  }

  /** Partitions assigned to this stream, each with the position its consumer reads from next. */
  synchronized void assigned(Map<Integer, Long> positions) {
    positions.forEach(
        (partition, position) -> {
          Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
          p.state = State.OWNED;
          p.epoch++;
          p.start = position;
          p.admitted = position - 1;
          p.written = position - 1;
          p.committed = position - 1;
          p.earlierFetch = p.lastSeen >= position ? p.lastSeen : Long.MIN_VALUE;
        });
  }

  /**
   * Gives partitions up gracefully: from now on none of their records is admitted; waits up to
   * {@code timeout} until every record admitted of them is written (or the stream has ended, {@link
   * #close}), then releases them. Returns, per partition, the offset to commit (past the last
   * written record, for partitions with anything written since the assign) and what was still
   * unwritten when the wait ended (empty after a complete drain). Blocks the caller: it is meant
   * for the consumer's rebalance callback, which holds the rebalance until it returns.
   */
  Drained revoke(Collection<Integer> revoked, Duration timeout) throws InterruptedException {
    synchronized (this) {
      for (int partition : revoked) {
        Partition p = partitions.get(partition);
        if (p != null && p.state == State.OWNED) p.state = State.DRAINING;
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!closed && !drained(revoked)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) break;
        wait(Math.max(1, left / 1_000_000));
      }
      return release(revoked);
    }
  }

  /** Partitions taken away without a revoke (the member fell out of the group): no commit. */
  synchronized void lost(Collection<Integer> lost) {
    for (int partition : lost) {
      Partition p = partitions.get(partition);
      if (p != null && p.state != State.RELEASED) {
        p.state = State.RELEASED;
        p.epoch++;
      }
    }
    notifyAll();
  }

  /** The stream has ended: nothing will be written any more, so a waiting revoke returns now. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  /**
   * Each partition this stream owns or is draining, as {@code GET /api/grains/persister/{topic}}
   * shows it: records admitted and not yet written are in flight.
   */
  synchronized java.util.List<PersisterProtocol.PartitionState> view() {
    java.util.List<PersisterProtocol.PartitionState> out = new java.util.ArrayList<>();
    new TreeMap<>(partitions)
        .forEach(
            (k, p) -> {
              if (p.state == State.RELEASED) return;
              out.add(
                  new PersisterProtocol.PartitionState(
                      k,
                      p.state.name().toLowerCase(java.util.Locale.ROOT),
                      p.start,
                      p.admitted,
                      p.written,
                      Math.max(0, p.admitted - p.written)));
            });
    return out;
  }

  /** The partitions owned now (for a stop: they are all given up). */
  synchronized java.util.Set<Integer> owned() {
    java.util.Set<Integer> out = new java.util.TreeSet<>();
    partitions.forEach(
        (k, p) -> {
          if (p.state == State.OWNED) out.add(k);
        });
    return out;
  }

  private boolean drained(Collection<Integer> revoked) {
    for (int partition : revoked) {
      Partition p = partitions.get(partition);
      if (p != null && p.state == State.DRAINING && p.written < p.admitted) return false;
    }
    return true;
  }

  private Drained release(Collection<Integer> revoked) {
    Map<Integer, Long> commit = new TreeMap<>();
    Map<Integer, Long> unwritten = new TreeMap<>();
    for (int partition : revoked) {
      Partition p = partitions.get(partition);
      if (p == null || p.state != State.DRAINING) continue;
      // Also when the stream's own commits got there first: a commit that was queued before
      // the rebalance may still arrive after it, so the drain states the final offset again.
      if (p.written >= p.start) commit.put(partition, p.written + 1);
      if (p.admitted > p.written) unwritten.put(partition, p.admitted);
      p.committed = Math.max(p.committed, p.written);
      p.state = State.RELEASED;
      p.epoch++;
    }
    return new Drained(commit, unwritten);
  }
}
