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
 * silos; exactly one is 201, the other 409 naming the winner, and only the winners are listed. With
 * the check-then-insert before the claims both passed the check (the table's creation between the
 * check and the insert takes seconds) and both were 201. A DELETE releases the claims: the loser is
 * then added. A POST of a stored source's name stays 409 (only {@code SOURCES_DIR} replaces).
 */
@Timeout(300)
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
    try (SiloCluster silos =
        new SiloCluster(
            engines, "claims", 2, Map.of("FAKER_RATE", "0", "SPACEX_ENABLED", "false"))) {
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

      // A delete releases the claims: the loser of round 0 gets its topic now.
      SiloHttp.Response removed =
          SiloHttp.send(silos.api(0), "DELETE", "/api/sources/" + winners.get(0), null);
      assertEquals(200, removed.status(), removed.toString());
      SiloHttp.Response added = SiloHttp.send(silos.api(1), "POST", "/api/sources", losers.get(0));
      assertEquals(201, added.status(), added.toString());
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
