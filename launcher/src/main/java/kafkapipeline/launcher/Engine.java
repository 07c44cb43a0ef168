package kafkapipeline.launcher;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle a server process shares with the others: start (and start again on the same data),
 * wait until it answers, stop gracefully, kill as a crash would.
 *
 * <p>Guarantees: {@link #start()} returns only once {@link #awaitReady} succeeded; if launching or
 * waiting fails, the process is killed and the exception (a {@link LaunchException} naming the
 * cause) propagates, so a failed start leaves no process behind.
 */
public abstract class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  private final String displayName;
  private final Duration stopGrace;
  private ManagedProcess process;
  private Duration lastStartupTime = Duration.ZERO;

  /** {@code stopGrace}: how long {@link #stop()} waits after SIGTERM before SIGKILL. */
  protected Engine(String displayName, Duration stopGrace) {
    this.displayName = displayName;
    this.stopGrace = stopGrace;
  }

  /** Checks ports, writes configuration and spawns the server; does not wait for it. */
  protected abstract ManagedProcess launch();

  /** Returns when the server answers; throws if it does not in time. */
  protected abstract void awaitReady(ManagedProcess process);

  /** Where clients reach the server, for messages. */
  protected abstract String endpoint();

  /** Starts the server (again, after {@link #stop()} or {@link #kill()}, on the same data). */
  public final synchronized void start() {
    if (isRunning()) {
      throw new IllegalStateException(
          displayName + " is already running (pid " + process.pid() + ")");
    }
    long startedAt = System.nanoTime();
    process = launch();
    try {
      awaitReady(process);
    } catch (RuntimeException e) {
      process.kill();
      throw e;
    }
    lastStartupTime = Duration.ofNanos(System.nanoTime() - startedAt);
    log.info(
        "{} ready on {} in {} ms (pid {}, log {})",
        displayName,
        endpoint(),
        lastStartupTime.toMillis(),
        process.pid(),
        process.logFile());
  }

  /** Stops gracefully (SIGTERM, then SIGKILL after the stop grace). Does nothing if stopped. */
  public synchronized void stop() {
    if (process != null) {
      process.stop(stopGrace);
    }
  }

  /** SIGKILL, as a crash would. */
  public synchronized void kill() {
    if (process != null) {
      process.kill();
    }
  }

  @Override
  public void close() {
    stop();
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The process of the last start (for pid, RSS, log). */
  public synchronized ManagedProcess process() {
    if (process == null) {
      throw new IllegalStateException(displayName + " was never started");
    }
    return process;
  }

  /** The name in messages, e.g. "Kafka node 2". */
  @Override
  public String toString() {
    return displayName;
  }

  /** From the start of {@link #start()} to ready, of the last start. */
  public synchronized Duration lastStartupTime() {
    return lastStartupTime;
  }
}
