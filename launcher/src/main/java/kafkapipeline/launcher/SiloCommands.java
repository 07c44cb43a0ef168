package kafkapipeline.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code ./pipeline silo add | stop ID | kill ID | list} on the cluster a running {@code ./pipeline
 * up} started (found through {@link RunDirectory}).
 *
 * <p>{@code add} starts the next silo, which finds the others through Cassandra, waits until it is
 * healthy and belongs to the {@code up} process (it stops with it). {@code stop} sends SIGTERM: the
 * silo leaves the cluster gracefully (its grains and partitions move first) and exits. {@code kill}
 * sends SIGKILL, as a crash would: the others down it after the split brain resolver's
 * stable-after. Problems (no cluster, unknown silo, taken port) print one line and exit non-zero.
 */
public final class SiloCommands {
  static final Duration STOP_WAIT = Duration.ofSeconds(60);

  private SiloCommands() {}

  public static void run(ProjectLayout layout, List<String> args, Path defaultData) {
    run(layout, args, defaultData, java.util.Map.of());
  }

  /** As the command line does, with {@code extraEnv} added to the environment of added silos. */
  public static void run(
      ProjectLayout layout,
      List<String> args,
      Path defaultData,
      java.util.Map<String, String> extraEnv) {
    if (args.isEmpty())
      throw new PipelineCli.UsageException("silo needs a command: add, stop ID, kill ID or list");
    Path data = defaultData;
    List<String> rest = new java.util.ArrayList<>();
    for (int i = 1; i < args.size(); i++) {
      if (args.get(i).equals("--data") && i + 1 < args.size())
        data = Path.of(args.get(++i)).toAbsolutePath().normalize();
      else if (args.get(i).startsWith("--data="))
        data = Path.of(args.get(i).substring(7)).toAbsolutePath().normalize();
      else rest.add(args.get(i));
    }
    RunDirectory run = new RunDirectory(data);
    switch (args.get(0)) {
      case "add" -> {
        noMore(rest, "add");
        add(layout, run, requireCluster(run, data), extraEnv);
      }
      case "stop", "kill" -> {
        String name = one(rest, args.get(0)); // a bad id is a usage error, whatever runs
        stopOrKill(run, requireCluster(run, data), name, args.get(0).equals("kill"));
      }
      case "list" -> {
        noMore(rest, "list");
        list(run, requireCluster(run, data));
      }
      default ->
          throw new PipelineCli.UsageException(
              "unknown silo command '" + args.get(0) + "' (known: add, stop ID, kill ID, list)");
    }
  }

  private static void noMore(List<String> rest, String command) {
    if (!rest.isEmpty())
      throw new PipelineCli.UsageException("silo " + command + " takes no arguments, got " + rest);
  }

  private static String one(List<String> rest, String command) {
    if (rest.size() != 1)
      throw new PipelineCli.UsageException(
          "usage: ./pipeline silo " + command + " ID (e.g. 2 or silo-2)");
    String id = rest.get(0).startsWith("silo-") ? rest.get(0).substring(5) : rest.get(0);
    if (!id.matches("[1-9]\\d{0,2}"))
      throw new PipelineCli.UsageException(
          "'" + rest.get(0) + "' is not a silo id (e.g. 2 or silo-2)");
    return "silo-" + id;
  }

  private static RunDirectory.Cluster requireCluster(RunDirectory run, Path data) {
    return run.cluster()
        .orElseThrow(
            () ->
                new LaunchException(
                    "no local cluster is running for " + data + "; start one with ./pipeline up"));
  }

  private static void add(
      ProjectLayout layout,
      RunDirectory run,
      RunDirectory.Cluster cluster,
      java.util.Map<String, String> extraEnv) {
    int number = run.silos().stream().mapToInt(RunDirectory.Silo::number).max().orElse(0) + 1;
    if (number > PipelineCli.MAX_SILOS)
      throw new LaunchException("at most " + PipelineCli.MAX_SILOS + " silos");
    int clusterPort = PipelineCli.FIRST_SILO_PORT + number - 1;
    int httpPort = PipelineCli.FIRST_HTTP_PORT + number - 1;
    String name = "silo-" + number;
    Ports.requireFree(clusterPort, name + " cluster");
    SiloProcess silo =
        SiloProcess.start(
            layout,
            SiloProcess.Options.of(name, httpPort, cluster.logDir())
                .withEnv(withExtra(PipelineCli.siloEnv(number, cluster), extraEnv))
                .ownedBy(cluster.pid()));
    run.writeSilo(
        new RunDirectory.Silo(name, number, silo.pid(), clusterPort, httpPort, silo.logFile()));
    long started = System.nanoTime();
    try {
      silo.awaitHealthy(Duration.ofMinutes(3));
    } catch (LaunchException e) {
      silo.kill();
      run.removeSilo(name);
      throw e;
    }
    say(
        name
            + " is up in "
            + seconds(System.nanoTime() - started)
            + ": http://127.0.0.1:"
            + httpPort
            + "/api/health (pid "
            + silo.pid()
            + ", log "
            + silo.logFile()
            + ")");
  }

  private static java.util.Map<String, String> withExtra(
      java.util.Map<String, String> env, java.util.Map<String, String> extra) {
    java.util.Map<String, String> all = new java.util.HashMap<>(env);
    all.putAll(extra);
    return all;
  }

  private static void stopOrKill(
      RunDirectory run, RunDirectory.Cluster cluster, String name, boolean kill) {
    Optional<RunDirectory.Silo> found =
        run.silos().stream().filter(s -> s.name().equals(name)).findFirst();
    if (found.isEmpty() || !found.get().isAlive()) {
      found.ifPresent(s -> run.removeSilo(s.name()));
      throw new LaunchException(
          name
              + " is not running (running: "
              + String.join(
                  ", ",
                  run.silos().stream()
                      .filter(RunDirectory.Silo::isAlive)
                      .map(RunDirectory.Silo::name)
                      .toList())
              + ")");
    }
    ProcessHandle process = ProcessHandle.of(found.get().pid()).orElseThrow();
    long started = System.nanoTime();
    if (kill) process.destroyForcibly();
    else process.destroy();
    try {
      process.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new LaunchException(
          name
              + " did not stop within "
              + STOP_WAIT.toSeconds()
              + " s; ./pipeline silo kill "
              + found.get().number()
              + " ends it");
    } catch (InterruptedException | ExecutionException e) {
      throw new LaunchException("waiting for " + name + ": " + e);
    }
    run.removeSilo(name);
    say(
        kill
            ? name + " killed (SIGKILL); the other silos down it and take over its grains"
            : name + " left the cluster and stopped in " + seconds(System.nanoTime() - started));
  }

  private static void list(RunDirectory run, RunDirectory.Cluster cluster) {
    say(
        "Kafka "
            + cluster.kafka()
            + " (RF "
            + cluster.kafkaReplicationFactor()
            + ")   Cassandra "
            + cluster.cassandra()
            + " (RF "
            + cluster.cassandraReplicationFactor()
            + ")");
    say(String.format("%-8s %-8s %-7s %s", "SILO", "PID", "STATE", "HTTP"));
    for (RunDirectory.Silo s : run.silos()) {
      say(
          String.format(
              "%-8s %-8d %-7s http://127.0.0.1:%d",
              s.name(), s.pid(), s.isAlive() ? "running" : "gone", s.httpPort()));
    }
  }

  private static String seconds(long nanos) {
    return String.format("%.1f s", nanos / 1e9);
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
