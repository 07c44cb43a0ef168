package kafkapipeline.launcher;

import java.time.Duration;

/**
 * Polls a condition on servers that are already running (a whole cluster, not one process: one
 * process's start is {@link ManagedProcess#awaitReady}).
 *
 * <p>Guarantees: {@link #until} returns as soon as the probe answers "ready" (null); an exception
 * from the probe counts as "not yet" and is remembered; when {@code timeout} passes it throws a
 * {@link LaunchException} "{@code what} within N s (last: ...)" with the probe's last answer.
 */
final class Poll {
  static final long INTERVAL_MILLIS = 250;

  /** What a probe sees: null when ready, else a short description of what is missing. */
  @FunctionalInterface
  interface Probe {
    String missing() throws Exception;
  }

  private Poll() {}

  static void until(String what, Duration timeout, Probe probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    while (true) {
      try {
        String missing = probe.missing();
        if (missing == null) {
          return;
        }
        last = missing;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LaunchException("interrupted while waiting: " + what, e);
      } catch (Exception e) {
        last = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      if (System.nanoTime() > deadline) {
        throw new LaunchException(
            what + " within " + timeout.toSeconds() + " s (last: " + last + ")");
      }
      try {
        Thread.sleep(INTERVAL_MILLIS); // the poll interval, not a wait for an outcome
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LaunchException("interrupted while waiting: " + what, e);
      }
    }
  }
}
