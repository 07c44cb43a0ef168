package kafkapipeline.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code add-city NAME... | --file FILE}: adds many cities, one request at a time, paced by the
 * silo's answers. What it guarantees:
 *
 * <ul>
 *   <li>Before sending anything it reads every city the cluster has ({@code GET /api/cities}, every
 *       page), and sends no POST for a name whose city id is listed: a run stopped by Ctrl-C and
 *       started again sends only the rest. A name without a country code ({@code Hanoi}) can be
 *       matched only by the silo's answer (the id is the weather API's name and country), so it is
 *       sent again, answered "already there", at the cost of one weather call.
 *   <li>One request in flight: every add spends a call of the cluster's one weather budget, so
 *       parallel adds buy nothing but refusals.
 *   <li>A 503 or 429 is waited out for exactly its {@code Retry-After} (whole seconds), then the
 *       same name is sent again: a refused add did nothing. Without the header it waits {@link
 *       #DEFAULT_RETRY_AFTER}. After {@link #MAX_REFUSALS_IN_ROW} refusals in a row the run stops
 *       (a silo without a weather key refuses every add), the names left failed with the last
 *       refusal.
 *   <li>A POST a silo took but did not answer is never sent again unlooked: the cities are read
 *       again, and it counts as added when its id is listed; otherwise it is sent once more, and a
 *       second lost answer fails that name.
 *   <li>When no silo is reachable the run stops, the names left failed, exit 3.
 * </ul>
 *
 * Each name ends in {@link AddTally}, which prints the summary and gives the exit code.
 */
final class AddCities {
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
  static final int MAX_REFUSALS_IN_ROW = 30;

  /** What {@code add-city --help} prints. */
  static final String HELP =
      String.join(
          "\n",
          "usage: add-city NAME[,CC]... | --file FILE   (each argument one name: \"New York,US\")",
          "  FILE: one name a line; blank lines and lines starting with # are skipped.",
          "  Names are trimmed and each is sent once. The cities the cluster lists are skipped,",
          "  so after Ctrl-C the same command goes on where it stopped. One add at a time; a 503",
          "  or 429 is waited out for its Retry-After.",
          "  exit 0: every city added or already there; 4: some not found (named), none failed;",
          "  1: some failed otherwise (each with its reason); 2: bad input, nothing sent;",
          "  3: no silo reachable (the rest not sent).");

  /** The clock and the sleep the run paces itself with (virtual in tests). */
  interface Time {
    Instant now();

    void sleep(Duration d) throws InterruptedException;

    Time SYSTEM =
        new Time() {
          @Override
          public Instant now() {
            return Instant.now();
          }

          @Override
          public void sleep(Duration d) throws InterruptedException {
            Thread.sleep(d.toMillis());
          }
        };
  }

  private final SiloClient silo;
  private final Time time;
  private final PrintStream out;
  private final boolean terminal;
  private int refusalsInRow;
  private String lastRefusal;

  AddCities(SiloClient silo, Time time, PrintStream out, boolean terminal) {
    this.silo = silo;
    this.time = time;
    this.out = out;
    this.terminal = terminal;
  }

  /** Adds {@code names} (checked, each once) and returns what became of each. */
  AddTally run(List<String> names) {
    AddTally tally = new AddTally(names.size());
    AddProgress progress = new AddProgress(out, terminal, time, tally);
    // Ctrl-C ends the JVM without unwinding this thread: the hook ends the line and says what
    // was done and how to go on.
    Thread onCtrlC =
        new Thread(
            () -> {
              progress.finish();
              out.println(
                  "interrupted: "
                      + tally.counts()
                      + "; the same command again goes on where this one stopped");
            });
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try {
      send(names, tally, progress);
    } finally {
      progress.finish();
      try {
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs: it says what was done
      }
    }
    return tally;
  }

  /** The silo answered the list of cities with an error. */
  private static final class ListRefused extends RuntimeException {
    ListRefused(String message) {
      super(message);
    }
  }

  /** Why the run stopped at a name: what became of that name, and of the names after it. */
  private static final class Stopped extends Exception {
    final String thisName;
    final String rest;
    final boolean unreachable;

    Stopped(String thisName, String rest, boolean unreachable) {
      super(rest, null, false, false);
      this.thisName = thisName;
      this.rest = rest;
      this.unreachable = unreachable;
    }
  }

  private void send(List<String> names, AddTally tally, AddProgress progress) {
    Set<String> known;
    try {
      known = listedIds();
    } catch (SiloClient.Unreachable | ListRefused e) {
      if (e instanceof SiloClient.Unreachable) tally.unreachable();
      for (String name : names) tally.failed(name, "not sent: " + e.getMessage());
      return;
    }
    List<String> toSend = names.stream().filter(n -> !known.contains(Commands.cityId(n))).toList();
    for (int k = toSend.size(); k < names.size(); k++) tally.alreadyThere();
    progress.start();
    for (int n = 0; n < toSend.size(); n++) {
      try {
        add(toSend.get(n), known, tally, progress);
      } catch (Stopped stop) {
        if (stop.unreachable) tally.unreachable();
        tally.failed(toSend.get(n), stop.thisName);
        for (String left : toSend.subList(n + 1, toSend.size())) tally.failed(left, stop.rest);
        return;
      }
      progress.update(null);
    }
  }

  /** Sends one name until the silo answers it; {@code known} gets the id it answers with. */
  private void add(String name, Set<String> known, AddTally tally, AddProgress progress)
      throws Stopped {
    String id = Commands.cityId(name);
    // An earlier name of this run may have been answered with this one's id (Hanoi, Hanoi,VN).
    if (known.contains(id)) {
      tally.alreadyThere();
      return;
    }
    boolean answerLost = false;
    while (true) {
      SiloClient.Response r;
      try {
        r = silo.send("POST", "/api/cities", Map.of("city", name));
      } catch (SiloClient.MaybeDone e) {
        if (listedAfterLostAnswer(known, e).contains(id)) {
          tally.added();
          return;
        }
        if (answerLost) {
          tally.failed(name, "sent twice, no answer either time: " + e.getMessage());
          return;
        }
        answerLost = true;
        continue;
      } catch (SiloClient.Unreachable e) {
        throw new Stopped("not sent: " + e.getMessage(), "not sent: " + e.getMessage(), true);
      }
      if (r.status() == 503 || r.status() == 429) {
        waitOut(r, progress);
        continue;
      }
      refusalsInRow = 0;
      String answeredId = r.body().path("id").asText("");
      if (!answeredId.isEmpty()) known.add(answeredId);
      if (r.status() == 201) tally.added();
      // After a lost answer a 200 is most likely that lost request's own add.
      else if (r.status() == 200) {
        if (answerLost) tally.added();
        else tally.alreadyThere();
      } else if (r.status() == 404) tally.notFound(name);
      else tally.failed(name, r.error());
      return;
    }
  }

  /** The ids listed after a POST's answer was lost; the run stops when they cannot be read. */
  private Set<String> listedAfterLostAnswer(Set<String> known, SiloClient.MaybeDone lost)
      throws Stopped {
    try {
      known.addAll(listedIds());
      return known;
    } catch (SiloClient.Unreachable | ListRefused e) {
      throw new Stopped(
          "may have been added: " + lost.getMessage() + "; then " + e.getMessage(),
          "not sent: " + e.getMessage(),
          e instanceof SiloClient.Unreachable);
    }
  }

  /** Waits out a refusal for exactly its Retry-After; stops after too many in a row. */
  private void waitOut(SiloClient.Response r, AddProgress progress) throws Stopped {
    refusalsInRow++;
    lastRefusal = r.error();
    if (refusalsInRow >= MAX_REFUSALS_IN_ROW) {
      String why =
          "not sent: the silos refused "
              + refusalsInRow
              + " adds in a row, the last: "
              + lastRefusal;
      throw new Stopped(why, why, false);
    }
    Duration wait = r.retryAfter().orElse(DEFAULT_RETRY_AFTER);
    progress.update("waiting " + wait.toSeconds() + " s: " + lastRefusal);
    try {
      time.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Stopped("not sent: interrupted", "not sent: interrupted", false);
    }
  }

  /**
   * Every city id the cluster lists: {@code GET /api/cities}, a JSON array, or pages of {@code
   * {"items": [...], "next": CURSOR}} followed with {@code ?after=CURSOR} until one has no next (or
   * the cursor does not move, so a silo that repeats a page cannot loop the client).
   */
  Set<String> listedIds() {
    Set<String> ids = new HashSet<>();
    String after = null;
    while (true) {
      SiloClient.Response r =
          silo.get(
              "/api/cities"
                  + (after == null
                      ? ""
                      : "?after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)));
      if (!r.ok()) throw new ListRefused("cannot list the cities: " + r.error());
      JsonNode items = r.body().isArray() ? r.body() : r.body().path("items");
      for (JsonNode c : items) ids.add(c.path("id").asText());
      String next = r.body().path("next").asText(null);
      if (next == null || next.isEmpty() || next.equals(after)) return ids;
      after = next;
    }
  }
}
