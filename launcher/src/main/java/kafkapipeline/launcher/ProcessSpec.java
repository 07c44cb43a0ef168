package kafkapipeline.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link ManagedProcess#start} runs: a main class on a classpath in a fresh JVM (the {@code
 * java} of the launcher's own {@code java.home}), with JVM options, arguments, extra environment
 * variables, a working directory and a log file.
 *
 * <p>A mutable builder: set what you need, then pass it to {@link ManagedProcess#start}. The
 * classpath the child gets is made of regular files only (the given entries, plus the {@link
 * WatchdogJar} with exit-with-parent), the same for every child of one launcher build.
 */
public final class ProcessSpec {

  final String name;
  final String mainClass;
  final List<Path> classpath = new ArrayList<>();
  final List<String> jvmArgs = new ArrayList<>();
  final List<String> args = new ArrayList<>();
  final List<String> commandPrefix = new ArrayList<>();
  final Map<String, String> env = new LinkedHashMap<>();
  Path workDir;
  Path logFile;
  boolean exitWithParent = true;
  long ownerPid = ProcessHandle.current().pid();
  boolean detached;
  Duration shutdownGrace = Duration.ofSeconds(15);
  ClassDataArchives classData;

  /** {@code name} appears in messages and logs, e.g. "kafka" or "silo-1". */
  public ProcessSpec(String name, String mainClass) {
    this.name = name;
    this.mainClass = mainClass;
  }

  public ProcessSpec classpath(List<Path> entries) {
    classpath.addAll(entries);
    return this;
  }

  /** JVM options ({@code -Xmx..}, {@code -D..}, {@code --add-opens ..}), in order. */
  public ProcessSpec jvmArgs(List<String> options) {
    jvmArgs.addAll(options);
    return this;
  }

  /**
   * Words put before {@code java} on the command line, e.g. {@code ip netns exec <ns>} to run the
   * JVM in a network namespace. The prefix must exec the rest in place (as {@code ip netns exec}
   * does), so the process started is still the JVM: its pid, signals and exit code are the JVM's.
   */
  public ProcessSpec commandPrefix(List<String> words) {
    commandPrefix.addAll(words);
    return this;
  }

  /** Arguments of the main class. */
  public ProcessSpec args(List<String> arguments) {
    args.addAll(arguments);
    return this;
  }

  /** Environment variables added to (or replacing) the launcher's own. */
  public ProcessSpec env(Map<String, String> variables) {
    env.putAll(variables);
    return this;
  }

  /** Working directory; defaults to the log file's folder. Created if missing. */
  public ProcessSpec workDir(Path dir) {
    workDir = dir;
    return this;
  }

  /** Where stdout and stderr go (appended, so restarts keep history). Required. */
  public ProcessSpec logFile(Path file) {
    logFile = file;
    return this;
  }

  /** Whether the child exits by itself when the launcher process is gone (default true). */
  public ProcessSpec exitWithParent(boolean enabled) {
    exitWithParent = enabled;
    return this;
  }

  /**
   * Hands the child to another process: it exits when {@code pid} ends (instead of when this
   * launcher ends), and this launcher's shutdown hook leaves it running. Used by {@code ./pipeline
   * silo add}, whose silo belongs to the running {@code ./pipeline up}.
   */
  public ProcessSpec ownedBy(long pid) {
    ownerPid = pid;
    detached = pid != ProcessHandle.current().pid();
    return this;
  }

  /** How long the launcher's shutdown hook waits after SIGTERM before SIGKILL (default 15 s). */
  public ProcessSpec shutdownGrace(Duration grace) {
    shutdownGrace = grace;
    return this;
  }

  /**
   * Lets the JVM share class data through {@code archives} (see {@link ClassDataArchives}): it maps
   * the archive of its classpath if there is one, else may dump it at exit. Off unless asked for.
   */
  public ProcessSpec classDataSharing(ClassDataArchives archives) {
    classData = archives;
    return this;
  }

  /**
   * The command line, and what the JVM does about class data sharing (its options are in the
   * command).
   */
  record Prepared(List<String> command, ClassDataArchives.Plan classData) {}

  /**
   * The command line, after writing what it refers to: the classpath {@code @argfile} next to the
   * log ({@code <log name>.classpath}) and, with exit-with-parent, the {@link WatchdogJar} (first
   * on the classpath, so the classpath holds only the jars given and that one). The class data
   * sharing plan is made last: nothing after it can fail, so a dump it reserves always reaches
   * {@link ClassDataArchives.Plan#afterExit} through the caller.
   */
  Prepared prepare() throws IOException {
    if (logFile == null || classpath.isEmpty()) {
      throw new IllegalStateException(name + ": a log file and a classpath are required");
    }
    Path logDir = logFile.toAbsolutePath().getParent();
    Files.createDirectories(logDir);
    List<Path> fullClasspath = new ArrayList<>();
    if (exitWithParent) {
      fullClasspath.add(WatchdogJar.install(logDir.resolve(".launcher")));
    }
    fullClasspath.addAll(classpath);
    Path argFile = writeClasspathArgFile(fullClasspath);
    ClassDataArchives.Plan plan =
        classData == null
            ? ClassDataArchives.NOT_ASKED
            : classData.plan(name, fullClasspath, !detached);
    List<String> command = new ArrayList<>(commandPrefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(plan.jvmArgs());
    command.addAll(jvmArgs);
    if (exitWithParent) {
      command.add("-D" + ExitWithParent.PARENT_PID_PROPERTY + "=" + ownerPid);
    }
    command.add("@" + argFile);
    if (exitWithParent) {
      command.add(ExitWithParent.class.getName());
    }
    command.add(mainClass);
    command.addAll(args);
    return new Prepared(List.copyOf(command), plan);
  }

  private Path writeClasspathArgFile(List<Path> entries) throws IOException {
    Path log = logFile.toAbsolutePath();
    String baseName = log.getFileName().toString().replaceFirst("\\.log$", "");
    Path argFile = log.resolveSibling(baseName + ".classpath");
    StringBuilder joined = new StringBuilder();
    for (Path entry : entries) {
      if (joined.length() > 0) {
        joined.append(File.pathSeparator);
      }
      // Inside quotes of a java @argfile, backslash escapes.
      joined.append(entry.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\""));
    }
    Files.writeString(argFile, "-cp \"" + joined + "\"\n", StandardCharsets.UTF_8);
    return argFile;
  }
}
