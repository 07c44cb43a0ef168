package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.tracker.RequestTracker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.CassandraCheckpointStore;
import kafkapipeline.grains.cassandra.CheckpointStore;
import kafkapipeline.grains.cassandra.Consistency;
import kafkapipeline.grains.cassandra.DeadLetterStore;
import kafkapipeline.grains.cassandra.Schema;
import kafkapipeline.grains.cassandra.StreamPositionStore;
import kafkapipeline.grains.persist.PersisterSettings;
import kafkapipeline.grains.persist.RowWriter;
import kafkapipeline.grains.weather.CityStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every statement of every store of the grains goes out at the configured level, as the driver
 * resolves it (a {@link RequestTracker} on a session configured by {@link Consistency#configure},
 * as a silo's is, against the real Cassandra): writes, batches and lightweight transactions at the
 * write level with a LOCAL_SERIAL serial phase, reads at the read level. The levels are ALL and
 * ONE, neither the default nor each other, so a statement that forgets its profile, or sets a level
 * of its own, is caught. (The membership table's statements are checked in the silo's {@code
 * MembershipConsistencyTest}; this module does not see the silo's classes.)
 */
class StoreConsistencyTest {
  /** What went out: the CQL, its level and its serial level, as the driver resolved them. */
  record Sent(String cql, ConsistencyLevel level, ConsistencyLevel serial) {}

  private static final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
  private static CqlSession session;

  @BeforeAll
  static void connect() {
    Engines engines = Engines.shared();
    session =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress("127.0.0.1", engines.cassandra.nativePort()))
            .withLocalDatacenter("datacenter1")
            .withConfigLoader(
                Consistency.configure(
                        DriverConfigLoader.programmaticBuilder(),
                        new Consistency.Levels(
                            DefaultConsistencyLevel.ALL, DefaultConsistencyLevel.ONE))
                    .build())
            .addRequestTracker(
                new RequestTracker() {
                  @Override
                  public void onSuccess(
                      Request request,
                      long latencyNanos,
                      DriverExecutionProfile profile,
                      Node node,
                      String prefix) {
                    record(request, profile);
                  }

                  @Override
                  public void onError(
                      Request request,
                      Throwable error,
                      long latencyNanos,
                      DriverExecutionProfile profile,
                      Node node,
                      String prefix) {
                    record(request, profile);
                  }

                  @Override
                  public void close() {}
                })
            .build();
    Schema.migrate(session, Schema.Settings.singleNode("datacenter1"), "StoreConsistencyTest")
        .toCompletableFuture()
        .join();
  }

  @AfterAll
  static void close() {
    if (session != null) session.close();
  }

  private static void record(Request request, DriverExecutionProfile profile) {
    Statement<?> s = (Statement<?>) request;
    ConsistencyLevel level =
        s.getConsistencyLevel() != null
            ? s.getConsistencyLevel()
            : DefaultConsistencyLevel.valueOf(
                profile.getString(DefaultDriverOption.REQUEST_CONSISTENCY));
    ConsistencyLevel serial =
        s.getSerialConsistencyLevel() != null
            ? s.getSerialConsistencyLevel()
            : DefaultConsistencyLevel.valueOf(
                profile.getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY));
    String cql = cql(s);
    if (cql.contains("kafkapipeline.") && !cql.contains("schema_migrations"))
      sent.add(new Sent(cql, level, serial));
  }

  private static String cql(Statement<?> s) {
    if (s instanceof SimpleStatement simple) return simple.getQuery();
    if (s instanceof BoundStatement bound) return bound.getPreparedStatement().getQuery();
    if (s instanceof BatchStatement batch) {
      List<String> rows = new ArrayList<>();
      for (BatchableStatement<?> row : batch) rows.add(cql(row));
      return "BATCH[" + String.join("; ", rows) + "]";
    }
    return s.toString();
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  @Test
  void everyStoreStatementGoesOutAtTheConfiguredLevel() {
    String run = UUID.randomUUID().toString();
    // One attempt, groups of 2 rows up to 4 KiB.
    RowWriter writer =
        new RowWriter(
            session,
            new PipelineMetrics(),
            new PersisterSettings(
                256,
                Duration.ofMillis(50),
                2,
                1,
                Duration.ofMillis(10),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                512 * 1024,
                2,
                4096,
                Duration.ofSeconds(10),
                PersisterSettings.WriteTimes.OFFSET));
    PreparedStatement person =
        session.prepare("INSERT INTO kafkapipeline.fakerdata (id, name) VALUES (?, ?)");
    DeadLetterStore deadLetters = join(DeadLetterStore.prepare(session));
    CassandraCheckpointStore checkpoints = join(CassandraCheckpointStore.prepare(session));
    StreamPositionStore positions = join(StreamPositionStore.cassandra(session));
    CityStore cities = join(CityStore.prepare(session));
    // So the replay below replays exactly the one saved here, from the one bucket listed.
    DeadLetterRows.truncate(session);
    // The tracker hears of a statement after its future completed (see below): wait for the
    // setup's last TRUNCATE to be recorded, so it cannot land in the counted list after clear().
    Await.until(
        java.time.Duration.ofSeconds(10),
        () ->
            sent.stream()
                .anyMatch(s -> s.cql().startsWith("TRUNCATE kafkapipeline.dead_letter_days")),
        sent::toString);
    sent.clear();

    // Three rows in groups of two: one unlogged batch and one single row.
    join(
        writer.writeAll(
            "fakerdata",
            List.of(
                person.bind(UUID.randomUUID(), "a"),
                person.bind(UUID.randomUUID(), "b"),
                person.bind(UUID.randomUUID(), "c"))));
    join(
        deadLetters.save(
            new DeadLetterStore.DeadLetter(
                "consistency-" + run, 0, 1, "k", new byte[] {1}, "X", "x", Instant.now())));
    join(deadLetters.newest(1000));
    join(deadLetters.replay((topic, records) -> CompletableFuture.completedFuture(null), 1000));
    join(checkpoints.save("consistency-" + run, new CheckpointStore.Checkpoint(1, 2)));
    assertEquals(2, join(checkpoints.load("consistency-" + run)).orElseThrow().position());
    join(positions.save("consistency-" + run, "event-1"));
    assertEquals("event-1", join(positions.load("consistency-" + run)).orElseThrow());
    String city = "consistency-" + run;
    assertTrue(join(cities.add(new CityStore.City(city, "Somewhere", "XX", 1, Instant.now()))));
    join(cities.all());
    assertTrue(join(cities.remove(city))); // a get, then the delete

    // The driver tells its request tracker after it has completed the statement's future, so
    // the last statement may not be recorded yet: wait for the count, then check each one.
    Map<String, Integer> expectedKinds = Map.of("batch", 1, "write", 7, "read", 10, "lwt", 1);
    int expectedCount = expectedKinds.values().stream().mapToInt(Integer::intValue).sum();
    Await.until(
        java.time.Duration.ofSeconds(10), () -> sent.size() >= expectedCount, sent::toString);
    Map<String, Integer> kinds = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    for (Sent s : List.copyOf(sent)) {
      String kind = kind(s.cql());
      kinds.merge(kind, 1, Integer::sum);
      ConsistencyLevel expected =
          kind.equals("read") ? DefaultConsistencyLevel.ONE : DefaultConsistencyLevel.ALL;
      if (!s.level().equals(expected) || !s.serial().equals(DefaultConsistencyLevel.LOCAL_SERIAL)) {
        wrong.add(s + " (expected " + expected + ", serial LOCAL_SERIAL)");
      }
    }
    assertEquals(List.of(), wrong);
    // Exactly the statements above: 1 batch + 1 row; dead letters: save (entry and its day),
    // list twice (newest and replay: the days, then the one bucket), the replayed one's payload
    // and its delete, the days again (no bucket old enough to remove); checkpoint and position:
    // save, load; cities: add, list, get, delete.
    assertEquals(expectedKinds, kinds, sent::toString);
  }

  private static String kind(String cql) {
    if (cql.startsWith("BATCH[")) return "batch";
    if (cql.contains("IF NOT EXISTS")) return "lwt";
    if (cql.startsWith("SELECT")) return "read";
    return "write";
  }
}
