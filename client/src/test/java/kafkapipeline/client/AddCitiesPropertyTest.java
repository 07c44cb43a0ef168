package kafkapipeline.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generated add-city runs on a virtual clock: names picked from cities the cluster lists, cities
 * the weather API knows and names it does not, spelt in different cases and spacings and repeated;
 * a budget of 1 to 4 calls a minute; the list in one answer or in pages of 2. In every run: no
 * listed city is sent; every name is taken (answered other than 503) at most once; after each 503
 * the next request comes exactly its Retry-After later; the summary and the exit code are the
 * model's.
 */
class AddCitiesPropertyTest {
  private static final List<String> LISTED = List.of("Hanoi,VN", "Paris,FR", "Lima,PE");
  private static final List<String> KNOWN = List.of("Oslo,NO", "Quito,EC", "Rome,IT", "Hue,VN");
  private static final List<String> UNKNOWN = List.of("Atlantis", "Mu", "El Dorado,XX");
  private static final List<String> POOL = new ArrayList<>();
  private static FakeSilo.VirtualTime time;
  private static FakeSilo silo;

  static {
    POOL.addAll(LISTED);
    POOL.addAll(KNOWN);
    POOL.addAll(UNKNOWN);
  }

  @BeforeAll
  static void start() throws IOException {
    time = new FakeSilo.VirtualTime();
    silo = new FakeSilo(time);
  }

  @AfterAll
  static void stop() {
    silo.close();
  }

  /** Pick {@code p}: a city of the pool, spelt one of three ways. */
  private static String spelt(int p) {
    String name = POOL.get(p % POOL.size());
    return switch (p / POOL.size()) {
      case 0 -> name;
      case 1 -> name.toUpperCase(Locale.ROOT);
      default -> " " + name.replace(",", " , ") + " ";
    };
  }

  @Test
  void everyRunSendsEachUnlistedNameOnceAndWaitsOutEachRefusal() {
    qt().withExamples(60)
        .forAll(
            lists().of(integers().between(0, POOL.size() * 3 - 1)).ofSizeBetween(1, 25),
            integers().between(1, 4),
            booleans().all())
        .checkAssert(this::check);
  }

  private void check(List<Integer> picks, int budget, boolean paged) {
    silo.reset();
    KNOWN.forEach(c -> silo.world.add(Commands.cityId(c)));
    LISTED.forEach(c -> silo.world.add(Commands.cityId(c)));
    LISTED.forEach(c -> silo.registered.add(Commands.cityId(c)));
    silo.budget = budget;
    silo.pageSize = paged ? 2 : null;
    List<String> args = picks.stream().map(AddCitiesPropertyTest::spelt).toList();
    // The model: each city id once, where it came first.
    Map<String, String> firstSpelling = new LinkedHashMap<>();
    for (String a : args) firstSpelling.putIfAbsent(Commands.cityId(a), a.strip());
    long added = firstSpelling.keySet().stream().filter(id -> isIn(KNOWN, id)).count();
    long there = firstSpelling.keySet().stream().filter(id -> isIn(LISTED, id)).count();
    List<String> notFound =
        firstSpelling.entrySet().stream()
            .filter(e -> isIn(UNKNOWN, e.getKey()))
            .map(Map.Entry::getValue)
            .toList();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> words = new ArrayList<>(List.of("add-city"));
    words.addAll(args);
    int code =
        new Commands(
                new SiloClient(List.of(silo.url())),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                time,
                false)
            .run(words);
    String shown = out.toString(StandardCharsets.UTF_8);

    assertEquals(notFound.isEmpty() ? 0 : AddTally.NOT_FOUND, code, shown);
    String counts =
        "added "
            + added
            + ", already there "
            + there
            + ", not found "
            + notFound.size()
            + ", failed 0 ("
            + firstSpelling.size()
            + " of "
            + firstSpelling.size()
            + " names)\n";
    assertTrue(shown.contains(counts), shown + " lacks " + counts);
    if (!notFound.isEmpty())
      assertTrue(
          shown.endsWith(
              "not found (" + notFound.size() + "): " + String.join(", ", notFound) + "\n"),
          shown);

    List<FakeSilo.Call> calls = silo.calls();
    Map<String, Integer> taken = new HashMap<>();
    for (int i = 0; i < calls.size(); i++) {
      FakeSilo.Call c = calls.get(i);
      if (!c.method().equals("POST")) continue;
      String id = Commands.cityId(c.city());
      assertFalse(isIn(LISTED, id), "a listed city was sent: " + c);
      if (c.status() != 503) taken.merge(id, 1, Integer::sum);
      else
        assertEquals(
            c.at().plus(Duration.ofSeconds(c.retryAfter())),
            calls.get(i + 1).at(),
            calls.toString());
    }
    assertTrue(taken.values().stream().allMatch(n -> n == 1), taken.toString());
    assertEquals(added + notFound.size(), taken.size(), taken.toString());
  }

  private static boolean isIn(List<String> cities, String id) {
    return cities.stream().map(Commands::cityId).anyMatch(Set.of(id)::contains);
  }
}
