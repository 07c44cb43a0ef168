package kafkapipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line {@link ProcessSpec} builds, without starting anything. */
class ProcessSpecTest {

  @TempDir Path tmp;

  /** The entries of the {@code -cp "..."} argfile a command refers to. */
  private static List<Path> argFileClasspath(List<String> command) throws Exception {
    String argFile =
        command.stream()
            .filter(word -> word.startsWith("@"))
            .findFirst()
            .orElseThrow()
            .substring(1);
    String line = Files.readString(Path.of(argFile)).strip();
    assertTrue(line.startsWith("-cp \"") && line.endsWith("\""), line);
    return java.util.Arrays.stream(line.substring(5, line.length() - 1).split(File.pathSeparator))
        .map(Path::of)
        .toList();
  }

  private List<Path> jars() throws Exception {
    return List.of(
        ClassDataArchivesTest.jar(tmp.resolve("lib/a.jar"), null, "a/A.class"),
        ClassDataArchivesTest.jar(tmp.resolve("lib/b.jar"), null, "b/B.class"));
  }

  @Test
  void theClasspathHoldsNoDirectoryAndIsTheSameForEveryLogFolder() throws Exception {
    List<Path> jars = jars();
    ProcessSpec.Prepared one =
        new ProcessSpec("one", "x.Main")
            .classpath(jars)
            .logFile(tmp.resolve("logs-1/one.log"))
            .prepare();
    ProcessSpec.Prepared two =
        new ProcessSpec("two", "x.Main")
            .classpath(jars)
            .logFile(tmp.resolve("logs-2/two.log"))
            .prepare();
    List<Path> classpath = argFileClasspath(one.command());
    assertEquals(classpath, argFileClasspath(two.command()));
    assertEquals(jars, classpath.subList(1, classpath.size()));
    for (Path entry : classpath) {
      assertTrue(Files.isRegularFile(entry), entry + " is not a file");
    }
    Path watchdog = classpath.get(0);
    assertTrue(
        watchdog.getFileName().toString().matches("exit-with-parent-[0-9a-f]{16}\\.jar"),
        watchdog.toString());
    try (JarFile jar = new JarFile(watchdog.toFile())) {
      assertEquals(
          List.of("kafkapipeline/launcher/ExitWithParent.class"),
          Collections.list(jar.entries()).stream().map(ZipEntry::getName).toList());
    }
    assertFalse(
        Files.exists(tmp.resolve("logs-1/.launcher")), "no class folder next to the log any more");
    assertEquals(
        List.of(
            "-D" + ExitWithParent.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid(),
            "@" + tmp.resolve("logs-1/one.classpath"),
            ExitWithParent.class.getName(),
            "x.Main"),
        one.command().subList(1, one.command().size()));
  }

  @Test
  void classDataOptionsComeRightAfterJavaSoThatTheSpecsOwnWin() throws Exception {
    ClassDataArchives archives = ClassDataArchives.at(tmp.resolve("cds"), true);
    ProcessSpec.Prepared prepared =
        new ProcessSpec("one", "x.Main")
            .classpath(jars())
            .logFile(tmp.resolve("logs/one.log"))
            .jvmArgs(List.of("-Xshare:off"))
            .classDataSharing(archives)
            .prepare();
    ClassDataArchives.Make make =
        assertInstanceOf(ClassDataArchives.Make.class, prepared.classData());
    List<String> command = prepared.command();
    assertEquals(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), command.get(0));
    assertEquals(
        List.of("-XX:ArchiveClassesAtExit=" + make.dump(), "-Xlog:cds=error", "-Xshare:off"),
        command.subList(1, 4));
    assertEquals(
        archives.archiveFor(argFileClasspath(command)),
        make.archive(),
        "the key is the classpath the JVM gets");
    make.afterExit();
  }

  @Test
  void withSharingOffOrNotAskedForTheCommandHasNoClassDataOption() throws Exception {
    List<ProcessSpec> specs =
        List.of(
            new ProcessSpec("off", "x.Main")
                .classDataSharing(ClassDataArchives.at(tmp.resolve("cds"), false)),
            new ProcessSpec("unasked", "x.Main"));
    for (ProcessSpec spec : specs) {
      ProcessSpec.Prepared prepared =
          spec.classpath(jars()).logFile(tmp.resolve("logs/" + spec.name + ".log")).prepare();
      assertInstanceOf(ClassDataArchives.Off.class, prepared.classData());
      assertTrue(
          prepared.command().stream()
              .noneMatch(
                  word ->
                      word.contains("Archive")
                          || word.startsWith("-Xshare")
                          || word.startsWith("-Xlog:cds")),
          prepared.command().toString());
    }
  }

  @Test
  void aChildHandedToAnotherOwnerNeverDumps() throws Exception {
    ClassDataArchives archives = ClassDataArchives.at(tmp.resolve("cds"), true);
    ProcessSpec.Prepared prepared =
        new ProcessSpec("added", "x.Main")
            .classpath(jars())
            .logFile(tmp.resolve("logs/added.log"))
            .ownedBy(ProcessHandle.current().pid() + 1)
            .classDataSharing(archives)
            .prepare();
    assertInstanceOf(ClassDataArchives.Off.class, prepared.classData());
  }
}
