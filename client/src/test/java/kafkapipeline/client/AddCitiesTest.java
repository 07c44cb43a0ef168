package kafkapipeline.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code add-city} with many names against {@link FakeSilo}: Retry-After waited out on the real
 * clock, a lost answer looked at before sending again, a second run after an interrupt sending only
 * the rest, failures named with their reasons, the stop after refusals in a row, paged lists, the
 * progress lines and the exit codes.
 */
class AddCitiesTest {
  private final FakeSilo.VirtualTime virtual = new FakeSilo.VirtualTime();
  private FakeSilo silo;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  @TempDir Path dir;

  @AfterEach
  void stop() {
    if (silo != null) silo.close();
  }

  private FakeSilo silo(AddCities.Time time, String... world) throws IOException {
    silo = new FakeSilo(time);
    for (String city : world) silo.world.add(Commands.cityId(city));
    return silo;
  }

  private Commands commands(String url, AddCities.Time time, boolean terminal) {
    return new Commands(
        new SiloClient(List.of(url)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        time,
        terminal);
  }

  private int run(AddCities.Time time, boolean terminal, String... args) {
    Commands commands = commands(silo.url(), time, terminal);
    List<String> words = new ArrayList<>(List.of("add-city"));
    words.addAll(List.of(args));
    return commands.run(words);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aRefusalIsWaitedOutForItsRetryAfterOnTheRealClock() throws Exception {
    silo(AddCities.Time.SYSTEM, "Hanoi,VN");
    silo.refuseNextFor = 1L;
    assertEquals(0, run(AddCities.Time.SYSTEM, false, "Hanoi,VN"));
    List<FakeSilo.Call> posts = silo.posts();
    assertEquals(503, posts.get(0).status(), posts.toString());
    assertEquals(1L, posts.get(0).retryAfter());
    assertEquals(201, posts.get(1).status(), posts.toString());
    long waitedMs = Duration.between(posts.get(0).at(), posts.get(1).at()).toMillis();
    assertTrue(waitedMs >= 1000 && waitedMs < 2500, "waited " + waitedMs + " ms for 1 s");
    assertEquals(2, posts.size());
    assertTrue(out().endsWith("added 1, already there 0, not found 0, failed 0 (1 of 1 names)\n"));
  }

  @Test
  void aLostAnswerIsLookedAtBeforeTheCityIsSentAgain() throws Exception {
    silo(virtual, "Hanoi,VN", "Hue,VN");
    silo.loseAnswerOf = "hanoi,vn";
    silo.registerBeforeLosing = true;
    assertEquals(0, run(virtual, false, "Hanoi,VN"));
    // Taken, answer lost, then listed: never sent again.
    assertEquals(List.of("GET", "POST", "GET"), methods(), silo.calls().toString());
    assertTrue(out().endsWith("added 1, already there 0, not found 0, failed 0 (1 of 1 names)\n"));

    silo.reset();
    silo.world.add("hue,vn");
    silo.loseAnswerOf = "hue,vn";
    silo.registerBeforeLosing = false;
    out.reset();
    assertEquals(0, run(virtual, false, "Hue,VN"));
    // Not listed after the lost answer: sent once more, after the look.
    assertEquals(List.of("GET", "POST", "GET", "POST"), methods(), silo.calls().toString());
    assertEquals(201, silo.posts().get(1).status());
    assertTrue(out().endsWith("added 1, already there 0, not found 0, failed 0 (1 of 1 names)\n"));
  }

  @Test
  void runAgainAfterAnInterruptItSendsOnlyTheRest() throws Exception {
    List<String> names = List.of("A,AA", "B,BB", "C,CC", "D,DD", "E,EE", "F,FF");
    silo(virtual, names.toArray(String[]::new));
    silo.budget = 2;
    virtual.interruptSleeps = true; // the first wait for the budget is where Ctrl-C comes
    assertEquals(1, run(virtual, false, names.toArray(String[]::new)));
    assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
    assertTrue(out().contains("added 2, already there 0, not found 0, failed 4"), out());
    assertTrue(out().contains("failed (4): C,CC, D,DD, E,EE, F,FF: not sent: interrupted"), out());
    assertEquals(Set.of("a,aa", "b,bb"), silo.registered);

    virtual.interruptSleeps = false;
    int before = silo.posts().size();
    out.reset();
    assertEquals(0, run(virtual, false, names.toArray(String[]::new)));
    assertTrue(
        out().endsWith("added 4, already there 2, not found 0, failed 0 (6 of 6 names)\n"), out());
    List<String> secondRun =
        silo.posts().subList(before, silo.posts().size()).stream()
            .filter(c -> c.status() != 503)
            .map(FakeSilo.Call::city)
            .toList();
    assertEquals(List.of("C,CC", "D,DD", "E,EE", "F,FF"), secondRun);
  }

  @Test
  void failuresAreNamedWithTheirReasonsAndOutrankNotFound() throws Exception {
    silo(virtual, "Hanoi,VN", "Boom,XX");
    silo.failing = "boom,xx";
    silo.failingStatus = 502;
    assertEquals(Commands.SERVER_ERROR, run(virtual, false, "Hanoi,VN", "Boom,XX", "Atlantis"));
    assertTrue(out().contains("added 1, already there 0, not found 1, failed 1 (3 of 3 names)\n"));
    assertTrue(out().contains("not found (1): Atlantis\n"), out());
    assertTrue(out().contains("failed (1): Boom,XX: the weather API failed\n"), out());
  }

  @Test
  void refusalsInARowStopTheRunAndNameWhy() throws Exception {
    silo(virtual, "Hanoi,VN", "Hue,VN");
    silo.budget = 0;
    assertEquals(Commands.SERVER_ERROR, run(virtual, false, "Hanoi,VN", "Hue,VN"));
    assertEquals(AddCities.MAX_REFUSALS_IN_ROW, silo.posts().size());
    assertTrue(
        out()
            .contains(
                "failed (2): Hanoi,VN, Hue,VN: not sent: the silos refused 30 adds in a row, the last:"
                    + " the weather call budget is used up"),
        out());
  }

  @Test
  void everyPageOfTheListIsReadAndNoListedCityIsSent() throws Exception {
    silo(virtual, "A,AA", "B,BB", "C,CC", "D,DD", "E,EE", "F,FF");
    silo.registered.addAll(List.of("a,aa", "b,bb", "c,cc", "d,dd", "e,ee"));
    silo.pageSize = 2;
    assertEquals(0, run(virtual, false, "e,ee", "A, AA", "F,FF"));
    assertEquals(List.of("GET", "GET", "GET", "POST"), methods(), silo.calls().toString());
    assertEquals("F,FF", silo.posts().get(0).city());
    assertTrue(out().endsWith("added 1, already there 2, not found 0, failed 0 (3 of 3 names)\n"));
  }

  @Test
  void noSiloReachableIsExitThreeAndNothingCounted() throws IOException {
    silo(virtual);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Commands commands = commands("http://127.0.0.1:" + port, virtual, false);
    assertEquals(Commands.UNREACHABLE, commands.run(List.of("add-city", "Hanoi,VN")));
    assertTrue(out().contains("failed (1): Hanoi,VN: not sent: no silo reachable"), out());
  }

  @Test
  void aFileOfNamesWithCommentsAndRepeatsIsSentOnceEach() throws Exception {
    silo(virtual, "Hanoi,VN", "New York,US");
    Path file = dir.resolve("cities.txt");
    Files.writeString(file, "# my cities\n\n  Hanoi,VN  \nnew york , us\nhanoi, vn\n# end\n");
    assertEquals(0, run(virtual, false, "--file", file.toString()));
    assertEquals(
        List.of("Hanoi,VN", "new york , us"),
        silo.posts().stream().map(FakeSilo.Call::city).toList());
    assertTrue(out().startsWith("2 cities to add (1 repeated, once each)\n"), out());
  }

  @Test
  void theShellTakesAQuotedNameAsOneName() throws Exception {
    silo(virtual, "New York,US", "Hue,VN");
    Commands commands = commands(silo.url(), virtual, false);
    Shell.run(
        commands,
        new ByteArrayInputStream(
            "add-city \"New York,US\" Hue,VN\n".getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    assertEquals(
        List.of("New York,US", "Hue,VN"), silo.posts().stream().map(FakeSilo.Call::city).toList());
  }

  @Test
  void progressIsRedrawnOnATerminalAndPeriodicElsewhere() throws Exception {
    String[] names = {"A,AA", "B,BB", "C,CC", "D,DD"};
    silo(virtual, names);
    silo.budget = 1; // one add a minute: each after a 60 s wait
    assertEquals(0, run(virtual, false, names));
    List<String> lines = List.of(out().split("\n"));
    // A line when 10 s have passed since the last, the time left from the rate so far.
    assertEquals(
        List.of(
            "4 cities to add",
            "2/4 (50%) added 2, already there 0, not found 0, failed 0, 1m 0s left",
            "3/4 (75%) added 3, already there 0, not found 0, failed 0, 40s left",
            "4/4 (100%) added 4, already there 0, not found 0, failed 0, 0s left",
            "added 4, already there 0, not found 0, failed 0 (4 of 4 names)"),
        lines);

    silo.reset();
    silo.world.addAll(List.of("a,aa", "b,bb", "c,cc", "d,dd"));
    out.reset();
    assertEquals(0, run(virtual, true, names));
    String shown = out();
    assertTrue(shown.startsWith("4 cities to add\n\r0/4 (0%) added 0"), shown);
    assertTrue(
        shown.contains("\r4/4 (100%) added 4, already there 0, not found 0, failed 0"), shown);
    assertTrue(shown.contains("\u001b[K\nadded 4, already there 0"), shown);
  }

  private List<String> methods() {
    return silo.calls().stream().map(FakeSilo.Call::method).toList();
  }
}
