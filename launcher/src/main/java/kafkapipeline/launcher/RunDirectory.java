package kafkapipeline.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * What a running {@code ./pipeline up} tells the other {@code ./pipeline} commands, in {@code
 * <data>/run/}: {@code up.properties} (its pid, every broker and Cassandra node, the replication
 * factors) and one {@code silo-N.properties} per silo (pid, ports, log). {@code up} writes them and
 * removes them when it stops; {@code silo add/stop/kill} add and remove silo files. A file whose
 * pid is gone is stale and treated as absent.
 */
public final class RunDirectory {
  /**
   * The running {@code up}.
   *
   * @param kafka every broker's "host:port", comma-separated (as {@code KAFKA_BOOTSTRAP_SERVERS})
   * @param cassandra every Cassandra node's "host:port", comma-separated (as {@code
   *     CASSANDRA_CONTACT_POINTS})
   * @param kafkaReplicationFactor of the topics silos create
   * @param cassandraReplicationFactor of the keyspace silos create
   */
  public record Cluster(
      long pid,
      String kafka,
      String cassandra,
      int kafkaReplicationFactor,
      int cassandraReplicationFactor,
      Path logDir) {
    /** One broker and one Cassandra node. */
    public Cluster(long pid, String kafka, String cassandra, Path logDir) {
      this(pid, kafka, cassandra, 1, 1, logDir);
    }
  }

  /** One silo of it. */
  public record Silo(String name, int number, long pid, int clusterPort, int httpPort, Path log) {
    public boolean isAlive() {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  private final Path dir;

  public RunDirectory(Path dataDir) {
    this.dir = dataDir.resolve("run");
  }

  public void writeCluster(Cluster c) {
    Properties p = new Properties();
    p.setProperty("pid", String.valueOf(c.pid()));
    p.setProperty("kafka", c.kafka());
    p.setProperty("cassandra", c.cassandra());
    p.setProperty("kafka-replication-factor", String.valueOf(c.kafkaReplicationFactor()));
    p.setProperty("cassandra-replication-factor", String.valueOf(c.cassandraReplicationFactor()));
    p.setProperty("logs", c.logDir().toString());
    write("up.properties", p);
  }

  /** The running cluster, or empty if none runs for this data folder. */
  public Optional<Cluster> cluster() {
    // A file of an older up has no replication factors: it ran one node of each.
    return read(dir.resolve("up.properties"))
        .map(
            p ->
                new Cluster(
                    Long.parseLong(p.getProperty("pid")),
                    p.getProperty("kafka"),
                    p.getProperty("cassandra"),
                    Integer.parseInt(p.getProperty("kafka-replication-factor", "1")),
                    Integer.parseInt(p.getProperty("cassandra-replication-factor", "1")),
                    Path.of(p.getProperty("logs"))))
        .filter(c -> ProcessHandle.of(c.pid()).map(ProcessHandle::isAlive).orElse(false));
  }

  public void writeSilo(Silo s) {
    Properties p = new Properties();
    p.setProperty("number", String.valueOf(s.number()));
    p.setProperty("pid", String.valueOf(s.pid()));
    p.setProperty("cluster-port", String.valueOf(s.clusterPort()));
    p.setProperty("http-port", String.valueOf(s.httpPort()));
    p.setProperty("log", s.log().toString());
    write(s.name() + ".properties", p);
  }

  /** Every silo file, alive or not, by number. */
  public List<Silo> silos() {
    List<Silo> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) return out;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          files
              .filter(f -> f.getFileName().toString().matches("silo-\\d+\\.properties"))
              .toList()) {
        read(f)
            .ifPresent(
                p ->
                    out.add(
                        new Silo(
                            f.getFileName().toString().replace(".properties", ""),
                            Integer.parseInt(p.getProperty("number")),
                            Long.parseLong(p.getProperty("pid")),
                            Integer.parseInt(p.getProperty("cluster-port")),
                            Integer.parseInt(p.getProperty("http-port")),
                            Path.of(p.getProperty("log")))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(Comparator.comparingInt(Silo::number));
    return out;
  }

  public void removeSilo(String name) {
    delete(dir.resolve(name + ".properties"));
  }

  /** Removes every file; called when {@code up} stops. */
  public void clear() {
    delete(dir.resolve("up.properties"));
    for (Silo s : silos()) removeSilo(s.name());
  }

  private void write(String name, Properties p) {
    try {
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, name, ".tmp");
      try (Writer w = Files.newBufferedWriter(temp)) {
        p.store(w, "written by ./pipeline; removed when it stops");
      }
      Files.move(
          temp,
          dir.resolve(name),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<Properties> read(Path file) {
    if (!Files.isRegularFile(file)) return Optional.empty();
    try (Reader r = Files.newBufferedReader(file)) {
      Properties p = new Properties();
      p.load(r);
      return Optional.of(p);
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // half-written or foreign: as if absent
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
