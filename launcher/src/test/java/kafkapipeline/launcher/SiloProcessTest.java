package kafkapipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SiloProcess against a stand-in silo ({@link FakeSilo}) in a fake, "built" project. */
@Timeout(60)
class SiloProcessTest {

  @TempDir Path root;

  private ProjectLayout fakeBuiltProject() throws IOException {
    Files.createFile(root.resolve("pipeline"));
    Path target = Files.createDirectories(root.resolve("silo/target"));
    try (OutputStream out =
            Files.newOutputStream(
                target.resolve("silo-" + ProjectLayout.projectVersion() + ".jar"));
        JarOutputStream jar = new JarOutputStream(out)) {
      jar.finish();
    }
    Files.writeString(
        target.resolve("classpath.txt"),
        ManagedProcessTest.ownClasspath().stream()
            .map(Path::toString)
            .collect(Collectors.joining(File.pathSeparator)));
    return ProjectLayout.at(root);
  }

  @Test
  void startsWithTheGivenEnvironmentAndStopsGracefully() throws Exception {
    int port = Ports.freePort();
    SiloProcess silo =
        SiloProcess.start(
            fakeBuiltProject(),
            SiloProcess.Options.of("silo-1", port, root.resolve("logs"))
                .withEnv(Map.of("FAKE_SILO_HTTP_PORT", Integer.toString(port)))
                .withMainClass(FakeSilo.class.getName()));
    try {
      assertEquals(root.resolve("logs/silo-1.log"), silo.logFile());
      silo.awaitHealthy(Duration.ofSeconds(30));
      assertTrue(silo.isHealthy());
      assertTrue(silo.rssKb().isPresent());
    } finally {
      silo.stop();
    }
    assertFalse(silo.isAlive());
    assertEquals(143, silo.process().onExit().get());
    assertFalse(silo.isHealthy());
  }

  @Test
  void onAnotherHostTheJvmRunsBehindTheCommandPrefixAndHealthIsAskedThere() throws Exception {
    int port = Ports.freePort();
    // `env` execs the rest in place, as `ip netns exec` does: the prefix sets the fake's host.
    SiloProcess silo =
        SiloProcess.start(
            fakeBuiltProject(),
            SiloProcess.Options.of("silo-3", port, root.resolve("logs"))
                .withEnv(Map.of("FAKE_SILO_HTTP_PORT", Integer.toString(port)))
                .withMainClass(FakeSilo.class.getName())
                .onHost("127.0.0.2", java.util.List.of("env", "FAKE_SILO_HTTP_HOST=127.0.0.2")));
    try {
      assertEquals("http://127.0.0.2:" + port + "/api/health", silo.healthUri().toString());
      silo.awaitHealthy(Duration.ofSeconds(30));
      assertTrue(
          Files.readString(silo.logFile())
              .lines()
              .findFirst()
              .orElseThrow()
              .contains(
                  "starting silo-3: env FAKE_SILO_HTTP_HOST=127.0.0.2 "
                      + System.getProperty("java.home")));
      assertTrue(Ports.isFree(port), "the fake listens on 127.0.0.2 only");
    } finally {
      silo.stop();
    }
    assertEquals(143, silo.process().onExit().get(), "SIGTERM reached the JVM itself");
  }

  @Test
  void aTakenHttpPortFailsAtOnce() throws Exception {
    ProjectLayout layout = fakeBuiltProject();
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      LaunchException e =
          assertThrows(
              LaunchException.class,
              () ->
                  SiloProcess.start(
                      layout,
                      SiloProcess.Options.of(
                          "silo-2", taken.getLocalPort(), root.resolve("logs"))));
      assertEquals(
          "port " + taken.getLocalPort() + " (silo-2 HTTP API) is already in use on 127.0.0.1",
          e.getMessage());
    }
  }

  @Test
  void anUnbuiltSiloSaysHowToBuild() {
    LaunchException e =
        assertThrows(LaunchException.class, () -> ProjectLayout.at(root).siloClasspath());
    assertTrue(
        e.getMessage().contains("silo-0.1.0-SNAPSHOT.jar is missing; build the project first"),
        e.getMessage());
  }
}
