package kafkapipeline.silo.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The ring keeps exactly the newest events in order, counts every one, and cuts long messages. */
class LogRingTest {
  private static final Instant T0 = Instant.parse("2026-12-01T22:40:00.000Z");
  private static final LogLevel[] LEVELS = LogLevel.values();

  private static LogRing ring() {
    return new LogRing(() -> Redactor.of(List.of()));
  }

  /** Event i: level i mod 5 (TRACE..ERROR), message "event i", at T0 + i ms. */
  private static LogRing withEvents(int n) {
    LogRing ring = ring();
    for (int i = 0; i < n; i++)
      ring.add(T0.plusMillis(i), LEVELS[i % LEVELS.length], "kafkapipeline.X", "event " + i);
    return ring;
  }

  private static List<String> messages(List<LogRing.Entry> entries) {
    return entries.stream().map(LogRing.Entry::message).toList();
  }

  private static List<String> events(IntStream indexes) {
    return indexes.mapToObj(i -> "event " + i).toList();
  }

  @Test
  void keepsExactlyTheLast500OfTenThousandInOrder() {
    LogRing ring = withEvents(10_000);
    assertEquals(events(IntStream.range(9_500, 10_000)), messages(ring.last(LogLevel.TRACE, 500)));
    // Asking for more than it holds gives what it holds.
    assertEquals(500, ring.last(LogLevel.TRACE, 100_000).size());
    assertEquals(events(IntStream.range(9_997, 10_000)), messages(ring.last(LogLevel.TRACE, 3)));
    LogRing.Entry newest = ring.last(LogLevel.TRACE, 1).get(0);
    assertEquals(T0.plusMillis(9_999), newest.at());
    assertEquals(LogLevel.ERROR, newest.level());
    assertEquals("kafkapipeline.X", newest.logger());
  }

  @Test
  void countsEveryEventByLevelAlsoThoseOverwritten() {
    LogRing.Counts counts = withEvents(10_000).counts();
    for (LogLevel level : LEVELS) assertEquals(2_000, counts.of(level), level.name());
    assertEquals(0, counts.cut());
  }

  @Test
  void filtersByLevelAndAboveWithinTheRing() {
    LogRing ring = withEvents(10_000);
    // Of the 500 held (9500..9999), WARN (i%5==3) and ERROR (i%5==4): 200, oldest first.
    assertEquals(
        events(IntStream.range(9_500, 10_000).filter(i -> i % 5 >= 3)),
        messages(ring.last(LogLevel.WARN, 500)));
    assertEquals(
        events(IntStream.range(9_500, 10_000).filter(i -> i % 5 == 4).skip(90)),
        messages(ring.last(LogLevel.ERROR, 10)));
    assertEquals(
        events(IntStream.range(9_500, 10_000).filter(i -> i % 5 >= 2)),
        messages(ring.last(LogLevel.INFO, 500)));
  }

  @Test
  void fewerEventsThanTheCapacityAreAllThere() {
    assertEquals(events(IntStream.range(0, 7)), messages(withEvents(7).last(LogLevel.TRACE, 500)));
    assertEquals(List.of(), ring().last(LogLevel.TRACE, 500));
  }

  @Test
  void cutsMessagesOverTheMaximumAndCountsThem() {
    LogRing ring = ring();
    String exact = "a".repeat(LogRing.MAX_MESSAGE);
    String over = "b".repeat(LogRing.MAX_MESSAGE + 1);
    // A surrogate pair across the cut is left out whole, not halved.
    String pair = "c".repeat(LogRing.MAX_MESSAGE - 1) + "\uD83D\uDE00" + "d";
    ring.add(T0, LogLevel.INFO, "l", exact);
    ring.add(T0, LogLevel.INFO, "l", over);
    ring.add(T0, LogLevel.INFO, "l", pair);
    List<String> stored = messages(ring.last(LogLevel.TRACE, 3));
    assertEquals(exact, stored.get(0));
    assertEquals(
        "b".repeat(LogRing.MAX_MESSAGE) + LogRing.cutMark(LogRing.MAX_MESSAGE + 1), stored.get(1));
    assertEquals(
        "c".repeat(LogRing.MAX_MESSAGE - 1) + LogRing.cutMark(LogRing.MAX_MESSAGE + 2),
        stored.get(2));
    assertEquals(2, ring.counts().cut());
  }

  @Test
  void concurrentWritersLoseNoCountAndLeaveAFullRing() throws Exception {
    LogRing ring = ring();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      Thread writer =
          new Thread(
              () -> {
                for (int i = 0; i < 5_000; i++)
                  ring.add(T0, LogLevel.WARN, "t" + thread, "event " + i);
              });
      writer.start();
      threads.add(writer);
    }
    for (Thread t : threads) t.join();
    assertEquals(20_000, ring.counts().of(LogLevel.WARN));
    List<LogRing.Entry> held = ring.last(LogLevel.TRACE, 500);
    assertEquals(500, held.size());
    assertTrue(held.stream().allMatch(e -> e.message().startsWith("event ")));
  }
}
