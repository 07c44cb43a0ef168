package kafkapipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ManagedProcessTest {

  @TempDir Path dir;

  /** The test JVM's own classpath (under surefire, a manifest-only jar that lists it). */
  static List<Path> ownClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(Path::of)
        .toList();
  }

  private ManagedProcess startSleeper(String name) {
    return ManagedProcess.start(
        new ProcessSpec(name, SleepForever.class.getName())
            .classpath(ownClasspath())
            .logFile(dir.resolve(name + ".log")));
  }

  @Test
  void deathDuringStartNamesTheProcessAndQuotesItsLog() {
    ManagedProcess process =
        ManagedProcess.start(
            new ProcessSpec("doomed", "no.such.Main")
                .classpath(ownClasspath())
                .logFile(dir.resolve("doomed.log")));
    LaunchException e =
        assertThrows(
            LaunchException.class, () -> process.awaitReady(() -> false, Duration.ofSeconds(30)));
    assertTrue(
        e.getMessage()
            .startsWith("doomed (pid " + process.pid() + ") exited with code 1 while starting"),
        e.getMessage());
    assertTrue(e.getMessage().contains("ClassNotFoundException: no.such.Main"), e.getMessage());
  }

  @Test
  void readinessTimeoutSaysSoAndLeavesTheProcessRunning() throws Exception {
    ManagedProcess process = startSleeper("slow");
    try {
      LaunchException e =
          assertThrows(
              LaunchException.class,
              () ->
                  process.awaitReady(
                      () -> {
                        throw new IllegalStateException("not yet");
                      },
                      Duration.ofSeconds(1)));
      assertTrue(
          e.getMessage()
              .contains(
                  "did not become ready within 1 s (last check failed: "
                      + "java.lang.IllegalStateException: not yet)"),
          e.getMessage());
      assertTrue(process.isAlive());
      assertTrue(process.rssKb().orElseThrow() > 1000);
    } finally {
      process.stop(Duration.ofSeconds(10));
    }
    assertFalse(process.isAlive());
  }

  @Test
  void stopEndsTheProcessAndKillToo() throws Exception {
    ManagedProcess stopped = startSleeper("stopped");
    ManagedProcess killed = startSleeper("killed");
    stopped.awaitReady(
        () -> Files.readString(stopped.logFile()).contains("sleeping"), Duration.ofSeconds(30));
    stopped.stop(Duration.ofSeconds(10));
    killed.kill();
    assertFalse(stopped.isAlive());
    assertEquals(143, stopped.onExit().get());
    assertFalse(killed.isAlive());
    assertEquals(137, killed.onExit().get());
    assertTrue(stopped.rssKb().isEmpty());
  }

  @Test
  void childExitsWhenTheLauncherIsKilled() throws Exception {
    Path grandchildLog = dir.resolve("grandchild.log");
    ManagedProcess launcher =
        ManagedProcess.start(
            new ProcessSpec("fake-launcher", SpawnChildAndWait.class.getName())
                .classpath(ownClasspath())
                .args(List.of(grandchildLog.toString()))
                .logFile(dir.resolve("fake-launcher.log")));
    launcher.awaitReady(
        () -> Files.readString(launcher.logFile()).contains("grandchild-pid="),
        Duration.ofSeconds(30));
    String log = Files.readString(launcher.logFile());
    long grandchildPid = Long.parseLong(log.replaceAll("(?s).*grandchild-pid=(\\d+).*", "$1"));
    Optional<ProcessHandle> grandchild = ProcessHandle.of(grandchildPid);
    assertTrue(grandchild.isPresent() && grandchild.get().isAlive());

    // SIGKILL to the launcher only: its shutdown hook cannot run, the grandchild must notice.
    ProcessHandle.of(launcher.pid()).orElseThrow().destroyForcibly();
    grandchild.get().onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
    assertFalse(grandchild.get().isAlive());
    assertTrue(Files.readString(grandchildLog).contains("is gone: shutting down"));
  }
}
