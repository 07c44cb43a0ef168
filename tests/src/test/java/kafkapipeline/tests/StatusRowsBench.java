package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a test but a measuring harness (tag {@code bench}): {@code GET /api/status} against one silo
 * with {@value #ROWS} rows in {@code fakerdata} (loaded through the driver in concurrent unlogged
 * batches), next to what the route used to run ({@code SELECT count(*)} under the 5 s
 * count-timeout). Prints the load rate, each count's time, and p50/max of 20 status requests; fails
 * if a status request reads no estimate or Cassandra logs an aggregation while they run. Run:
 * {@code ./mvnw -B verify -pl tests -am -Dgroups=bench -Dsurefire.excludedGroups=
 * -Dtest=StatusRowsBench -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("bench")
class StatusRowsBench {
  private static final int ROWS = Integer.getInteger("bench.rows", 5_000_000);
  // 20 rows stay under Cassandra's 5 KiB batch warning (25 logged a warning per batch).
  private static final int BATCH = 20;
  private static final int IN_FLIGHT = 32;
  private static final String AGGREGATION_WARNING = "Aggregation query used without partition key";
  private final Engines engines = Engines.shared();

  @Test
  void statusWithMillionsOfRows() throws Exception {
    try (SiloCluster silos =
        new SiloCluster(engines, "bench-status", 1, Map.of("FAKER_RATE", "0"))) {
      silos.startAll();
      silos.awaitAllHealthy();
      int api = silos.httpPort(0);
      engines.truncateIfExists("fakerdata");
      try {
        load();
        for (int i = 0; i < 3; i++) System.out.println("[bench] before: " + countStar());

        Await.until(
            Duration.ofMinutes(8),
            () -> estimate(api) >= ROWS * 0.9,
            () -> "Cassandra's estimate (refreshed every 5 min): " + estimate(api));
        long warningsBefore = aggregationWarnings();
        for (int i = 0; i < 3; i++) SiloHttp.get(api, "/api/status"); // warm-up
        List<Double> millis = new ArrayList<>();
        JsonNode last = null;
        for (int i = 0; i < 20; i++) {
          long t0 = System.nanoTime();
          SiloHttp.Response r = SiloHttp.get(api, "/api/status");
          millis.add((System.nanoTime() - t0) / 1e6);
          assertEquals(200, r.status(), r.body().toString());
          last = r.body();
        }
        millis.sort(Double::compare);
        System.out.printf(
            "[bench] after: GET /api/status, %d rows in fakerdata: p50 %.1f ms, max %.1f ms (20"
                + " requests); fakerdata %s; %s%n",
            ROWS,
            (millis.get(9) + millis.get(10)) / 2,
            millis.get(19),
            last.path("rows").path("fakerdata"),
            last.path("rowsSources").path("estimatedPartitions").asText());
        assertEquals(
            warningsBefore, aggregationWarnings(), "Cassandra logged an aggregation meanwhile");
      } finally {
        engines.truncateIfExists("fakerdata"); // other test classes share these servers
      }
    }
  }

  /** ROWS fake people in unlogged batches of BATCH, IN_FLIGHT batches at a time. */
  private void load() throws InterruptedException {
    PreparedStatement insert =
        engines.session.prepare(
            "INSERT INTO kafkapipeline.fakerdata (id, name, email, city, country, job, year)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)");
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Random random = new Random(42);
    long t0 = System.nanoTime();
    for (int n = 0; n < ROWS && failed.get() == null; n += BATCH) {
      BatchStatementBuilder b = BatchStatement.builder(DefaultBatchType.UNLOGGED);
      for (int i = n; i < Math.min(ROWS, n + BATCH); i++) {
        b.addStatement(
            insert.bind(
                UUID.randomUUID(),
                "Person " + i,
                "person" + i + "@example.org",
                "City " + random.nextInt(5_000),
                "Country " + random.nextInt(200),
                "Job " + random.nextInt(900),
                1940 + random.nextInt(70)));
      }
      slots.acquire();
      engines
          .session
          .executeAsync(b.build().setTimeout(Duration.ofSeconds(30)))
          .whenComplete(
              (rs, e) -> {
                if (e != null) failed.compareAndSet(null, e);
                slots.release();
              });
    }
    slots.acquire(IN_FLIGHT);
    if (failed.get() != null) throw new IllegalStateException("loading failed", failed.get());
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "[bench] loaded %d rows in %.0f s (%.0f rows/s)%n", ROWS, seconds, ROWS / seconds);
  }

  /** What /api/status ran before: count(*) over the table, under its 5 s count-timeout. */
  private String countStar() {
    long t0 = System.nanoTime();
    try {
      long n =
          engines
              .session
              .execute(
                  SimpleStatement.newInstance("SELECT count(*) FROM kafkapipeline.fakerdata")
                      .setTimeout(Duration.ofSeconds(5)))
              .one()
              .getLong(0);
      return String.format("count(*) = %d in %.0f ms", n, (System.nanoTime() - t0) / 1e6);
    } catch (RuntimeException e) {
      return String.format(
          "count(*) failed after %.0f ms (%s): the route answered \"unknown\"",
          (System.nanoTime() - t0) / 1e6, e.getClass().getSimpleName());
    }
  }

  private static long estimate(int api) {
    return SiloHttp.get(api, "/api/status")
        .body()
        .path("rows")
        .path("fakerdata")
        .path("estimatedPartitions")
        .asLong(-1);
  }

  /** Lines of Cassandra's logs with its warning of an aggregation over a whole table. */
  private long aggregationWarnings() throws IOException {
    long n = 0;
    try (Stream<Path> logs = Files.list(engines.cassandra.home().resolve("logs"))) {
      for (Path p : logs.filter(f -> f.toString().endsWith(".log")).toList()) {
        try (Stream<String> lines = Files.lines(p, java.nio.charset.StandardCharsets.ISO_8859_1)) {
          n += lines.filter(l -> l.contains(AGGREGATION_WARNING)).count();
        }
      }
    }
    assertTrue(n >= 0);
    return n;
  }
}
