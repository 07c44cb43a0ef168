package kafkapipeline.client;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * The progress of an {@code add-city} run: done/total, the counts, and the time left estimated from
 * the rate of the names sent so far (names already listed by the cluster take no time and are left
 * out of the rate). On a terminal one line is redrawn in place, at most {@link #REDRAW} apart; else
 * a plain line every {@link #PERIOD} (none in a shorter run), so a log or a pipe gets a few lines,
 * not one per city. Never fails: it only prints.
 */
final class AddProgress {
  static final Duration REDRAW = Duration.ofMillis(100);
  static final Duration PERIOD = Duration.ofSeconds(10);

  private final PrintStream out;
  private final boolean terminal;
  private final AddCities.Time time;
  private final AddTally tally;
  private Instant started;
  private int skipped;
  private Instant lastShown;
  private boolean lineOpen;

  AddProgress(PrintStream out, boolean terminal, AddCities.Time time, AddTally tally) {
    this.out = out;
    this.terminal = terminal;
    this.time = time;
    this.tally = tally;
  }

  /** The sending starts: the names done before it were listed by the cluster, not sent. */
  synchronized void start() {
    started = time.now();
    skipped = tally.done();
    lastShown = started;
    // A pipe's first line comes a period in: a short run prints its summary only.
    if (terminal) show(null, true);
  }

  /** A name is done, or the run waits ({@code waiting} says why), or it goes on. */
  synchronized void update(String waiting) {
    show(waiting, false);
  }

  /**
   * Draws the line a last time (an update inside {@link #REDRAW} was skipped) and ends it, so what
   * follows starts on a line of its own.
   */
  synchronized void finish() {
    if (!terminal || !lineOpen) return;
    show(null, true);
    out.println();
    lineOpen = false;
  }

  private void show(String waiting, boolean first) {
    Instant now = time.now();
    Duration gap = lastShown == null ? null : Duration.between(lastShown, now);
    if (!first && gap != null && gap.compareTo(terminal ? REDRAW : PERIOD) < 0) return;
    lastShown = now;
    if (terminal) {
      // Carriage return and erase-line (ANSI EL) redraw the one line; jline's Status would need a
      // scroll region of a terminal this command would have to open, for a single line.
      out.print("\r" + line(waiting) + "\u001b[K");
      out.flush();
      lineOpen = true;
    } else out.println(line(waiting));
  }

  /** {@code 120/2000 (6%) added 100, ..., 31m 40s left}, and what the run waits for, if it does. */
  String line(String waiting) {
    int done = tally.done();
    int total = tally.total();
    StringBuilder s = new StringBuilder();
    s.append(done).append('/').append(total);
    s.append(" (").append(total == 0 ? 100 : done * 100L / total).append("%) ");
    s.append(tally.counts());
    Duration left = left(done, total);
    if (left != null) s.append(", ").append(format(left)).append(" left");
    if (waiting != null) s.append("; ").append(waiting);
    return s.toString();
  }

  /** From the rate of the names sent so far; null until one was. */
  Duration left(int done, int total) {
    int sent = done - skipped;
    if (started == null || sent <= 0) return null;
    Duration elapsed = Duration.between(started, time.now());
    return elapsed.multipliedBy(total - done).dividedBy(sent);
  }

  static String format(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s >= 3600) return s / 3600 + "h " + s % 3600 / 60 + "m";
    if (s >= 60) return s / 60 + "m " + s % 60 + "s";
    return s + "s";
  }
}
