package kafkapipeline.launcher;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child JVM started by the launcher, with its stdout and stderr appended to one log file.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>No process outlives the launcher. Every started process is stopped by a JVM shutdown hook
 *       (in reverse start order, SIGTERM then SIGKILL after its {@linkplain
 *       ProcessSpec#shutdownGrace grace}, its descendants too). If the launcher dies without
 *       running hooks (SIGKILL), the child notices within a second and exits by itself (see {@link
 *       ExitWithParent}), unless {@link ProcessSpec#exitWithParent(boolean)} turned that off. A
 *       process handed to another owner ({@link ProcessSpec#ownedBy}) is left running and follows
 *       its owner instead.
 *   <li>Failures carry the evidence: when the process dies while starting or does not become ready
 *       in time, the {@link LaunchException} names the process and quotes the last {@value
 *       #TAIL_LINES} lines of its log.
 * </ul>
 *
 * The classpath is passed in a {@code @argfile} next to the log, which keeps {@code ps} readable. A
 * spec that asks for class data sharing ({@link ProcessSpec#classDataSharing}) gets its archive
 * kept after the process exits; {@link #onExit}, {@link #stop}, {@link #kill} and {@link
 * #awaitExit} return only after that (up to 10 s more), as does the shutdown hook.
 */
public final class ManagedProcess {

  private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);
  private static final int TAIL_LINES = 30;
  private static final long POLL_MILLIS = 250;
  private static final Duration FORCED_EXIT_WAIT = Duration.ofSeconds(10);

  /** Started and not yet known to be stopped, in start order. */
  private static final ConcurrentLinkedDeque<ManagedProcess> RUNNING =
      new ConcurrentLinkedDeque<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ManagedProcess::stopAllOnExit, "managed-process-reaper"));
  }

  private final String name;
  private final Process process;
  private final Path logFile;
  private final Duration shutdownGrace;

  /**
   * Completes after the process exited and the launcher dealt with what it left (a class data
   * dump).
   */
  private final CompletableFuture<Void> finished;

  private ManagedProcess(
      String name,
      Process process,
      Path logFile,
      Duration shutdownGrace,
      CompletableFuture<Void> finished) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.shutdownGrace = shutdownGrace;
    this.finished = finished;
  }

  /**
   * Starts the process described by {@code spec} and returns at once (see {@link #awaitReady}). Its
   * log file gets a header line with the time and the full command first.
   *
   * @throws LaunchException if the log folder cannot be written or the JVM cannot be spawned
   */
  public static ManagedProcess start(ProcessSpec spec) {
    ProcessSpec.Prepared prepared;
    try {
      prepared = spec.prepare();
    } catch (IOException e) {
      throw new LaunchException("cannot start " + spec.name + ": " + e.getMessage(), e);
    }
    ClassDataArchives.Plan classData = prepared.classData();
    Process process;
    Path logPath = spec.logFile.toAbsolutePath();
    try {
      List<String> command = prepared.command();
      Path dir = spec.workDir != null ? spec.workDir : logPath.getParent();
      Files.createDirectories(dir);
      Files.writeString(
          logPath,
          "=== "
              + Instant.now()
              + " starting "
              + spec.name
              + ": "
              + String.join(" ", command)
              + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logPath.toFile()));
      builder.environment().putAll(spec.env);
      process = builder.start();
    } catch (IOException e) {
      classData.afterExit(); // frees the dump it may have reserved
      throw new LaunchException("cannot start " + spec.name + ": " + e.getMessage(), e);
    }
    CompletableFuture<Void> finished =
        process.onExit().thenRun(() -> afterExit(spec.name, classData));
    ManagedProcess managed =
        new ManagedProcess(spec.name, process, logPath, spec.shutdownGrace, finished);
    if (!spec.detached) {
      RUNNING.add(managed);
      // Only once what the process left is dealt with: the shutdown hook then waits for it too.
      finished.whenComplete((ignored, error) -> RUNNING.remove(managed));
    }
    try {
      process.getOutputStream().close(); // no stdin: a read sees end of file, never blocks
    } catch (IOException e) {
      // the JVM is spawned; its stdin stays open, which costs nothing
    }
    log.debug("started {} (pid {}), log {}", spec.name, process.pid(), logPath);
    return managed;
  }

  private static void afterExit(String name, ClassDataArchives.Plan classData) {
    try {
      classData.afterExit();
    } catch (RuntimeException e) {
      log.warn("{}: after its exit: {}", name, e.toString());
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return logFile;
  }

  /**
   * Completes with the exit code when the process ends, however it ends, once the launcher has
   * dealt with what it left (its class data dump is then already the archive a next start uses).
   */
  public CompletableFuture<Integer> onExit() {
    return finished.thenApply(ignored -> process.exitValue());
  }

  /** Resident memory of the process in KiB, from /proc; empty if it is gone or not on Linux. */
  public OptionalLong rssKb() {
    if (!process.isAlive()) {
      return OptionalLong.empty(); // its pid may already belong to another process
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or no procfs
    }
    return OptionalLong.empty();
  }

  /**
   * Polls {@code probe} (every {@value #POLL_MILLIS} ms; an exception counts as "not yet") until it
   * returns true.
   *
   * @throws LaunchException if the process exits first, or {@code timeout} passes; the process is
   *     left as it is (the caller decides whether to stop it)
   */
  public void awaitReady(Callable<Boolean> probe, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception lastFailure = null;
    while (true) {
      if (!process.isAlive()) {
        throw failure("exited with code " + process.exitValue() + " while starting");
      }
      try {
        if (Boolean.TRUE.equals(probe.call()) && process.isAlive()) {
          return;
        }
        lastFailure = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LaunchException("interrupted while waiting for " + name + " to start", e);
      } catch (Exception e) {
        lastFailure = e;
      }
      if (System.nanoTime() > deadline) {
        String cause = lastFailure == null ? "" : " (last check failed: " + lastFailure + ")";
        throw failure("did not become ready within " + timeout.toSeconds() + " s" + cause);
      }
      waitForExit(Duration.ofMillis(POLL_MILLIS));
      if (Thread.currentThread().isInterrupted()) {
        throw new LaunchException("interrupted while waiting for " + name + " to start");
      }
    }
  }

  /**
   * Waits for a process that is meant to finish by itself (a tool run) and returns its exit code.
   *
   * @throws LaunchException if it is still running after {@code timeout} (it is then killed)
   */
  public int awaitExit(Duration timeout) {
    if (!waitForExit(timeout)) {
      kill();
      throw failure("did not finish within " + timeout.toSeconds() + " s and was killed");
    }
    awaitFinished();
    return process.exitValue();
  }

  /**
   * Waits for a tool run that must succeed.
   *
   * @throws LaunchException if it exits with a non-zero code (quoting its log) or runs too long
   */
  public void awaitSuccess(Duration timeout) {
    int code = awaitExit(timeout);
    if (code != 0) {
      throw failure("failed with exit code " + code);
    }
  }

  /**
   * Stops gracefully: SIGTERM, up to {@code grace} for the process to exit, then SIGKILL.
   * Descendants still running after the process ends are stopped the same way (5 s grace). Returns
   * when the process is gone; does nothing if it already is.
   */
  public void stop(Duration grace) {
    List<ProcessHandle> descendants = process.descendants().toList();
    if (process.isAlive()) {
      log.info("stopping {} (pid {})", name, pid());
      process.destroy();
      if (!waitForExit(grace)) {
        log.warn(
            "{} (pid {}) did not stop within {} s; killing it", name, pid(), grace.toSeconds());
        process.destroyForcibly();
        waitForExit(FORCED_EXIT_WAIT);
      }
    }
    for (ProcessHandle child : descendants) {
      if (child.isAlive()) {
        child.destroy();
        if (!awaitHandle(child, Duration.ofSeconds(5))) {
          child.destroyForcibly();
        }
      }
    }
    awaitFinished();
  }

  /** SIGKILL to the process and its descendants, as a crash would; returns once it is gone. */
  public void kill() {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    waitForExit(FORCED_EXIT_WAIT);
    awaitFinished();
  }

  /** The last {@code lines} lines of the log file (fewer if the log is shorter). */
  public List<String> logTail(int lines) {
    try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
      long length = file.length();
      int size = (int) Math.min(length, 64 * 1024);
      byte[] bytes = new byte[size];
      file.seek(length - size);
      file.readFully(bytes);
      List<String> all = List.of(new String(bytes, StandardCharsets.UTF_8).split("\r?\n"));
      return all.subList(Math.max(0, all.size() - lines), all.size());
    } catch (IOException e) {
      return List.of("(cannot read " + logFile + ": " + e.getMessage() + ")");
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + (isAlive() ? ")" : ", exited)");
  }

  private LaunchException failure(String what) {
    StringBuilder message =
        new StringBuilder()
            .append(name)
            .append(" (pid ")
            .append(pid())
            .append(") ")
            .append(what)
            .append("; last lines of ")
            .append(logFile)
            .append(':');
    logTail(TAIL_LINES).forEach(line -> message.append("\n  | ").append(line));
    return new LaunchException(message.toString());
  }

  private boolean waitForExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** Once the process is gone: waits (bounded) until the launcher dealt with what it left. */
  private void awaitFinished() {
    if (!process.isAlive()) {
      try {
        finished.get(FORCED_EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        log.debug("{}: after its exit: {}", name, e.toString());
      }
    }
    RUNNING.remove(this);
  }

  private static boolean awaitHandle(ProcessHandle handle, Duration timeout) {
    try {
      handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return !handle.isAlive();
    }
  }

  private static void stopAllOnExit() {
    List<ManagedProcess> running = new ArrayList<>(RUNNING);
    Collections.reverse(running);
    for (ManagedProcess p : running) {
      p.stop(p.shutdownGrace);
    }
  }
}
