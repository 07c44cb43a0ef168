package kafkapipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kafkapipeline.launcher.ClassDataArchives.Make;
import kafkapipeline.launcher.ClassDataArchives.Off;
import kafkapipeline.launcher.ClassDataArchives.Outcome;
import kafkapipeline.launcher.ClassDataArchives.Use;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The archive life cycle without a JVM: dump files are written by the test as the JVM would. */
@Timeout(60)
class ClassDataArchivesTest {

  @TempDir Path tmp;

  /** A jar holding empty entries of the given names, and a manifest {@code Class-Path} if given. */
  static Path jar(Path file, String classPath, String... entries) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (classPath != null) {
      manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    }
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      for (String entry : entries) {
        jar.putNextEntry(new JarEntry(entry));
        jar.closeEntry();
      }
    }
    return file;
  }

  /**
   * What a JVM's dump looks like to the launcher: the dynamic archive magic first, then {@code size
   * - 4} bytes.
   */
  static byte[] fakeArchive(int size, byte fill) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, fill);
    ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putInt(0, 0xf00baba8);
    return bytes;
  }

  /**
   * Two jars under {@code lib/}, written on the first call only (a rewrite would change the key).
   */
  private List<Path> classpath() throws IOException {
    Path a = tmp.resolve("lib/a.jar");
    Path b = tmp.resolve("lib/b.jar");
    if (!Files.exists(a)) {
      jar(a, null, "a/A.class");
      jar(b, null, "b/B.class");
    }
    return List.of(a, b);
  }

  private static Map<Outcome, Integer> counts(Object... outcomeThenCount) {
    Map<Outcome, Integer> expected = new EnumMap<>(Outcome.class);
    for (Outcome outcome : Outcome.values()) {
      expected.put(outcome, 0);
    }
    for (int i = 0; i < outcomeThenCount.length; i += 2) {
      expected.put((Outcome) outcomeThenCount[i], (Integer) outcomeThenCount[i + 1]);
    }
    return expected;
  }

  private static List<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theFirstStartDumpsAndLaterStartsMapTheArchive() throws Exception {
    ClassDataArchives archives = ClassDataArchives.at(tmp.resolve("cds"), true);
    List<Path> classpath = classpath();
    Make make = assertInstanceOf(Make.class, archives.plan("silo-1", classpath, true));
    assertEquals(
        List.of("-XX:ArchiveClassesAtExit=" + make.dump(), "-Xlog:cds=error"), make.jvmArgs());
    assertEquals(
        archives.dir(),
        make.dump().getParent(),
        "the dump is written next to the archive: renaming it is atomic");
    assertEquals(archives.archiveFor(classpath), make.archive());
    assertFalse(Files.exists(make.archive()));

    byte[] dumped = fakeArchive(4096, (byte) 7);
    Files.write(make.dump(), dumped);
    make.afterExit();
    make.afterExit(); // a second call changes nothing
    assertEquals(counts(Outcome.PUBLISHED, 1), archives.outcomes());
    assertArrayEquals(dumped, Files.readAllBytes(make.archive()));
    assertEquals(
        List.of(make.archive().getFileName().toString()),
        filesIn(archives.dir()),
        "the dump file is gone");

    Use use = assertInstanceOf(Use.class, archives.plan("silo-2", classpath, true));
    assertEquals(List.of("-XX:SharedArchiveFile=" + make.archive()), use.jvmArgs());
    // A launcher that will not see the JVM exit still uses an archive that is there.
    assertEquals(use, archives.plan("silo-3", classpath, false));
  }

  @Test
  void whileOneJvmDumpsOthersRunPlainAndAKilledDumperLetsTheNextStartTryAgain() throws Exception {
    ClassDataArchives archives = ClassDataArchives.at(tmp.resolve("cds"), true);
    List<Path> classpath = classpath();
    Make first = assertInstanceOf(Make.class, archives.plan("silo-1", classpath, true));
    Off second = assertInstanceOf(Off.class, archives.plan("silo-2", classpath, true));
    assertEquals("another JVM of this launcher is making the archive", second.reason());
    assertEquals(List.of(), second.jvmArgs());

    first.afterExit(); // SIGKILLed: the JVM wrote nothing
    assertEquals(counts(Outcome.NOTHING_WRITTEN, 1), archives.outcomes());
    Make third = assertInstanceOf(Make.class, archives.plan("silo-3", classpath, true));
    assertNotEquals(first.dump(), third.dump(), "every dump has its own file");
    assertEquals(first.archive(), third.archive());
  }

  @Test
  void aJvmWhoseExitThisLauncherWillNotSeeNeverDumps() throws Exception {
    ClassDataArchives archives = ClassDataArchives.at(tmp.resolve("cds"), true);
    Off off = assertInstanceOf(Off.class, archives.plan("silo-9", classpath(), false));
    assertEquals(List.of(), off.jvmArgs());
    assertInstanceOf(Make.class, archives.plan("silo-1", classpath(), true), "it reserved nothing");
  }

  @Test
  void emptyOrForeignDumpsAreDroppedAndCounted() throws Exception {
    ClassDataArchives archives = ClassDataArchives.at(tmp.resolve("cds"), true);
    List<Path> classpath = classpath();
    Make empty = (Make) archives.plan("silo-1", classpath, true);
    Files.write(empty.dump(), new byte[0]);
    empty.afterExit();
    Make foreign = (Make) archives.plan("silo-2", classpath, true);
    Files.writeString(foreign.dump(), "this is not a class data archive");
    foreign.afterExit();
    Make shortFile = (Make) archives.plan("silo-3", classpath, true);
    Files.write(shortFile.dump(), new byte[] {(byte) 0xa8, (byte) 0xba});
    shortFile.afterExit();

    assertEquals(counts(Outcome.EMPTY, 1, Outcome.NOT_AN_ARCHIVE, 2), archives.outcomes());
    assertEquals(List.of(), filesIn(archives.dir()), "neither an archive nor a dump file is left");
    assertInstanceOf(Make.class, archives.plan("silo-4", classpath, true));
  }

  @Test
  void concurrentFirstStartsOfSeveralLaunchersLeaveExactlyOneCompleteArchive() throws Exception {
    int launchers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(launchers);
    try {
      for (int round = 0; round < 25; round++) {
        Path dir = tmp.resolve("cds-" + round);
        List<Make> makes = new ArrayList<>();
        List<byte[]> written = new ArrayList<>();
        List<ClassDataArchives> instances = new ArrayList<>();
        for (int i = 0; i < launchers; i++) {
          // One instance per launcher process: none knows the others are dumping too.
          instances.add(ClassDataArchives.at(dir, true));
          Make make =
              assertInstanceOf(Make.class, instances.get(i).plan("silo-" + i, classpath(), true));
          byte[] bytes = fakeArchive(64 * 1024 + i, (byte) i);
          Files.write(make.dump(), bytes);
          makes.add(make);
          written.add(bytes);
        }
        assertEquals(launchers, makes.stream().map(Make::dump).distinct().count());
        assertEquals(1, makes.stream().map(Make::archive).distinct().count());
        CyclicBarrier together = new CyclicBarrier(launchers);
        List<Future<?>> exits = new ArrayList<>();
        for (Make make : makes) {
          exits.add(
              pool.submit(
                  () -> {
                    together.await();
                    make.afterExit();
                    return null;
                  }));
        }
        for (Future<?> exit : exits) {
          exit.get();
        }
        Map<Outcome, Integer> total = counts();
        instances.forEach(
            instance ->
                instance.outcomes().forEach((outcome, n) -> total.merge(outcome, n, Integer::sum)));
        assertEquals(
            counts(Outcome.PUBLISHED, 1, Outcome.ALREADY_THERE, launchers - 1),
            total,
            "round " + round);
        Path archive = makes.get(0).archive();
        assertEquals(List.of(archive.getFileName().toString()), filesIn(dir), "round " + round);
        byte[] kept = Files.readAllBytes(archive);
        assertEquals(
            1,
            written.stream().filter(bytes -> Arrays.equals(bytes, kept)).count(),
            "the archive is one whole dump, round " + round);
        assertInstanceOf(
            Use.class, ClassDataArchives.at(dir, true).plan("next", classpath(), true));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theOutcomesOfConcurrentDumpsAreOnePublishedAndTheRestAlreadyThere() throws Exception {
    Path dir = tmp.resolve("cds");
    List<ClassDataArchives> launchers =
        List.of(ClassDataArchives.at(dir, true), ClassDataArchives.at(dir, true));
    List<Make> makes = new ArrayList<>();
    for (ClassDataArchives launcher : launchers) {
      Make make = (Make) launcher.plan("silo", classpath(), true);
      Files.write(make.dump(), fakeArchive(1000, (byte) 1));
      makes.add(make);
    }
    makes.forEach(Make::afterExit);
    assertEquals(counts(Outcome.PUBLISHED, 1), launchers.get(0).outcomes());
    assertEquals(counts(Outcome.ALREADY_THERE, 1), launchers.get(1).outcomes());
  }

  @Test
  void theKeyChangesWhenAClasspathEntryChanges() throws Exception {
    List<Path> classpath = classpath();
    String key = ArchiveKey.of(classpath);
    assertEquals(key, ArchiveKey.of(classpath), "the same classpath, the same key");
    assertEquals(
        key,
        ArchiveKey.of(List.of(classpath.get(0), tmp.resolve("lib/../lib/b.jar"))),
        "paths are normalized");
    assertTrue(key.matches("[0-9a-f]{32}"), key);

    Path b = classpath.get(1);
    FileTime mtime = Files.getLastModifiedTime(b);
    Files.setLastModifiedTime(b, FileTime.fromMillis(mtime.toMillis() + 1000));
    String touched = ArchiveKey.of(classpath);
    assertNotEquals(key, touched, "mtime");

    jar(b, null, "b/B.class", "b/C.class"); // rebuilt: another size
    Files.setLastModifiedTime(b, FileTime.fromMillis(mtime.toMillis() + 1000));
    String rebuilt = ArchiveKey.of(classpath);
    assertNotEquals(touched, rebuilt, "size");

    assertNotEquals(rebuilt, ArchiveKey.of(List.of(classpath.get(1), classpath.get(0))), "order");
    assertNotEquals(rebuilt, ArchiveKey.of(List.of(classpath.get(0))), "an entry fewer");
    assertNotEquals(
        rebuilt,
        ArchiveKey.of(List.of(classpath.get(0), classpath.get(1), tmp.resolve("lib/missing.jar"))),
        "an entry more, even a missing one");

    ClassDataArchives archives = ClassDataArchives.at(tmp.resolve("cds"), true);
    Files.createDirectories(archives.dir());
    Files.write(archives.dir().resolve(key + ".jsa"), fakeArchive(100, (byte) 0));
    assertInstanceOf(
        Make.class,
        archives.plan("silo-1", classpath, true),
        "the old jar's archive is never used");
  }

  @Test
  void aClasspathWithADirectoryIsNeverDumped() throws Exception {
    ClassDataArchives archives = ClassDataArchives.at(tmp.resolve("cds"), true);
    Path classes = Files.createDirectories(tmp.resolve("classes/x"));
    Off direct =
        assertInstanceOf(
            Off.class, archives.plan("silo-1", List.of(classpath().get(0), classes), true));
    assertEquals(
        "classpath entry " + classes + " is a directory, which a class data archive cannot hold",
        direct.reason());

    // A manifest-only jar (as surefire writes) naming a folder: the JVM would refuse that folder
    // too.
    Path manifestOnly = jar(tmp.resolve("boot/booter.jar"), "../lib/a.jar ../classes/x/");
    Off viaManifest =
        assertInstanceOf(Off.class, archives.plan("silo-2", List.of(manifestOnly), true));
    assertEquals(
        "classpath entry " + classes + " is a directory, which a class data archive cannot hold",
        viaManifest.reason());

    Path notAJar = Files.writeString(tmp.resolve("lib/notes.txt"), "hello");
    Off unreadable = assertInstanceOf(Off.class, archives.plan("silo-3", List.of(notAJar), true));
    assertTrue(
        unreadable.reason().startsWith("cannot read classpath entry " + notAJar + " as a jar: "),
        unreadable.reason());

    Path chained = jar(tmp.resolve("boot/chained.jar"), "../lib/a.jar ../lib/gone.jar");
    assertInstanceOf(
        Make.class,
        archives.plan("silo-4", List.of(chained), true),
        "missing entries are skipped, as the JVM does");
  }

  @Test
  void offGivesNeitherFlag() throws Exception {
    ClassDataArchives archives = ClassDataArchives.at(tmp.resolve("cds"), false);
    List<Path> classpath = classpath();
    Off off = assertInstanceOf(Off.class, archives.plan("silo-1", classpath, true));
    assertEquals("PIPELINE_CDS=off", off.reason());
    assertEquals(List.of(), off.jvmArgs());
    Files.createDirectories(archives.dir());
    Files.write(archives.archiveFor(classpath), fakeArchive(100, (byte) 0));
    assertEquals(
        off, archives.plan("silo-2", classpath, true), "not even an archive that is there");
  }

  @Test
  void theSettingIsOnOrOffAndAnythingElseIsRefusedNamingIt() {
    for (String on : Arrays.asList(null, "", "on", "ON", " On\n")) {
      assertTrue(ClassDataArchives.enabledBy(on), String.valueOf(on));
    }
    for (String off : List.of("off", "OFF", " off ")) {
      assertFalse(ClassDataArchives.enabledBy(off), off);
    }
    Map<String, String> refused =
        Map.of(
            "false",
            "PIPELINE_CDS must be 'on' or 'off', not 'false'",
            "0",
            "PIPELINE_CDS must be 'on' or 'off', not '0'",
            "o\u0000ff",
            "PIPELINE_CDS must be 'on' or 'off', not 'o?ff'",
            "x".repeat(100),
            "PIPELINE_CDS must be 'on' or 'off', not '" + "x".repeat(40) + "...'");
    refused.forEach(
        (value, message) ->
            assertEquals(
                message,
                assertThrows(LaunchException.class, () -> ClassDataArchives.enabledBy(value))
                    .getMessage()));
  }

  @Test
  void makingAnArchiveKeepsTheNewestFewAndDropsAbandonedDumps() throws Exception {
    ClassDataArchives archives = ClassDataArchives.at(tmp.resolve("cds"), true);
    Path dir = Files.createDirectories(archives.dir());
    Instant now = Instant.now();
    for (int hours = 1; hours <= 4; hours++) {
      Path old = Files.write(dir.resolve("old" + hours + ".jsa"), fakeArchive(100, (byte) 0));
      Files.setLastModifiedTime(old, FileTime.from(now.minus(Duration.ofHours(hours))));
    }
    Path abandoned = Files.write(dir.resolve("old.123-1.jsa.dump"), fakeArchive(100, (byte) 0));
    Files.setLastModifiedTime(abandoned, FileTime.from(now.minus(Duration.ofHours(2))));
    Path recent = Files.write(dir.resolve("other.456-1.jsa.dump"), fakeArchive(100, (byte) 0));

    Make make = (Make) archives.plan("silo-1", classpath(), true);
    Files.write(make.dump(), fakeArchive(100, (byte) 1));
    make.afterExit();
    assertEquals(
        Set.of(
            make.archive().getFileName().toString(),
            "old1.jsa",
            "old2.jsa",
            recent.getFileName().toString()),
        filesIn(dir).stream().collect(Collectors.toSet()));
    assertEquals(3, ClassDataArchives.KEEP);
  }
}
