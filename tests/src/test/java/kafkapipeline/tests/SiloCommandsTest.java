package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kafkapipeline.launcher.ProjectLayout;
import kafkapipeline.launcher.RunDirectory;
import kafkapipeline.launcher.SiloCommands;
import org.junit.jupiter.api.Test;

/**
 * {@code ./pipeline silo add | stop | kill} against a cluster recorded in a run directory, as a
 * running {@code ./pipeline up} records it (here: the shared engines, owned by this JVM). Silos
 * find each other through Cassandra; they use the fixed local ports (2551+, 8080+).
 */
class SiloCommandsTest {
  private static final Map<String, String> OFFLINE =
      Map.of(
          "FAKER_RATE",
          "0",
          "WIKIPEDIA_ENABLED",
          "false",
          "SPACEX_BASE_URL",
          "http://127.0.0.1:9",
          "SBR_STABLE_AFTER",
          "5s");
  private final Engines engines = Engines.shared();

  private static int members(int httpPort) {
    try {
      return SiloHttp.get(httpPort, "/api/health").body().path("members").size();
    } catch (RuntimeException | AssertionError e) {
      return -1; // not answering (yet, or any more)
    }
  }

  private static List<String> names(RunDirectory run) {
    return run.silos().stream().map(RunDirectory.Silo::name).toList();
  }

  private static void silo(Path data, String... args) {
    SiloCommands.run(ProjectLayout.locate(), List.of(args), data, OFFLINE);
  }

  @Test
  void silosAreAddedStoppedAndKilledOnARunningCluster() throws Exception {
    engines.truncateIfExists("cluster_members");
    engines.truncateIfExists("cluster_founder");
    Path data = Files.createTempDirectory(engines.dataDir, "run-");
    RunDirectory run = new RunDirectory(data);
    run.writeCluster(
        new RunDirectory.Cluster(
            ProcessHandle.current().pid(),
            engines.kafka.bootstrapServers(),
            engines.cassandra.contactPoint(),
            data.resolve("logs")));
    try {
      silo(data, "add");
      silo(data, "add");
      silo(data, "add");
      assertEquals(List.of("silo-1", "silo-2", "silo-3"), names(run));
      Await.until(
          Duration.ofSeconds(120),
          () -> members(8080) == 3 && members(8082) == 3,
          () -> "members: " + members(8080) + " / " + members(8082));

      long silo3 = run.silos().get(2).pid();
      silo(data, "stop", "3");
      assertFalse(
          ProcessHandle.of(silo3).map(ProcessHandle::isAlive).orElse(false), "silo-3 still runs");
      assertEquals(List.of("silo-1", "silo-2"), names(run));
      Await.until(
          Duration.ofSeconds(30),
          () -> members(8080) == 2,
          () -> "members after the leave: " + members(8080));

      silo(data, "add"); // silo-3 again, joining through Cassandra
      Await.until(
          Duration.ofSeconds(90), () -> members(8082) == 3, () -> "members: " + members(8082));
      // A crash of the oldest: the two others down it (keep-majority) and stay.
      silo(data, "kill", "1");
      Await.until(
          Duration.ofSeconds(90),
          () -> members(8081) == 2 && members(8082) == 2,
          () -> "silo-1 was not downed: " + members(8081) + " / " + members(8082));
      assertEquals(List.of("silo-2", "silo-3"), names(run));

      RuntimeException badId = assertThrows(RuntimeException.class, () -> silo(data, "stop", "x"));
      assertEquals("'x' is not a silo id (e.g. 2 or silo-2)", badId.getMessage());
      RuntimeException gone = assertThrows(RuntimeException.class, () -> silo(data, "kill", "7"));
      assertTrue(
          gone.getMessage().startsWith("silo-7 is not running (running: silo-2, silo-3)"),
          gone.getMessage());
    } finally {
      for (RunDirectory.Silo s : run.silos())
        ProcessHandle.of(s.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
