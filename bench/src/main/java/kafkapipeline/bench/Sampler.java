package kafkapipeline.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Samples one phase every {@value #PERIOD_MS} ms: rows done (from the phase's own counter) and, for
 * every watched process, CPU time and resident memory from {@code /proc}.
 *
 * <p>Guarantees: {@link #awaitRows} returns only when the counter reached the target, or throws
 * {@link IllegalStateException} when the deadline passes first (the figures are then not made). The
 * figures cover the steady part of the phase: after the unmeasured warm-up rows, from the first
 * sample at or past 10 % of the measured rows to the first at or past 90 %, so start-up (JIT, a
 * consumer group forming) and the tail are left out; peak memory is the highest sample over the
 * whole phase.
 */
final class Sampler implements AutoCloseable {
  static final long PERIOD_MS = 250;

  private record Sample(long nanos, long rows, long[] cpuMicros, long machineMicros) {}

  private final Map<String, Long> pids;
  private final LongSupplier rows;
  private final List<Sample> samples = new ArrayList<>();
  private final long[] peakRssKb;
  private final Thread thread;
  private volatile boolean running = true;
  private final long startNanos = System.nanoTime();
  private static final long PROGRESS_NANOS = 15_000_000_000L;
  private long lastProgressNanos = startNanos;

  /** Starts sampling at once. {@code pids}: process name to pid, in report order. */
  Sampler(Map<String, Long> pids, LongSupplier rows) {
    this.pids = new LinkedHashMap<>(pids);
    this.rows = rows;
    this.peakRssKb = new long[pids.size()];
    sample();
    this.thread = new Thread(this::loop, "bench-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      try {
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        return;
      }
      sample();
    }
  }

  private synchronized void sample() {
    long[] cpu = new long[pids.size()];
    int i = 0;
    for (long pid : pids.values()) {
      cpu[i] = ProcStats.cpuMicros(pid);
      peakRssKb[i] = Math.max(peakRssKb[i], ProcStats.rssKb(pid));
      i++;
    }
    long done;
    try {
      done = rows.getAsLong();
    } catch (RuntimeException e) {
      done =
          samples.isEmpty()
              ? 0
              : samples.get(samples.size() - 1).rows(); // a silo busy or restarting
    }
    long now = System.nanoTime();
    samples.add(new Sample(now, done, cpu, ProcStats.machineBusyMicros()));
    if (now - lastProgressNanos > PROGRESS_NANOS) {
      lastProgressNanos = now;
      System.out.printf("    ... %,d rows after %.0f s%n", done, (now - startNanos) / 1e9);
    }
  }

  synchronized long lastRows() {
    return samples.get(samples.size() - 1).rows();
  }

  /** Waits until the counter reaches {@code target}. */
  void awaitRows(long target, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (lastRows() < target) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "only " + lastRows() + " of " + target + " rows after " + timeout.toSeconds() + " s");
      }
      sleep(PERIOD_MS);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The figures of the phase, over its steady part (see the class comment). */
  synchronized PhaseResult result(
      String phase, int round, long warmup, long target, Map<String, Object> notes) {
    sample();
    long measured = target - warmup;
    Sample first = firstAtLeast(warmup + measured / 10);
    Sample last = firstAtLeast(warmup + measured * 9 / 10);
    if (last == first) last = samples.get(samples.size() - 1);
    double seconds = Math.max(1e-9, (last.nanos() - first.nanos()) / 1e9);
    long rowsInWindow = Math.max(1, last.rows() - first.rows());
    Map<String, Double> cpuPerRow = new LinkedHashMap<>();
    Map<String, Double> cpuCores = new LinkedHashMap<>();
    Map<String, Double> peakMb = new LinkedHashMap<>();
    int i = 0;
    double total = 0;
    for (String name : pids.keySet()) {
      long micros = last.cpuMicros()[i] - first.cpuMicros()[i];
      if (first.cpuMicros()[i] >= 0 && last.cpuMicros()[i] >= 0) {
        cpuPerRow.put(name, (double) micros / rowsInWindow);
        cpuCores.put(name, micros / 1e6 / seconds);
        total += (double) micros / rowsInWindow;
      }
      peakMb.put(name, peakRssKb[i] / 1024.0);
      i++;
    }
    cpuPerRow.put("total", total);
    // CPU the rest of the machine used meanwhile: other people's builds and tests distort the
    // figures.
    double ours = cpuCores.values().stream().mapToDouble(Double::doubleValue).sum();
    cpuCores.put(
        "other processes", (last.machineMicros() - first.machineMicros()) / 1e6 / seconds - ours);
    double wall = (samples.get(samples.size() - 1).nanos() - startNanos) / 1e9;
    return new PhaseResult(
        phase,
        round,
        measured,
        rowsInWindow / seconds,
        wall,
        seconds,
        cpuPerRow,
        cpuCores,
        peakMb,
        notes);
  }

  private Sample firstAtLeast(long rowsDone) {
    for (Sample s : samples) {
      if (s.rows() >= rowsDone) return s;
    }
    return samples.get(samples.size() - 1);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
