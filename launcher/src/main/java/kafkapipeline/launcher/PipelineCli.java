package kafkapipeline.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./pipeline up}: Kafka, Cassandra and N silos on this machine, in the foreground.
 *
 * <p>Every port is checked before anything starts, so a taken port fails at once with one line
 * naming it. Bad options print one line and exit 2; a server or silo that fails to start prints
 * the reason (with the end of its log) and exits 1, stopping whatever had started. Ctrl-C stops
 * the silos, then Kafka, then Cassandra, and leaves no process behind. Silos inherit this
 * process's environment, so {@code FAKER_RATE=500 ./pipeline up} reaches them.
 */
public final class PipelineCli {
  static final int MAX_SILOS = 16;
  static final int KAFKA_PORT = 9092;
  static final int KAFKA_CONTROLLER_PORT = 9093;
  static final int CASSANDRA_PORT = 9042;
  static final int CASSANDRA_STORAGE_PORT = 7000;
  static final int FIRST_SILO_PORT = 2551;
  static final int FIRST_HTTP_PORT = 8080;
  private static final String DATA_MARKER = ".pipeline-data";

  private PipelineCli() {}

  /** The parsed options of {@code up}. */
  record UpOptions(int silos, Path dataDir, boolean fresh) {}

  /** A problem with the command line; its message is printed as is. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    try {
      if (args.length == 0 || !(args[0].equals("up") || args[0].equals("silo"))) {
        throw new UsageException("unknown command " + (args.length == 0 ? "(none)" : "'" + args[0] + "'") + "; try ./pipeline help");
      }
      ProjectLayout layout = ProjectLayout.locate();
      List<String> rest = List.of(args).subList(1, args.length);
      if (args[0].equals("silo")) SiloCommands.run(layout, rest, layout.root().resolve(DATA_MARKER));
      else up(layout, parseUp(rest, layout.root().resolve(DATA_MARKER)));
    } catch (UsageException e) {
      System.err.println("pipeline: " + e.getMessage());
      System.exit(2);
    } catch (LaunchException e) {
      System.err.println("pipeline: " + e.getMessage());
      System.exit(1);
    }
  }

  static UpOptions parseUp(List<String> args, Path defaultData) {
    int silos = 2;
    Path data = defaultData;
    boolean fresh = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--silos" -> silos = silos(value(args, ++i, arg));
        case "--data" -> data = Path.of(value(args, ++i, arg)).toAbsolutePath().normalize();
        case "--fresh" -> fresh = true;
        default -> {
          if (arg.startsWith("--silos=")) silos = silos(arg.substring("--silos=".length()));
          else if (arg.startsWith("--data=")) data = Path.of(arg.substring("--data=".length())).toAbsolutePath().normalize();
          else throw new UsageException("unknown option '" + arg + "' for up (known: --silos N, --data DIR, --fresh)");
        }
      }
    }
    return new UpOptions(silos, data, fresh);
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size() || args.get(i).startsWith("--")) throw new UsageException(option + " needs a value");
    return args.get(i);
  }

  private static int silos(String text) {
    int n;
    try {
      n = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new UsageException("--silos needs a whole number from 1 to " + MAX_SILOS + ", got '" + text + "'");
    }
    if (n < 1 || n > MAX_SILOS) throw new UsageException("--silos needs a whole number from 1 to " + MAX_SILOS + ", got " + n);
    return n;
  }

  private static void up(ProjectLayout layout, UpOptions options) {
    Ports.requireFree(CASSANDRA_PORT, "Cassandra native transport");
    Ports.requireFree(CASSANDRA_STORAGE_PORT, "Cassandra storage");
    Ports.requireFree(KAFKA_PORT, "Kafka");
    Ports.requireFree(KAFKA_CONTROLLER_PORT, "Kafka controller");
    for (int i = 0; i < options.silos(); i++) {
      Ports.requireFree(FIRST_SILO_PORT + i, "silo-" + (i + 1) + " cluster");
      Ports.requireFree(FIRST_HTTP_PORT + i, "silo-" + (i + 1) + " HTTP API");
    }
    prepareDataDir(options.dataDir(), options.fresh());

    say("starting Cassandra (data in " + options.dataDir().resolve("cassandra") + ") ...");
    CassandraEngine cassandra =
        CassandraEngine.start(
            layout,
            CassandraEngine.Options.defaults(options.dataDir())
                .withPorts(CASSANDRA_PORT, CASSANDRA_STORAGE_PORT));
    say("Cassandra ready in " + seconds(cassandra.lastStartupTime()));
    say("starting Kafka ...");
    KafkaEngine kafka =
        KafkaEngine.start(
            layout,
            KafkaEngine.Options.defaults(options.dataDir())
                .withPorts(KAFKA_PORT, KAFKA_CONTROLLER_PORT));
    say("Kafka ready in " + seconds(kafka.lastStartupTime()));

    RunDirectory run = new RunDirectory(options.dataDir());
    Path logs = options.dataDir().resolve("logs");
    run.writeCluster(new RunDirectory.Cluster(ProcessHandle.current().pid(), kafka.bootstrapServers(), cassandra.contactPoint(), logs));
    List<SiloProcess> silos = new ArrayList<>();
    for (int i = 0; i < options.silos(); i++) {
      SiloProcess silo = SiloProcess.start(layout,
          SiloProcess.Options.of("silo-" + (i + 1), FIRST_HTTP_PORT + i, logs)
              .withEnv(siloEnv(i + 1, kafka.bootstrapServers(), cassandra.contactPoint())));
      run.writeSilo(new RunDirectory.Silo(silo.name(), i + 1, silo.pid(), FIRST_SILO_PORT + i, FIRST_HTTP_PORT + i, silo.logFile()));
      silos.add(silo);
    }
    say("starting " + options.silos() + " silo(s) ...");
    for (SiloProcess silo : silos) silo.awaitHealthy(Duration.ofMinutes(3));

    say("");
    say("The pipeline is up: " + options.silos() + " silo(s), Kafka " + kafka.bootstrapServers()
        + ", Cassandra " + cassandra.contactPoint());
    for (SiloProcess silo : silos) {
      say("  " + silo.name() + "  http://127.0.0.1:" + silo.httpPort() + "/api/health   /api/stats   log: " + silo.logFile());
    }
    say("Rows:  pip install cqlsh && cqlsh 127.0.0.1 " + CASSANDRA_PORT
        + " -e \"SELECT * FROM kafkapipeline.fakerdata LIMIT 5\"");
    say("More silos: ./pipeline silo add; ./pipeline silo stop N (graceful) or kill N (SIGKILL); ./pipeline silo list");
    say("Ctrl-C stops everything.");
    watch(silos, run);
  }

  /** Reports silos that exit on their own; returns only when the JVM is shutting down. */
  private static void watch(List<SiloProcess> silos, RunDirectory run) {
    var stopping = new java.util.concurrent.atomic.AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.set(true);
      run.clear();
      say("stopping silos, Kafka and Cassandra ...");
    }));
    for (SiloProcess silo : silos) {
      silo.process().onExit().thenAccept(code -> {
        if (!stopping.get()) say(silo.name() + " exited with code " + code + "; see " + silo.logFile());
      });
    }
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The environment of silo number {@code n} (from 1) of a local cluster: its ports, the servers,
   * and membership through Cassandra, so silos added later need no seed list.
   */
  static Map<String, String> siloEnv(int n, String kafka, String cassandra) {
    return Map.of(
        "SILO_PORT", String.valueOf(FIRST_SILO_PORT + n - 1),
        "HTTP_PORT", String.valueOf(FIRST_HTTP_PORT + n - 1),
        "CLUSTER_DISCOVERY", "cassandra",
        "KAFKA_BOOTSTRAP_SERVERS", kafka,
        "CASSANDRA_CONTACT_POINTS", cassandra);
  }

  /** Creates the data folder; with fresh, empties it first, but only if it is ours. */
  static void prepareDataDir(Path dir, boolean fresh) {
    try {
      if (fresh && Files.exists(dir)) {
        boolean ours = Files.exists(dir.resolve(DATA_MARKER));
        boolean empty;
        try (Stream<Path> entries = Files.list(dir)) {
          empty = entries.findAny().isEmpty();
        }
        if (!ours && !empty) {
          throw new UsageException("refusing to empty " + dir + ": it is not a pipeline data folder (no " + DATA_MARKER + " file)");
        }
        try (Stream<Path> all = Files.walk(dir)) {
          for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
      }
      Files.createDirectories(dir);
      Path marker = dir.resolve(DATA_MARKER);
      if (!Files.exists(marker)) Files.writeString(marker, "data of ./pipeline up\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
