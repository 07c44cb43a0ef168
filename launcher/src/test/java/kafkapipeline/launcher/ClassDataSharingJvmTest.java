package kafkapipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import kafkapipeline.launcher.ClassDataArchives.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real JVMs ({@link CdsProbe}, from a jar of its own) started through {@link ManagedProcess}: the
 * first dumps an archive, the next maps it, and a stale or corrupt archive only costs the speed-up.
 */
@Timeout(60)
class ClassDataSharingJvmTest {

  private static final Duration RUN = Duration.ofSeconds(30);
  private static final String PROBE_LOADED_FROM_ARCHIVE =
      CdsProbe.class.getName() + " source: shared objects file (top)";

  @TempDir Path tmp;

  private Path probeJar(String... extraEntries) throws IOException {
    return classJar(CdsProbe.class, tmp.resolve("lib/probe.jar"), extraEntries);
  }

  /**
   * A jar holding the class file of {@code type} (a test helper) and empty {@code extraEntries}.
   */
  private static Path classJar(Class<?> type, Path jar, String... extraEntries) throws IOException {
    String entry = type.getName().replace('.', '/') + ".class";
    Files.createDirectories(jar.getParent());
    try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class");
        OutputStream out = Files.newOutputStream(jar);
        JarOutputStream zip = new JarOutputStream(out)) {
      zip.putNextEntry(new JarEntry(entry));
      in.transferTo(zip);
      zip.closeEntry();
      for (String extra : extraEntries) {
        zip.putNextEntry(new JarEntry(extra));
        zip.closeEntry();
      }
    }
    return jar;
  }

  private ManagedProcess run(String name, ClassDataArchives archives, Path jar, String... jvmArgs) {
    ProcessSpec spec =
        new ProcessSpec(name, CdsProbe.class.getName())
            .classpath(List.of(jar))
            .jvmArgs(Arrays.asList(jvmArgs))
            .logFile(tmp.resolve("logs/" + name + ".log"));
    if (archives != null) {
      spec.classDataSharing(archives);
    }
    ManagedProcess process = ManagedProcess.start(spec);
    assertEquals(0, process.awaitExit(RUN), () -> String.join("\n", process.logTail(30)));
    return process;
  }

  private static String log(ManagedProcess process) throws IOException {
    return Files.readString(process.logFile());
  }

  @Test
  void theFirstJvmMakesTheArchiveTheNextMapsItAndAStaleOrCorruptOneOnlyCostsTheSpeedUp()
      throws Exception {
    ClassDataArchives archives = ClassDataArchives.at(tmp.resolve("cds"), true);
    Path jar = probeJar();

    ManagedProcess first = run("first", archives, jar);
    assertEquals(1, archives.outcomes().get(Outcome.PUBLISHED), archives.outcomes().toString());
    Path archive = archives.archiveFor(List.of(WatchdogJar.install(tmp.resolve("unused")), jar));
    assertTrue(Files.size(archive) > 0, archive.toString());
    assertTrue(log(first).contains("-XX:ArchiveClassesAtExit=" + archives.dir()), log(first));
    assertTrue(log(first).contains("cds probe ran"));

    // -Xshare:on fails the start unless the archive maps; class+load says where the class came
    // from.
    ManagedProcess second = run("second", archives, jar, "-Xshare:on", "-Xlog:class+load=info");
    assertTrue(
        log(second).contains("-XX:SharedArchiveFile=" + archive + " -Xshare:on"), log(second));
    assertTrue(log(second).contains(PROBE_LOADED_FROM_ARCHIVE), log(second));
    assertEquals(1, archives.outcomes().get(Outcome.PUBLISHED), "nothing more was dumped");

    // The jar rebuilt: the old archive is stale. The JVM, made to use it anyway, runs without it.
    probeJar("extra/Entry.class");
    ManagedProcess stale =
        run("stale", null, jar, "-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info");
    assertTrue(log(stale).contains("cds probe ran"), log(stale));
    assertTrue(log(stale).contains("Unable to use shared archive"), log(stale));
    assertFalse(log(stale).contains(PROBE_LOADED_FROM_ARCHIVE), log(stale));

    Path corrupt = Files.copy(archive, tmp.resolve("corrupt.jsa"));
    try (FileChannel channel = FileChannel.open(corrupt, StandardOpenOption.WRITE)) {
      byte[] garbage = new byte[64 * 1024];
      Arrays.fill(garbage, (byte) 0x5a);
      channel.write(ByteBuffer.wrap(garbage), 16);
    }
    ManagedProcess broken =
        run("corrupt", null, jar, "-XX:SharedArchiveFile=" + corrupt, "-Xlog:class+load=info");
    assertTrue(log(broken).contains("cds probe ran"), log(broken));
    assertFalse(log(broken).contains(PROBE_LOADED_FROM_ARCHIVE), log(broken));

    // The launcher itself never uses the stale archive: the rebuilt jar has a new key, so it dumps
    // again.
    assertInstanceOf(
            ClassDataArchives.Make.class,
            archives.plan("next", List.of(WatchdogJar.install(tmp.resolve("unused")), jar), true))
        .afterExit();
    ManagedProcess rebuilt = run("rebuilt", archives, jar);
    assertTrue(log(rebuilt).contains("-XX:ArchiveClassesAtExit="), log(rebuilt));
    assertEquals(2, archives.outcomes().get(Outcome.PUBLISHED), archives.outcomes().toString());
  }

  @Test
  void aLauncherThatEndsWhileItsChildRunsKeepsTheChildsDumpBeforeItIsGone() throws Exception {
    Path cds = tmp.resolve("cds");
    Path sleeperJar = classJar(SleepForever.class, tmp.resolve("lib/sleeper.jar"));
    ManagedProcess launcher =
        ManagedProcess.start(
            new ProcessSpec("launcher", StartDumperAndExit.class.getName())
                .classpath(ManagedProcessTest.ownClasspath())
                .args(
                    List.of(
                        cds.toString(),
                        sleeperJar.toString(),
                        tmp.resolve("logs/sleeper.log").toString()))
                .logFile(tmp.resolve("logs/launcher.log")));
    assertEquals(0, launcher.awaitExit(RUN), () -> String.join("\n", launcher.logTail(30)));
    assertTrue(log(launcher).contains("child sleeping; exiting"), log(launcher));
    // Its shutdown hook stopped the sleeper (SIGTERM: the JVM dumps) and published the dump.
    try (var files = Files.list(cds)) {
      List<String> names = files.map(file -> file.getFileName().toString()).toList();
      assertEquals(1, names.size(), names.toString());
      assertTrue(names.get(0).matches("[0-9a-f]{32}\\.jsa"), names.toString());
    }
    assertTrue(log(launcher).contains("sleeper: made class data archive"), log(launcher));
  }
}
