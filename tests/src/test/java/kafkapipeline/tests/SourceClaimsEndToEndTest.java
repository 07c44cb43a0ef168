package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Name, topic and table are claimed atomically: in each of {@value #ROUNDS} rounds two new sources
 * sharing a topic (even rounds) or a table (odd rounds) are POSTed at the same instant to two
 * silos; exactly one is 201, the other 409 naming the winner, and only the winners are stored. With
 * the check-then-insert before the claims both passed the check (the table's creation between the
 * check and the insert takes seconds) and both were 201. A DELETE releases the claims: the loser is
 * then added. A POST of a stored source's name stays 409 (only {@code SOURCES_DIR} replaces).
 * {@code SOURCES_MAX} sources stored, one more is 409 naming the setting. A {@code SOURCES_DIR}
 * file taking a stored source's topic or an internal table is logged with its file name and skipped
 * at the silo's next start, while a valid file beside them is added.
 */
@Timeout(420)
class SourceClaimsEndToEndTest {
  private static final int ROUNDS = 6;

  private final Engines engines = Engines.shared();

  /** An http-poll source that polls a closed port hourly: nothing but its claims matters here. */
  static String source(String name, String topic, String table) {
    return """
        {"name": "%s", "kind": "http-poll", "url": "http://127.0.0.1:9/none", "interval": "PT1H",
         "topic": "%s", "table": "%s", "items": "", "key": "/id",
         "columns": [{"name": "id", "pointer": "/id", "type": "text", "required": true}],
         "primaryKey": {"partition": ["id"], "clustering": []}}
        """
        .formatted(name, topic, table);
  }

  @Test
  void ofTwoConcurrentPostsSharingATopicOrTableExactlyOneWinsAndADeleteReleasesIt()
      throws Exception {
    String s = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    // Room for exactly the winners beside what earlier tests left in the shared keyspace.
    int max = storedCount() + ROUNDS;
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sources");
    try (SiloCluster silos =
        new SiloCluster(
            engines,
            "claims",
            2,
            Map.of(
                "FAKER_RATE",
                "0",
                "SPACEX_ENABLED",
                "false",
                "SOURCES_MAX",
                Integer.toString(max),
                "SOURCES_DIR",
                dir.toString()))) {
      silos.startAll();
      silos.awaitAllHealthy();
      List<String> winners = new ArrayList<>();
      List<String> losers = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        boolean topic = round % 2 == 0;
        String a = "ca_" + s + "_" + round;
        String b = "cb_" + s + "_" + round;
        String shared = "cs_" + s + "_" + round;
        String bodyA = topic ? source(a, shared, a) : source(a, a, shared);
        String bodyB = topic ? source(b, shared, b) : source(b, b, shared);
        CyclicBarrier start = new CyclicBarrier(2);
        var first = CompletableFuture.supplyAsync(() -> post(silos.api(0), bodyA, start));
        var second = CompletableFuture.supplyAsync(() -> post(silos.api(1), bodyB, start));
        SiloHttp.Response ra = first.get();
        SiloHttp.Response rb = second.get();
        String both = "round " + round + ": " + ra + " / " + rb;
        assertEquals(
            List.of(201, 409), List.of(ra.status(), rb.status()).stream().sorted().toList(), both);
        String winner = ra.status() == 201 ? a : b;
        String loser = winner.equals(a) ? b : a;
        SiloHttp.Response lost = ra.status() == 409 ? ra : rb;
        String why = lost.body().path("problems").toString();
        assertTrue(why.contains("'" + winner + "'"), both);
        assertTrue(why.contains(topic ? "topic '" + shared + "'" : "table '" + shared + "'"), both);
        winners.add(winner);
        losers.add(topic ? source(loser, shared, loser) : source(loser, loser, shared));
      }
      assertEquals(winners.stream().sorted().toList(), stored(s), "only the winners are stored");

      // The same name again: still 409, the stored source untouched.
      SiloHttp.Response again =
          SiloHttp.send(
              silos.api(1), "POST", "/api/sources", source(winners.get(0), "other_" + s, "o_" + s));
      assertEquals(409, again.status(), again.toString());
      assertTrue(
          again.body().path("problems").toString().contains("already a source"), again.toString());

      // SOURCES_MAX sources are stored: one more is refused with the setting named.
      assertFull(silos, "extra_" + s, max);

      // A delete releases the claims: the loser of round 0 gets its topic now, and then the
      // pipeline is full again.
      SiloHttp.Response removed =
          SiloHttp.send(silos.api(0), "DELETE", "/api/sources/" + winners.get(0), null);
      assertEquals(200, removed.status(), removed.toString());
      SiloHttp.Response added = SiloHttp.send(silos.api(1), "POST", "/api/sources", losers.get(0));
      assertEquals(201, added.status(), added.toString());
      assertFull(silos, "extra_" + s, max);
      assertEquals(max, storedCount());

      // Files clashing with a stored source's topic, or with an internal table, are skipped.
      String topicClash = "fa_" + s + "_0";
      String tableClash = "fb_" + s + "_0";
      String good = "fc_" + s + "_0";
      java.nio.file.Files.writeString(
          dir.resolve("a_clash.json"), source(topicClash, "cs_" + s + "_2", topicClash));
      java.nio.file.Files.writeString(
          dir.resolve("b_internal.json"), source(tableClash, tableClash, "cities"));
      java.nio.file.Files.writeString(dir.resolve("c_good.json"), source(good, good, good));
      silos.stop(0);
      silos.start(0);
      silos.awaitHealthy(0);
      List<String> now = stored(s);
      assertTrue(
          now.contains(good) && !now.contains(topicClash) && !now.contains(tableClash),
          now.toString());
      String logs = String.join("\n", silos.logs().values());
      for (String file : List.of("a_clash.json", "b_internal.json")) {
        assertTrue(
            logs.lines().anyMatch(l -> l.contains("file " + file + " skipped")),
            file + " was not logged as skipped");
      }
      assertTrue(logs.contains("'cs_" + s + "_2'") && logs.contains("table 'cities'"), "reasons");
      assertTrue(logs.lines().noneMatch(l -> l.contains("file c_good.json skipped")));

      // Leave the shared keyspace as found: every later silo would run these sources.
      for (String name : stored(s)) {
        var gone = SiloHttp.send(silos.api(1), "DELETE", "/api/sources/" + name, null);
        assertEquals(200, gone.status(), gone.toString());
      }
    }
  }

  private static SiloHttp.Response post(SiloHttp.At silo, String body, CyclicBarrier start) {
    try {
      start.await();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return SiloHttp.send(silo, "POST", "/api/sources", body);
  }

  private static void assertFull(SiloCluster silos, String name, int max) {
    SiloHttp.Response full =
        SiloHttp.send(silos.api(0), "POST", "/api/sources", source(name, name, name));
    assertEquals(409, full.status(), full.toString());
    String why = full.body().path("problems").toString();
    assertTrue(why.contains("at most " + max) && why.contains("SOURCES_MAX"), why);
  }

  /** The rows of table {@code sources} (0 before any silo made it). */
  private int storedCount() {
    var table =
        engines
            .session
            .getMetadata()
            .getKeyspace("kafkapipeline")
            .flatMap(k -> k.getTable("sources"));
    if (table.isEmpty()) return 0;
    return engines.session.execute("SELECT name FROM kafkapipeline.sources").all().size();
  }

  /** The names of this run's sources (suffix {@code s}) in table {@code sources}, sorted. */
  private List<String> stored(String s) {
    List<String> names = new ArrayList<>();
    for (var row : engines.session.execute("SELECT name FROM kafkapipeline.sources")) {
      String name = row.getString("name");
      if (name.contains("_" + s + "_")) names.add(name);
    }
    return names.stream().sorted().toList();
  }
}
