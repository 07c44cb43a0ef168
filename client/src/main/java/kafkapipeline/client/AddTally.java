package kafkapipeline.client;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What became of each name of an {@code add-city} run, its summary and its exit code. Every name is
 * counted once, in exactly one of: added, already there, not found, failed (with its reason).
 * Thread-safe: the Ctrl-C hook reads it while the run writes it.
 */
final class AddTally {
  /** Some names were not found by the weather API, and nothing else failed. */
  static final int NOT_FOUND = 4;

  static final int MAX_NAMED_FAILURES = 50;

  private final int total;
  private int added;
  private int alreadyThere;
  private final List<String> notFound = new ArrayList<>();
  // The reason, then each name that failed for it: 2,000 names stopped for one reason are one line.
  private final Map<String, List<String>> failed = new LinkedHashMap<>();
  private boolean unreachable;

  AddTally(int total) {
    this.total = total;
  }

  synchronized void added() {
    added++;
  }

  synchronized void alreadyThere() {
    alreadyThere++;
  }

  synchronized void notFound(String name) {
    notFound.add(name);
  }

  synchronized void failed(String name, String reason) {
    failed.computeIfAbsent(reason, r -> new ArrayList<>()).add(name);
  }

  /** The run stopped because no silo answered; the names left are failed with that reason. */
  synchronized void unreachable() {
    unreachable = true;
  }

  synchronized int done() {
    return added + alreadyThere + notFound.size() + failedCount();
  }

  int total() {
    return total;
  }

  synchronized int addedCount() {
    return added;
  }

  synchronized int alreadyThereCount() {
    return alreadyThere;
  }

  synchronized int notFoundCount() {
    return notFound.size();
  }

  synchronized int failedCount() {
    return failed.values().stream().mapToInt(List::size).sum();
  }

  /**
   * 0: every name added or already there; {@link Commands#SERVER_ERROR} (1): some failed otherwise;
   * {@link Commands#UNREACHABLE} (3): the run stopped because no silo answered; {@link #NOT_FOUND}
   * (4): some were not found and none failed. A failure outranks a name not found: both are named
   * in the summary, and a failure is the one that may go away when run again.
   */
  synchronized int exitCode() {
    if (unreachable) return Commands.UNREACHABLE;
    if (!failed.isEmpty()) return Commands.SERVER_ERROR;
    if (!notFound.isEmpty()) return NOT_FOUND;
    return Commands.OK;
  }

  /** The counts on one line (the progress line's and the summary's first). */
  synchronized String counts() {
    return "added "
        + added
        + ", already there "
        + alreadyThere
        + ", not found "
        + notFound.size()
        + ", failed "
        + failedCount();
  }

  synchronized void printSummary(PrintStream out) {
    out.println(counts() + " (" + done() + " of " + total + " names)");
    if (!notFound.isEmpty())
      out.println("not found (" + notFound.size() + "): " + String.join(", ", notFound));
    for (Map.Entry<String, List<String>> f : failed.entrySet())
      out.println(
          "failed (" + f.getValue().size() + "): " + named(f.getValue()) + ": " + f.getKey());
  }

  // The names not sent after a stop may be thousands: the first ones, then how many more.
  private static String named(List<String> names) {
    if (names.size() <= MAX_NAMED_FAILURES) return String.join(", ", names);
    return String.join(", ", names.subList(0, MAX_NAMED_FAILURES))
        + " and "
        + (names.size() - MAX_NAMED_FAILURES)
        + " more";
  }
}
