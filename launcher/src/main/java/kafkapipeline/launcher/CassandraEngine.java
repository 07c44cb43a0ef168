package kafkapipeline.launcher;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A real single-node Cassandra 5.0 ({@code CassandraDaemon} in its own JVM) listening on one local
 * address only ({@link Options#host()}, 127.0.0.1 by default), with everything under {@code
 * <dataDir>/cassandra} (see {@link CassandraConfig} for the layout) and its output in {@code
 * logs/cassandra.log} there. Local data center {@value #LOCAL_DATACENTER}. No JMX port is opened.
 *
 * <p>Guarantees: {@link #start(Options)} returns only when a CQL session with the Apache Cassandra
 * Java driver connects; on any failure (port taken, server died, not ready in time) it throws a
 * {@link LaunchException} and no server process is left running. {@link #stop()} then {@link
 * #start()} restarts it on the same data.
 *
 * <p>The same class runs each node of a {@link CassandraRing}: there a {@link RingMember} gives the
 * node's folder, the seeds and its one fixed token.
 */
public final class CassandraEngine extends Engine {

  /** The local data center to give the driver. */
  public static final String LOCAL_DATACENTER = CassandraConfig.LOCAL_DATACENTER;

  private static final Duration STOP_GRACE = Duration.ofSeconds(60);

  /**
   * How to run the server.
   *
   * @param dataDir the pipeline's data folder; the server uses {@code dataDir/cassandra}
   * @param host the local address of {@code listen_address}, {@code rpc_address} and the seed
   *     (default {@link Ports#HOST}; e.g. 127.0.0.2 or a bridge address)
   * @param nativePort the CQL port
   * @param storagePort the inter-node port (bound, unused with one node)
   * @param heap JVM heap, as in {@code -Xmx} (e.g. "768m")
   * @param directMemory {@code -XX:MaxDirectMemorySize} (network and read buffers)
   * @param fastTestMode adds Cassandra's test-only speed-ups (no fsync, short ring delay; a single
   *     node also unsafe system tables, which a ring node would lose in a SIGKILL): for tests only,
   *     never for data to keep
   * @param startTimeout how long {@link #start()} waits for CQL
   */
  public record Options(
      Path dataDir,
      String host,
      int nativePort,
      int storagePort,
      String heap,
      String directMemory,
      boolean fastTestMode,
      Duration startTimeout) {
    public Options {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(host, "host");
      dataDir = dataDir.toAbsolutePath().normalize();
    }

    /**
     * 127.0.0.1, ports 9042 and 7000, 768m heap, 256m direct memory, durable mode, 180 s to start.
     */
    public static Options defaults(Path dataDir) {
      return new Options(
          dataDir, Ports.HOST, 9042, 7000, "768m", "256m", false, Duration.ofSeconds(180));
    }

    public Options withHost(String host) {
      return new Options(
          dataDir, host, nativePort, storagePort, heap, directMemory, fastTestMode, startTimeout);
    }

    public Options withPorts(int nativePort, int storagePort) {
      return new Options(
          dataDir, host, nativePort, storagePort, heap, directMemory, fastTestMode, startTimeout);
    }

    public Options withMemory(String heap, String directMemory) {
      return new Options(
          dataDir, host, nativePort, storagePort, heap, directMemory, fastTestMode, startTimeout);
    }

    public Options withFastTestMode(boolean fastTestMode) {
      return new Options(
          dataDir, host, nativePort, storagePort, heap, directMemory, fastTestMode, startTimeout);
    }

    public Options withStartTimeout(Duration startTimeout) {
      return new Options(
          dataDir, host, nativePort, storagePort, heap, directMemory, fastTestMode, startTimeout);
    }
  }

  /**
   * A node's place in its ring.
   *
   * @param number the node's number, from 1
   * @param folder its folder under the data folder, e.g. "cassandra" or "cassandra-2"
   * @param seeds every seed's "host:storagePort"
   * @param initialToken its one Murmur3 token (then {@code num_tokens: 1} and no bootstrap), or
   *     null for the single node's {@code num_tokens: 4}
   */
  record RingMember(int number, String folder, List<String> seeds, String initialToken) {
    RingMember {
      seeds = List.copyOf(seeds);
    }

    /** The single node: its own seed, folder "cassandra", four random tokens. */
    static RingMember single(Options options) {
      return new RingMember(
          1, "cassandra", List.of(options.host() + ":" + options.storagePort()), null);
    }
  }

  private final ProjectLayout layout;
  private final Options options;
  private final RingMember member;
  private final Path home;

  CassandraEngine(ProjectLayout layout, Options options, RingMember member) {
    super(
        member.initialToken() == null ? "Cassandra" : "Cassandra node " + member.number(),
        STOP_GRACE);
    this.layout = layout;
    this.options = options;
    this.member = member;
    this.home = options.dataDir().resolve(member.folder());
  }

  /** Starts a server with the classpath of the project found by {@link ProjectLayout#locate()}. */
  public static CassandraEngine start(Options options) {
    return start(ProjectLayout.locate(), options);
  }

  /** Starts a server and waits until CQL answers; see the class comment for failures. */
  public static CassandraEngine start(ProjectLayout layout, Options options) {
    CassandraEngine engine = new CassandraEngine(layout, options, RingMember.single(options));
    engine.start();
    return engine;
  }

  @Override
  protected ManagedProcess launch() {
    Ports.requireFree(options.host(), options.nativePort(), "Cassandra native transport");
    Ports.requireFree(options.host(), options.storagePort(), "Cassandra storage");
    List<Path> classpath = layout.engineClasspath("cassandra");
    CassandraConfig.write(home, options, member);
    return ManagedProcess.start(
        new ProcessSpec(member.folder(), "org.apache.cassandra.service.CassandraDaemon")
            .classpath(classpath)
            .jvmArgs(CassandraConfig.jvmArgs(home, options, member))
            .workDir(home)
            .logFile(home.resolve("logs/cassandra.log"))
            .shutdownGrace(STOP_GRACE));
  }

  @Override
  protected void awaitReady(ManagedProcess process) {
    process.awaitReady(this::cqlAnswers, options.startTimeout());
  }

  @Override
  protected String endpoint() {
    return contactPoint();
  }

  /** "host:port" of the CQL native transport. */
  public String contactPoint() {
    return options.host() + ":" + options.nativePort();
  }

  public int nativePort() {
    return options.nativePort();
  }

  public Options options() {
    return options;
  }

  /** The address it listens on (CQL and storage). */
  public String host() {
    return options.host();
  }

  /** 1 for a single node, 1..N in a {@link CassandraRing}. */
  public int number() {
    return member.number();
  }

  /** This node's folder: config, data, commit log and logs. */
  public Path home() {
    return home;
  }

  private boolean cqlAnswers() {
    if (!Ports.isListening(options.host(), options.nativePort())) {
      return false;
    }
    DriverConfigLoader config =
        DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(5))
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(5))
            // A probe needs neither schema nor token metadata, nor Netty's 2 s quiet period on
            // close.
            .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
            .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
            .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
            .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
            .build();
    try (CqlSession session =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(options.host(), options.nativePort()))
            .withLocalDatacenter(LOCAL_DATACENTER)
            .withConfigLoader(config)
            .build()) {
      return session.execute("SELECT release_version FROM system.local").one() != null;
    }
  }
}
