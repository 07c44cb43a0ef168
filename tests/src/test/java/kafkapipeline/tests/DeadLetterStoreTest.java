package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import kafkapipeline.grains.cassandra.Consistency;
import kafkapipeline.grains.cassandra.DeadLetterHooks;
import kafkapipeline.grains.cassandra.DeadLetterStore;
import kafkapipeline.grains.cassandra.DeadLetterStore.DeadLetter;
import kafkapipeline.grains.cassandra.DeadLetterStore.Listed;
import kafkapipeline.grains.cassandra.Schema;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import kafkapipeline.grains.kafka.Origin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bucketed dead letters on the real Cassandra: saved in parallel, listed newest day first with
 * payload heads only, replayed with whole payloads to their first position, emptied old buckets
 * removed, and the first table's entries moved in.
 */
@Timeout(120)
class DeadLetterStoreTest {
  private static final Instant TODAY = Instant.parse("2026-12-10T12:00:00Z");
  private static final Instant LAST_WEEK = Instant.parse("2026-12-03T08:00:00Z");
  private static CqlSession session;
  private static DeadLetterStore store;

  @BeforeAll
  static void prepare() {
    session =
        CqlSession.builder()
            .addContactPoint(
                new InetSocketAddress("127.0.0.1", Engines.shared().cassandra.nativePort()))
            .withLocalDatacenter("datacenter1")
            .withConfigLoader(
                Consistency.configure(
                        DriverConfigLoader.programmaticBuilder(),
                        new Consistency.Levels(
                            DefaultConsistencyLevel.ONE, DefaultConsistencyLevel.ONE))
                    .build())
            .build();
    Schema.migrate(session, Schema.Settings.singleNode("datacenter1"), "DeadLetterStoreTest")
        .toCompletableFuture()
        .join();
    store =
        DeadLetterStore.prepare(session, Clock.fixed(TODAY, ZoneOffset.UTC))
            .toCompletableFuture()
            .join();
  }

  @AfterAll
  static void close() {
    if (session != null) session.close();
  }

  @BeforeEach
  void empty() {
    DeadLetterRows.truncate(session);
    DeadLetterHooks.saveMargin(store, java.time.Duration.ofSeconds(30));
  }

  private static byte[] payload(int bytes, int seed) {
    byte[] b = new byte[bytes];
    Arrays.fill(b, (byte) ('a' + seed % 26));
    return b;
  }

  private static DeadLetter letter(String topic, long offset, Instant at, byte[] payload) {
    return new DeadLetter(topic, (int) (offset % 3), offset, "k" + offset, payload, "X", "bad", at);
  }

  private static <T> T join(java.util.concurrent.CompletionStage<T> s) {
    return s.toCompletableFuture().join();
  }

  @Test
  void savedInBucketsAndListedNewestDayFirstWithHeadsOnly() {
    List<DeadLetter> letters = new ArrayList<>();
    for (int i = 0; i < 30; i++) letters.add(letter("dl-a", i, LAST_WEEK, payload(10, i)));
    for (int i = 0; i < 20; i++) letters.add(letter("dl-b", i, TODAY, payload(300_000, i)));
    letters.add(letter("dl-b", 99, TODAY, null));
    join(store.saveAll(letters));
    join(store.saveAll(letters.subList(0, 10))); // again: one entry each

    assertEquals(30, DeadLetterRows.of(session, "dl-a").size());
    assertEquals(21, DeadLetterRows.of(session, "dl-b").size());
    assertEquals(List.of(LocalDate.parse("2026-12-03")), DeadLetterRows.days(session, "dl-a"));

    List<Listed> first = join(store.newest(25));
    assertEquals(25, first.size());
    for (int i = 0; i < 21; i++) assertEquals("dl-b", first.get(i).head().topic(), "today first");
    for (int i = 21; i < 25; i++) assertEquals("dl-a", first.get(i).head().topic());
    Listed big = first.get(0);
    assertEquals(DeadLetterStore.HEAD_BYTES, big.head().payload().length, "only the head is read");
    assertEquals(300_000, big.payloadBytes());
    assertTrue(big.cut());
    Listed none = first.stream().filter(l -> l.head().offset() == 99).findFirst().orElseThrow();
    assertNull(none.head().payload());
    assertNull(none.payloadBytes());
    Listed small = first.get(21);
    assertEquals(10, small.head().payload().length);
    assertFalse(small.cut());
    assertEquals(51, join(store.newest(1000)).size());
    assertEquals(51, join(store.failures(1000)).size());
  }

  @Test
  void aReplayPublishesWholePayloadsToTheFirstPositionAndRemovesEmptiedOldBuckets() {
    // Last week's bucket was written seconds ago here, within the margin that protects a racing
    // save (aSaveRacingTheRemovalOfItsEmptiedBucketStaysListed): no margin for this one.
    DeadLetterHooks.saveMargin(store, java.time.Duration.ZERO);
    byte[] whole = payload(50_000, 3);
    DeadLetter first = letter("dl-r", 7, LAST_WEEK, whole);
    DeadLetter again =
        new DeadLetter("dl-r", 1, 40, "k40", payload(5, 1), "X", "bad", TODAY, new Origin(1, 4));
    join(store.saveAll(List.of(first, again)));

    Map<String, KeyedRecord> published = new TreeMap<>();
    int replayed =
        join(
            store.replay(
                (topic, records) -> {
                  for (KeyedRecord r : records) published.put(topic + "/" + r.key(), r);
                  return CompletableFuture.completedFuture(null);
                },
                1000));
    assertEquals(2, replayed);
    KeyedRecord r7 = published.get("dl-r/k7");
    assertArrayEquals(whole, r7.value(), "the whole payload, not its head");
    assertEquals(new Origin(1, 7), r7.origin());
    assertEquals(new Origin(1, 4), published.get("dl-r/k40").origin(), "the first origin kept");
    assertEquals(0, DeadLetterRows.of(session, "dl-r").size());
    assertEquals(
        List.of(LocalDate.parse("2026-12-10")),
        DeadLetterRows.days(session, "dl-r"),
        "last week's emptied bucket is gone from the index; today's stays (still written)");
    assertEquals(0, join(store.replay((t, rs) -> CompletableFuture.completedFuture(null), 10)));
  }

  private static long micros(java.time.Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  private static int replayNothing(int limit) {
    return join(store.replay((t, rs) -> CompletableFuture.completedFuture(null), limit));
  }

  /**
   * Saves that race the removal of an emptied old bucket, driven between the emptiness check and
   * the removal: a whole save (index line and entry) and an entry alone (a save whose index line
   * was written before the check) both stay listed; so does a save from a silo whose clock is 5 s
   * behind (its index line's write time is before the check began) whose entry lands only after the
   * removal; an idle emptied bucket is removed.
   */
  @Test
  void aSaveRacingTheRemovalOfItsEmptiedBucketStaysListed() {
    List<String> topics = List.of("dl-race", "dl-late", "dl-skew", "dl-idle");
    // Buckets emptied an hour ago: their index lines, no entry.
    for (String topic : topics)
      session.execute(
          SimpleStatement.newInstance(
              "INSERT INTO kafkapipeline.dead_letter_days (scope, day, topic) VALUES ('all', ?, ?)"
                  + " USING TIMESTAMP ?",
              LocalDate.parse("2026-12-03"),
              topic,
              micros(java.time.Instant.now().minusSeconds(3600))));
    DeadLetterHooks.beforeRemove(
        store,
        (topic, day) -> {
          if (topic.equals("dl-race"))
            return store.saveAll(List.of(letter(topic, 2, LAST_WEEK, payload(5, 2))));
          // Asynchronously: the hook runs on a driver thread, where a blocking call fails.
          if (topic.equals("dl-late"))
            return session
                .executeAsync(
                    SimpleStatement.newInstance(
                        "INSERT INTO kafkapipeline.dead_letters_by_day (topic, day, partition,"
                            + " offset) VALUES (?, ?, 0, 3)",
                        topic,
                        day))
                .thenApply(rs -> (Void) null);
          if (topic.equals("dl-skew"))
            return session
                .executeAsync(
                    SimpleStatement.newInstance(
                        "INSERT INTO kafkapipeline.dead_letter_days (scope, day, topic) VALUES"
                            + " ('all', ?, ?) USING TIMESTAMP ?",
                        day,
                        topic,
                        micros(java.time.Instant.now().minusSeconds(5))))
                .thenApply(rs -> (Void) null);
          return CompletableFuture.completedFuture(null);
        });
    try {
      assertEquals(0, replayNothing(10));
    } finally {
      DeadLetterHooks.beforeRemove(store, (t, d) -> CompletableFuture.completedFuture(null));
    }
    // The skewed silo's entry, after the removal ran: listed only if its index line survived.
    session.execute(
        SimpleStatement.newInstance(
            "INSERT INTO kafkapipeline.dead_letters_by_day (topic, day, partition, offset)"
                + " VALUES ('dl-skew', ?, 0, 4)",
            LocalDate.parse("2026-12-03")));
    assertEquals(List.of(LocalDate.parse("2026-12-03")), DeadLetterRows.days(session, "dl-skew"));
    assertEquals(List.of(LocalDate.parse("2026-12-03")), DeadLetterRows.days(session, "dl-race"));
    assertEquals(1, DeadLetterRows.of(session, "dl-race").size(), "the racing save is kept");
    assertEquals(List.of(LocalDate.parse("2026-12-03")), DeadLetterRows.days(session, "dl-late"));
    assertEquals(List.of(), DeadLetterRows.days(session, "dl-idle"));
    List<String> listed =
        join(store.newest(10)).stream()
            .map(l -> l.head().topic() + "/" + l.head().offset())
            .toList();
    assertEquals(List.of("dl-late/3", "dl-race/2", "dl-skew/4"), listed);
  }

  @Test
  void aFailedPublishStopsTheReplayAndKeepsTheEntry() {
    join(store.saveAll(List.of(letter("dl-f", 1, TODAY, payload(5, 1)))));
    CompletableFuture<Integer> r =
        store
            .replay(
                (t, rs) -> CompletableFuture.failedFuture(new IllegalStateException("down")), 10)
            .toCompletableFuture();
    assertTrue(r.handle((n, e) -> e != null).join());
    assertEquals(1, DeadLetterRows.of(session, "dl-f").size());
  }

  @Test
  void theFirstTablesEntriesAreMovedIntoTheirDaysBuckets() {
    for (int i = 0; i < 20; i++) {
      session.execute(
          SimpleStatement.newInstance(
              "INSERT INTO kafkapipeline.dead_letters (topic, partition, offset, record_key,"
                  + " payload, error_class, error, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              "dl-old",
              0,
              (long) i,
              "k" + i,
              ByteBuffer.wrap(payload(100, i)),
              "X",
              "bad",
              i < 5 ? LAST_WEEK : TODAY));
    }
    assertEquals(20, join(store.moveLegacy()));
    assertEquals(0, session.execute("SELECT topic FROM kafkapipeline.dead_letters").all().size());
    List<Row> moved = DeadLetterRows.of(session, "dl-old");
    assertEquals(20, moved.size());
    assertEquals(
        List.of(LocalDate.parse("2026-12-10"), LocalDate.parse("2026-12-03")),
        DeadLetterRows.days(session, "dl-old"));
    assertEquals(0, join(store.moveLegacy()), "nothing left to move");
  }
}
