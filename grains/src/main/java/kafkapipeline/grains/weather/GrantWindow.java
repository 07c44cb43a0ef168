package kafkapipeline.grains.weather;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The bookkeeping of {@link CallBudget}, apart from the actor so it can be driven on any clock: a
 * sliding-window log of the grants of the last 60 s and the line of requesters waiting for one.
 *
 * <p>Guarantees (times in nanoseconds of one monotonic clock):
 *
 * <ul>
 *   <li>no half-open window {@code [t, t + 60 s)} holds more than {@code callsPerMinute} grants: a
 *       call is granted at {@code now} only while fewer than {@code callsPerMinute} grants lie in
 *       {@code (now - 60 s, now]}, so the last grant of any window saw every other one of it;
 *   <li>its memory does not grow with the budget: grants within one {@link #STEP} share one entry
 *       of the log, counted at the step's end, so the log holds at most {@code 60 s / STEP + 1}
 *       entries (601) whether the budget is 60 or 2 billion. Counting a grant up to 100 ms late
 *       only makes it leave the window up to 100 ms late: never more grants in a window, at most
 *       100 ms of waiting more;
 *   <li>{@link #afterHandover} starts as if {@code callsPerMinute} grants had just been made, so
 *       whatever the previous incarnation granted before {@code now} shares no window with what
 *       this one grants;
 *   <li>the line is first come, first served: {@link #release} grants the oldest requester first,
 *       {@link #tryAcquire} never overtakes anyone in line, and a requester asking again keeps its
 *       place. A requester not heard of for {@code staleAfter} leaves the line (so a stopped grain
 *       holds nobody up). Each call costs the same however long the line is (no walk along it), so
 *       a line of thousands refreshing every 20 s costs the actor little.
 * </ul>
 *
 * Not thread-safe: one actor owns it.
 */
final class GrantWindow {
  static final long WINDOW = 60_000_000_000L;

  /** The log's resolution: the grants of one step of 100 ms are one entry. */
  static final long STEP = 100_000_000L;

  /** Grants counted at {@code at} (a multiple of {@link #STEP}). */
  private static final class Slot {
    final long at;
    int count;

    Slot(long at, int count) {
      this.at = at;
      this.count = count;
    }
  }

  /** Who waits: its place (a number given at its first ask, growing) and whom to answer. */
  record Waiter<R>(R replyTo, long ticket) {}

  private final int capacity;
  private final long staleAfter;
  private final ArrayDeque<Slot> grants = new ArrayDeque<>(); // strictly increasing times
  private int inLog; // the grants the log holds: the sum of its counts
  // The line in order of tickets; the same requesters by when they were last heard of, the least
  // recently first (a refresh moves one to the end), so the stale are found at the head; and the
  // tickets of those that left from the middle of the line (stale), so that a position is the
  // difference of two tickets less the holes between them. Every message costs O(1) (plus the
  // holes, rare: a grain that stopped waiting), never a walk along the line.
  private final LinkedHashMap<String, Waiter<?>> line = new LinkedHashMap<>();
  private final LinkedHashMap<String, Long> heard = new LinkedHashMap<>();
  private final TreeSet<Long> holes = new TreeSet<>();
  private long nextTicket;

  private GrantWindow(int capacity, long staleAfter) {
    if (capacity < 1) throw new IllegalArgumentException("callsPerMinute must be >= 1");
    this.capacity = capacity;
    this.staleAfter = staleAfter;
  }

  /** A budget that knows no earlier grant: the first one of a cluster. */
  static GrantWindow fresh(int callsPerMinute, long staleAfter) {
    return new GrantWindow(callsPerMinute, staleAfter);
  }

  /**
   * A budget taking over from an incarnation whose grants it does not know: it counts the whole
   * minute as granted at {@code now}, so its first grant is at {@code now + 60 s} (to the next
   * {@link #STEP}).
   */
  static GrantWindow afterHandover(int callsPerMinute, long staleAfter, long now) {
    GrantWindow w = new GrantWindow(callsPerMinute, staleAfter);
    w.record(now, callsPerMinute);
    return w;
  }

  int capacity() {
    return capacity;
  }

  /** Calls free in the window at {@code now}. */
  int free(long now) {
    expire(now);
    return capacity - inLog;
  }

  /** Entries in the log (at most {@code 60 s / STEP + 1}). */
  int logSize() {
    return grants.size();
  }

  int waiting() {
    return line.size();
  }

  /** A grant at {@code now} if one is free and nobody waits; false leaves nothing behind. */
  boolean tryAcquire(long now) {
    dropStale(now);
    if (!line.isEmpty() || free(now) == 0) return false;
    record(now, 1);
    return true;
  }

  /**
   * Puts {@code requester} in line (or refreshes it, keeping its place and taking its newest {@code
   * replyTo}); then {@link #release}.
   *
   * @return the requesters granted now, in order, with their replyTo
   */
  <R> List<Map.Entry<String, R>> awaitTurn(String requester, R replyTo, long now) {
    dropStale(now); // one silent too long lost its place, even if it asks again now
    Waiter<?> known = line.get(requester);
    long ticket = known == null ? nextTicket++ : known.ticket();
    line.put(requester, new Waiter<>(replyTo, ticket)); // put keeps an existing key's place
    heard.remove(requester);
    heard.put(requester, now);
    return release(now);
  }

  /** Position of {@code requester} in line (0 = next), or -1 if it is not in line. */
  int ahead(String requester) {
    Waiter<?> w = line.get(requester);
    if (w == null) return -1;
    long head = line.values().iterator().next().ticket();
    return (int) (w.ticket() - head - holes.subSet(head, w.ticket()).size());
  }

  /** Grants to the oldest waiters while calls are free. */
  @SuppressWarnings("unchecked")
  <R> List<Map.Entry<String, R>> release(long now) {
    dropStale(now);
    List<Map.Entry<String, R>> out = new ArrayList<>();
    Iterator<Map.Entry<String, Waiter<?>>> it = line.entrySet().iterator();
    while (it.hasNext() && free(now) > 0) {
      Map.Entry<String, Waiter<?>> next = it.next();
      it.remove();
      heard.remove(next.getKey());
      record(now, 1);
      out.add(Map.entry(next.getKey(), (R) next.getValue().replyTo()));
    }
    return out;
  }

  /**
   * In how many nanoseconds from {@code now} the {@code k}-th call from now (0 = the next) is
   * expected to be free, if nobody else asks meanwhile.
   */
  long expectedIn(int k, long now) {
    expire(now);
    int freeNow = capacity - inLog;
    if (k < freeNow) return 0;
    // Once the free calls are granted now, the log is full: the k-th call takes the place of the
    // behind-th grant of it to leave, cycling through full windows.
    long behind = (long) k - freeNow;
    long cycles = Math.min(behind / capacity, 1_000_000); // a million minutes: "not soon"
    long rem = behind % capacity;
    long at = ceilStep(now); // where the free calls granted now would be counted
    long seen = 0;
    for (Slot s : grants) {
      seen += s.count;
      if (rem < seen) {
        at = s.at;
        break;
      }
    }
    return Math.max(1, at + WINDOW * (1 + cycles) - now);
  }

  /** When {@link #release} may grant next, if someone waits: the oldest grant's expiry; else -1. */
  long nextRelease(long now) {
    dropStale(now);
    if (line.isEmpty()) return -1;
    expire(now);
    return grants.isEmpty() ? now : grants.peekFirst().at + WINDOW;
  }

  /** {@code n} grants at {@code now}, counted at the end of its step. */
  private void record(long now, int n) {
    long at = ceilStep(now);
    Slot last = grants.peekLast();
    // A later count is never wrong (the grant only leaves later), so a clock that went back joins.
    if (last != null && last.at >= at) last.count += n;
    else grants.addLast(new Slot(at, n));
    inLog += n;
  }

  private static long ceilStep(long t) {
    return -Math.floorDiv(-t, STEP) * STEP;
  }

  private void expire(long now) {
    // A grant counted at g shares a 60 s window with every grant before g + 60 s.
    while (!grants.isEmpty() && grants.peekFirst().at <= now - WINDOW)
      inLog -= grants.pollFirst().count;
  }

  private void dropStale(long now) {
    Iterator<Map.Entry<String, Long>> it = heard.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Long> oldest = it.next();
      if (oldest.getValue() >= now - staleAfter) break;
      it.remove();
      holes.add(line.remove(oldest.getKey()).ticket());
    }
    // Holes before the head count for nobody.
    long head = line.isEmpty() ? nextTicket : line.values().iterator().next().ticket();
    while (!holes.isEmpty() && holes.first() < head) holes.pollFirst();
  }
}
