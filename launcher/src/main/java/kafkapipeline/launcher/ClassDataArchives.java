package kafkapipeline.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic AppCDS archives (JDK class data sharing) for the JVMs this launcher starts: one archive
 * per classpath and JVM, in one folder. The first JVM started for a classpath dumps the classes it
 * loaded when it exits ({@code -XX:ArchiveClassesAtExit}); later ones map them ({@code
 * -XX:SharedArchiveFile}) instead of loading and verifying them from the jars again.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>An archive never makes a start fail: it is used under the JVM's default {@code
 *       -Xshare:auto}, which runs without it when it is missing, stale or corrupt (a stale one also
 *       prints a {@code [cds]} warning into the child's log).
 *   <li>An archive is never used for another classpath or JVM: its name is a {@linkplain
 *       ArchiveKey#of key} over {@code java.home}, the JVM's version and every classpath entry's
 *       path, size and mtime, so a rebuilt jar gets a new archive.
 *   <li>Only complete archives get that name: a JVM dumps into a temp file of its own; after it has
 *       exited, the file is published under the key's name only if it is a non-empty JDK dynamic
 *       archive and no archive of that key exists yet (never replaced, see {@link FilePublish}). A
 *       JVM that was SIGKILLed dumps nothing and the next start tries again. Every end of a dump is
 *       counted ({@link #outcomes}).
 *   <li>Within one launcher only one JVM per key dumps at a time (a dump adds seconds to its exit);
 *       JVMs started meanwhile run without class data sharing. A JVM whose exit this launcher will
 *       not see ({@link ProcessSpec#ownedBy another owner}) never dumps.
 *   <li>A classpath holding a directory (also through a jar manifest's {@code Class-Path}) is never
 *       dumped: the JVM refuses directories when it dumps and then exits with code 1.
 *   <li>{@value #SETTING}{@code =off} in the launcher's environment (read once) turns it off: no
 *       class data sharing option at all. Any value but {@code on} or {@code off} is refused.
 * </ul>
 *
 * The folder keeps the {@value #KEEP} newest archives; dump files abandoned for over an hour (their
 * launcher died before the JVM's exit) are deleted when an archive is made.
 */
public final class ClassDataArchives {

  /**
   * Environment variable of the launcher: {@code off} turns class data sharing off, {@code on} (the
   * default) on.
   */
  public static final String SETTING = "PIPELINE_CDS";

  /** Archives the folder keeps: a few classpaths (e.g. two JDKs) can be in use at once. */
  static final int KEEP = 3;

  /** What a spec that did not ask for class data sharing gets. */
  static final Plan NOT_ASKED = new Off("not asked for");

  private static final Duration ABANDONED_DUMP_AGE = Duration.ofHours(1);
  private static final String ARCHIVE_SUFFIX = ".jsa";
  private static final String DUMP_SUFFIX = ".jsa.dump";
  // The first word of a JDK dynamic archive (CDS_DYNAMIC_ARCHIVE_MAGIC), in native byte order. The
  // JVM writes the header last: a dump cut short (SIGKILL while writing) starts with zeros.
  private static final int DYNAMIC_ARCHIVE_MAGIC = 0xf00baba8;
  private static final Logger log = LoggerFactory.getLogger(ClassDataArchives.class);
  private static final Map<Path, ClassDataArchives> BY_FOLDER = new ConcurrentHashMap<>();
  private static final AtomicLong DUMP_COUNTER = new AtomicLong();

  /** How the end of one dump turned out. */
  public enum Outcome {
    /** The dump became the key's archive. */
    PUBLISHED,
    /** Another JVM's dump became the key's archive first; this one was dropped. */
    ALREADY_THERE,
    /** The JVM wrote no file (killed, crashed, or never started). */
    NOTHING_WRITTEN,
    /** The JVM left an empty file; dropped. */
    EMPTY,
    /** The file is not a JDK dynamic archive, or one cut short while written; dropped. */
    NOT_AN_ARCHIVE,
    /** Reading or renaming the file failed (logged); dropped. */
    FAILED
  }

  /** What one JVM start does about class data sharing. */
  public sealed interface Plan permits Off, Use, Make {
    /** The JVM options to add (before the spec's own, so that those win). */
    List<String> jvmArgs();

    /** Called once after the JVM has exited, or failed to spawn. */
    default void afterExit() {}
  }

  /** No class data sharing, and why. */
  public record Off(String reason) implements Plan {
    @Override
    public List<String> jvmArgs() {
      return List.of();
    }
  }

  /** Map the classes of an existing archive. */
  public record Use(Path archive) implements Plan {
    @Override
    public List<String> jvmArgs() {
      return List.of("-XX:SharedArchiveFile=" + archive);
    }
  }

  /**
   * Dump the loaded classes into {@code dump} at exit; {@link #afterExit} publishes it as {@code
   * archive}.
   */
  public static final class Make implements Plan {
    private final ClassDataArchives owner;
    private final String name;
    private final String key;
    private final Path dump;
    private final Path archive;
    private final AtomicBoolean finished = new AtomicBoolean();

    private Make(ClassDataArchives owner, String name, String key, Path dump, Path archive) {
      this.owner = owner;
      this.name = name;
      this.key = key;
      this.dump = dump;
      this.archive = archive;
    }

    public Path dump() {
      return dump;
    }

    public Path archive() {
      return archive;
    }

    @Override
    public List<String> jvmArgs() {
      // -Xlog:cds=error: the dump warns once per class it cannot archive (hundreds of lines
      // for old class files and unlinked classes), which would bury the child's own log.
      return List.of("-XX:ArchiveClassesAtExit=" + dump, "-Xlog:cds=error");
    }

    @Override
    public void afterExit() {
      if (finished.compareAndSet(false, true)) {
        owner.finish(this);
      }
    }

    @Override
    public String toString() {
      return "Make[" + archive + " from " + dump + "]";
    }
  }

  private final Path dir;
  private final boolean enabled;
  private final Set<String> dumping = ConcurrentHashMap.newKeySet();
  private final Map<String, Optional<String>> unsuitable = new ConcurrentHashMap<>();
  private final Map<Outcome, AtomicInteger> outcomes = new EnumMap<>(Outcome.class);

  private ClassDataArchives(Path dir, boolean enabled) {
    this.dir = dir.toAbsolutePath().normalize();
    this.enabled = enabled;
    for (Outcome outcome : Outcome.values()) {
      outcomes.put(outcome, new AtomicInteger());
    }
  }

  /**
   * The archives of {@code layout}'s project ({@link ProjectLayout#classDataArchiveDir}), on or off
   * as {@value #SETTING} says; one instance per folder in this JVM, so that its starts share who is
   * dumping.
   *
   * @throws LaunchException if {@value #SETTING} is neither {@code on} nor {@code off}
   */
  public static ClassDataArchives of(ProjectLayout layout) {
    boolean on = enabledBy(Environment.VALUE);
    return BY_FOLDER.computeIfAbsent(
        layout.classDataArchiveDir().toAbsolutePath().normalize(),
        dir -> new ClassDataArchives(dir, on));
  }

  /** Archives in {@code dir}, on or off as given (tests; not shared with {@link #of}). */
  static ClassDataArchives at(Path dir, boolean enabled) {
    return new ClassDataArchives(dir, enabled);
  }

  /**
   * Whether a value of {@value #SETTING} turns class data sharing on: unset, empty or {@code on}
   * (any case, spaces around ignored) is on, {@code off} is off.
   *
   * @throws LaunchException for any other value, naming the setting
   */
  static boolean enabledBy(String value) {
    String word = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    return switch (word) {
      case "", "on" -> true;
      case "off" -> false;
      default ->
          throw new LaunchException(
              SETTING + " must be 'on' or 'off', not '" + printable(value) + "'");
    };
  }

  public Path dir() {
    return dir;
  }

  public boolean enabled() {
    return enabled;
  }

  /** How many dumps ended each way so far. */
  public Map<Outcome, Integer> outcomes() {
    Map<Outcome, Integer> copy = new EnumMap<>(Outcome.class);
    outcomes.forEach((outcome, count) -> copy.put(outcome, count.get()));
    return copy;
  }

  /** The archive of {@code classpath} (which may not exist yet). */
  public Path archiveFor(List<Path> classpath) throws IOException {
    return dir.resolve(ArchiveKey.of(classpath) + ARCHIVE_SUFFIX);
  }

  /**
   * What the JVM named {@code name} started on {@code classpath} does: use the archive, make it, or
   * neither. Never throws: a classpath that cannot be examined gets {@link Off}.
   *
   * @param seesExit whether this launcher will see the JVM exit (only then can it keep a dump)
   */
  public Plan plan(String name, List<Path> classpath, boolean seesExit) {
    Plan plan = decide(name, classpath, seesExit);
    if (plan instanceof Off off) {
      log.debug("{}: no class data sharing: {}", name, off.reason());
    }
    return plan;
  }

  private Plan decide(String name, List<Path> classpath, boolean seesExit) {
    if (!enabled) {
      return new Off(SETTING + "=off");
    }
    String key;
    try {
      key = ArchiveKey.of(classpath);
    } catch (IOException e) {
      return new Off("cannot read the classpath: " + e.getMessage());
    }
    Path archive = dir.resolve(key + ARCHIVE_SUFFIX);
    if (Files.isRegularFile(archive)) {
      log.debug("{}: class data archive {}", name, archive);
      return new Use(archive);
    }
    if (!seesExit) {
      return new Off("no archive yet, and this launcher will not see the JVM exit to keep one");
    }
    Optional<String> why =
        unsuitable.computeIfAbsent(key, k -> ArchiveKey.unsuitability(classpath));
    if (why.isPresent()) {
      return new Off(why.get());
    }
    if (!dumping.add(key)) {
      return new Off("another JVM of this launcher is making the archive");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      dumping.remove(key);
      return new Off("cannot create " + dir + ": " + e.getMessage());
    }
    // Unique per launcher and start: concurrent launchers and JVMs never share a dump file.
    Path dump =
        dir.resolve(
            key
                + "."
                + ProcessHandle.current().pid()
                + "-"
                + DUMP_COUNTER.incrementAndGet()
                + DUMP_SUFFIX);
    log.debug("{}: no class data archive yet; it dumps one at exit into {}", name, dump);
    return new Make(this, name, key, dump, archive);
  }

  private void finish(Make make) {
    Outcome outcome;
    try {
      outcome = publish(make);
    } finally {
      dumping.remove(make.key);
    }
    outcomes.get(outcome).incrementAndGet();
  }

  private Outcome publish(Make make) {
    Path dump = make.dump;
    try {
      if (!Files.exists(dump)) {
        log.debug("{}: exited without dumping class data (killed, or it never started)", make.name);
        return Outcome.NOTHING_WRITTEN;
      }
      long size = Files.size(dump);
      if (size == 0) {
        Files.deleteIfExists(dump);
        log.warn("{}: its class data dump {} is empty; dropped", make.name, dump);
        return Outcome.EMPTY;
      }
      if (!isDynamicArchive(dump)) {
        Files.deleteIfExists(dump);
        log.warn("{}: {} is not a JDK dynamic class data archive; dropped", make.name, dump);
        return Outcome.NOT_AN_ARCHIVE;
      }
      if (!FilePublish.withoutReplacing(dump, make.archive)) {
        log.debug(
            "{}: another JVM made {} first; its own dump is dropped", make.name, make.archive);
        return Outcome.ALREADY_THERE;
      }
      log.info(
          "{}: made class data archive {} ({}); later starts on this classpath map it",
          make.name,
          make.archive,
          size >= 1_000_000 ? size / 1_000_000 + " MB" : size / 1000 + " kB");
      prune(make.archive);
      return Outcome.PUBLISHED;
    } catch (IOException | RuntimeException e) {
      log.warn("{}: cannot keep its class data dump {}: {}", make.name, dump, e.toString());
      try {
        Files.deleteIfExists(dump);
      } catch (IOException ignored) {
        // the next made archive's pruning deletes it once it is old
      }
      return Outcome.FAILED;
    }
  }

  private static boolean isDynamicArchive(Path file) throws IOException {
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(head, 0, 4) < 4) {
        return false;
      }
    }
    ByteBuffer buffer = ByteBuffer.wrap(head);
    return buffer.order(ByteOrder.LITTLE_ENDIAN).getInt(0) == DYNAMIC_ARCHIVE_MAGIC
        || buffer.order(ByteOrder.BIG_ENDIAN).getInt(0) == DYNAMIC_ARCHIVE_MAGIC;
  }

  /** Keeps the {@value #KEEP} newest archives (always {@code made}) and drops abandoned dumps. */
  private void prune(Path made) {
    List<Path> archives = new ArrayList<>();
    Instant abandonedBefore = Instant.now().minus(ABANDONED_DUMP_AGE);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String fileName = file.getFileName().toString();
        if (fileName.endsWith(ARCHIVE_SUFFIX) && !file.equals(made)) {
          archives.add(file);
        } else if (fileName.endsWith(DUMP_SUFFIX)
            && Files.getLastModifiedTime(file).toInstant().isBefore(abandonedBefore)) {
          Files.deleteIfExists(file);
        }
      }
      archives.sort(Comparator.comparing(ClassDataArchives::modified).reversed());
      // A JVM still mapping a deleted archive keeps its pages; one about to open it runs without.
      for (Path old : archives.subList(Math.min(archives.size(), KEEP - 1), archives.size())) {
        Files.deleteIfExists(old);
        log.debug("deleted the old class data archive {}", old);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("cannot prune {}: {}", dir, e.toString());
    }
  }

  private static Instant modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toInstant();
    } catch (IOException e) {
      return Instant.EPOCH;
    }
  }

  private static String printable(String value) {
    String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }

  /** {@value #SETTING} as this launcher's environment had it, read once. */
  private static final class Environment {
    static final String VALUE = System.getenv(SETTING);
  }
}
