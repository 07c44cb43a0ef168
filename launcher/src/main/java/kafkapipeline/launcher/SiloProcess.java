package kafkapipeline.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One silo ({@value #MAIN_CLASS}) in its own JVM, on the classpath of the built silo module. The
 * silo reads its configuration from environment variables, which the caller passes as they are;
 * this class only needs to know the HTTP address, to check health. A silo may run on another host
 * of this machine (a network namespace) behind a command prefix such as {@code ip netns exec <ns>};
 * see {@link Options#onHost}.
 *
 * <p>Guarantees: {@link #start} fails at once with a {@link LaunchException} if the HTTP port is
 * taken (checked on this host only, not behind a command prefix) or the silo is not built, and
 * returns as soon as the JVM is spawned; {@link #awaitHealthy} returns only once {@code GET
 * /api/health} answers 200, and otherwise throws (quoting the silo's log) if the silo dies or the
 * time runs out, leaving it running. Output goes to {@code <logDir>/<name>.log}.
 *
 * <p>Silos share class data ({@link ClassDataArchives}, in {@link
 * ProjectLayout#classDataArchiveDir}): the first silo of a build dumps the classes it loaded when
 * it exits (seconds more at its stop), and later ones start from that archive, about 2 s sooner.
 * {@code PIPELINE_CDS=off} turns it off; any other value than {@code on} or {@code off} makes
 * {@link #start} throw.
 */
public final class SiloProcess implements AutoCloseable {

  /** The main class of a silo. */
  public static final String MAIN_CLASS = "kafkapipeline.silo.Main";

  private static final Logger log = LoggerFactory.getLogger(SiloProcess.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  /**
   * How to run one silo.
   *
   * @param name e.g. "silo-1": names the log file and appears in messages
   * @param httpPort the port of the silo's HTTP API on {@code httpHost} (must match what {@code
   *     env} tells the silo)
   * @param env environment variables for the silo, passed as they are
   * @param logDir folder of the log file
   * @param heap JVM heap, as in {@code -Xmx} (e.g. "384m")
   * @param extraJvmArgs more JVM options, appended last
   * @param mainClass the class to run, {@value #MAIN_CLASS} unless a test stands in for the silo
   * @param ownerPid the process whose end ends the silo (this launcher unless handed on)
   * @param httpHost the address of the silo's HTTP API, where health is checked ({@link Ports#HOST}
   *     unless the silo runs on another host; must match what {@code env} tells the silo)
   * @param commandPrefix words before {@code java}, e.g. {@code ip netns exec <ns>} (see {@link
   *     ProcessSpec#commandPrefix}); empty by default
   */
  public record Options(
      String name,
      int httpPort,
      Map<String, String> env,
      Path logDir,
      String heap,
      List<String> extraJvmArgs,
      String mainClass,
      long ownerPid,
      String httpHost,
      List<String> commandPrefix) {
    public Options {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(logDir, "logDir");
      Objects.requireNonNull(httpHost, "httpHost");
      env = Map.copyOf(env);
      extraJvmArgs = List.copyOf(extraJvmArgs);
      commandPrefix = List.copyOf(commandPrefix);
    }

    /** No environment, 384m heap, no extra JVM options. */
    public static Options of(String name, int httpPort, Path logDir) {
      return new Options(
          name,
          httpPort,
          Map.of(),
          logDir,
          "384m",
          List.of(),
          MAIN_CLASS,
          ProcessHandle.current().pid(),
          Ports.HOST,
          List.of());
    }

    public Options withEnv(Map<String, String> env) {
      return new Options(
          name,
          httpPort,
          env,
          logDir,
          heap,
          extraJvmArgs,
          mainClass,
          ownerPid,
          httpHost,
          commandPrefix);
    }

    public Options withHeap(String heap) {
      return new Options(
          name,
          httpPort,
          env,
          logDir,
          heap,
          extraJvmArgs,
          mainClass,
          ownerPid,
          httpHost,
          commandPrefix);
    }

    public Options withExtraJvmArgs(List<String> extraJvmArgs) {
      return new Options(
          name,
          httpPort,
          env,
          logDir,
          heap,
          extraJvmArgs,
          mainClass,
          ownerPid,
          httpHost,
          commandPrefix);
    }

    public Options withMainClass(String mainClass) {
      return new Options(
          name,
          httpPort,
          env,
          logDir,
          heap,
          extraJvmArgs,
          mainClass,
          ownerPid,
          httpHost,
          commandPrefix);
    }

    /**
     * The silo ends with process {@code pid} and outlives this launcher (see {@link
     * ProcessSpec#ownedBy}).
     */
    public Options ownedBy(long pid) {
      return new Options(
          name, httpPort, env, logDir, heap, extraJvmArgs, mainClass, pid, httpHost, commandPrefix);
    }

    /**
     * The silo runs on another host of this machine: its HTTP API on {@code httpHost}, and its JVM
     * started behind {@code commandPrefix} (e.g. {@code ip netns exec <ns>}).
     */
    public Options onHost(String httpHost, List<String> commandPrefix) {
      return new Options(
          name,
          httpPort,
          env,
          logDir,
          heap,
          extraJvmArgs,
          mainClass,
          ownerPid,
          httpHost,
          commandPrefix);
    }
  }

  private final Options options;
  private final ManagedProcess process;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private SiloProcess(Options options, ManagedProcess process) {
    this.options = options;
    this.process = process;
  }

  /** Starts a silo of the project found by {@link ProjectLayout#locate()}. */
  public static SiloProcess start(Options options) {
    return start(ProjectLayout.locate(), options);
  }

  /** Spawns the silo JVM and returns; see {@link #awaitHealthy}. */
  public static SiloProcess start(ProjectLayout layout, Options options) {
    if (options.commandPrefix().isEmpty()) {
      // On another host (a network namespace) the port is that host's, not checkable from here.
      Ports.requireFree(options.httpHost(), options.httpPort(), options.name() + " HTTP API");
    }
    List<String> jvmArgs =
        new ArrayList<>(
            List.of("-Xmx" + options.heap(), "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError"));
    jvmArgs.addAll(options.extraJvmArgs());
    ManagedProcess process =
        ManagedProcess.start(
            new ProcessSpec(options.name(), options.mainClass())
                .commandPrefix(options.commandPrefix())
                .classpath(layout.siloClasspath())
                .classDataSharing(ClassDataArchives.of(layout))
                .jvmArgs(jvmArgs)
                .env(options.env())
                .workDir(options.logDir())
                .logFile(options.logDir().resolve(options.name() + ".log"))
                .shutdownGrace(STOP_GRACE)
                .ownedBy(options.ownerPid()));
    log.info(
        "started {} (pid {}), HTTP API on port {}",
        options.name(),
        process.pid(),
        options.httpPort());
    return new SiloProcess(options, process);
  }

  /**
   * Polls {@code GET http://<httpHost>:<httpPort>/api/health} until it answers 200.
   *
   * @throws LaunchException if the silo exits first or {@code timeout} passes (it keeps running)
   */
  public void awaitHealthy(Duration timeout) {
    long startedAt = System.nanoTime();
    process.awaitReady(this::isHealthy, timeout);
    log.info(
        "{} healthy after {} ms",
        options.name(),
        Duration.ofNanos(System.nanoTime() - startedAt).toMillis());
  }

  /**
   * One health check: true if {@code /api/health} answers 200 within 2 s. Sends the silo's {@code
   * HTTP_TOKEN} (from its options, else this process's environment) when one is set.
   */
  public boolean isHealthy() {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(healthUri()).timeout(Duration.ofSeconds(2)).GET();
    String token =
        options.env().getOrDefault("HTTP_TOKEN", System.getenv().getOrDefault("HTTP_TOKEN", ""));
    if (!token.isBlank()) builder.header("Authorization", "Bearer " + token.strip());
    HttpRequest request = builder.build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops gracefully: SIGTERM, up to 30 s, then SIGKILL. Does nothing if already stopped. */
  public void stop() {
    process.stop(STOP_GRACE);
  }

  /** SIGKILL, as a crash would. */
  public void kill() {
    process.kill();
  }

  @Override
  public void close() {
    stop();
  }

  public String name() {
    return options.name();
  }

  public int httpPort() {
    return options.httpPort();
  }

  public URI healthUri() {
    return URI.create("http://" + options.httpHost() + ":" + options.httpPort() + "/api/health");
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public OptionalLong rssKb() {
    return process.rssKb();
  }

  public Path logFile() {
    return process.logFile();
  }

  public ManagedProcess process() {
    return process;
  }

  public Options options() {
    return options;
  }
}
