package kafkapipeline.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files and JVM options a Cassandra 5.0 node needs on JDK 17, all under its folder ({@code
 * <dataDir>/cassandra}, or {@code <dataDir>/cassandra-<n>} in a ring): {@code
 * config/cassandra.yaml}, {@code config/logback.xml}, and the directories {@code data}, {@code
 * commitlog}, {@code saved_caches}, {@code hints}, {@code cdc_raw}, {@code triggers}, {@code tmp},
 * {@code logs}.
 */
final class CassandraConfig {

  /** The data center SimpleSnitch reports, which a driver must name as its local one. */
  static final String LOCAL_DATACENTER = "datacenter1";

  /**
   * Upstream {@code conf/jvm17-server.options} of Cassandra 5.0 (GC and module access), plus the
   * parts of {@code conf/jvm-server.options} that still apply on JDK 17. Left out on purpose:
   * {@code -XX:+AlwaysPreTouch} (it commits the whole heap at start: slower start, larger RSS on a
   * development machine), {@code -XX:+UseNUMA} and {@code -XX:-UseBiasedLocking}.
   */
  private static final List<String> UPSTREAM_JVM_OPTIONS =
      List.of(
          // jvm-server.options
          "-ea",
          "-da:net.openhft...",
          "-XX:+UseThreadPriorities",
          "-XX:+HeapDumpOnOutOfMemoryError",
          "-Xss256k",
          "-XX:+UseTLAB",
          "-XX:+ResizeTLAB",
          "-XX:+PerfDisableSharedMem",
          "-Djava.net.preferIPv4Stack=true",
          // jvm17-server.options: G1
          "-XX:+UseG1GC",
          "-XX:+ParallelRefProcEnabled",
          "-XX:MaxTenuringThreshold=1",
          "-XX:G1HeapRegionSize=16m",
          "-XX:G1RSetUpdatingPauseTimePercent=5",
          "-XX:MaxGCPauseMillis=300",
          "-XX:InitiatingHeapOccupancyPercent=70",
          // jvm17-server.options: JPMS
          "-Djdk.attach.allowAttachSelf=true",
          "--add-exports",
          "java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-exports",
          "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
          "--add-exports",
          "java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports",
          "java.rmi/sun.rmi.server=ALL-UNNAMED",
          "--add-exports",
          "java.sql/java.sql=ALL-UNNAMED",
          "--add-exports",
          "java.base/java.lang.ref=ALL-UNNAMED",
          "--add-exports",
          "jdk.unsupported/sun.misc=ALL-UNNAMED",
          "--add-exports",
          "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-exports",
          "jdk.attach/sun.tools.attach=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang.module=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.loader=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.reflect=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.math=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.module=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.util.jar=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.io=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens",
          "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.util=ALL-UNNAMED",
          // jvm17-server.options: Netty
          "-Dio.netty.tryReflectionSetAccessible=true",
          "-Dio.netty.allocator.useCacheForAllThreads=true",
          "-Dio.netty.allocator.maxOrder=11");

  /**
   * Speed-ups of Cassandra's own test targets. They trade durability for speed (no fsync, system
   * tables written unsafely): tests only, never for data one wants to keep.
   */
  private static final List<String> FAST_TEST_OPTIONS =
      List.of(
          "-Dcassandra.skip_wait_for_gossip_to_settle=0",
          "-Dcassandra.ring_delay_ms=1000",
          // The quarantine delay defaults to twice the ring delay, and a node not yet NORMAL
          // that is silent for half of it is dropped from gossip as a "fat client". At 1 s,
          // nodes starting together on two cores dropped each other every start (3 to 6
          // evictions per ring), and once a schema push to a re-added node was lost: the nodes
          // disagreed for a minute. 60 s is Cassandra's default (a 30 s fat-client timeout).
          "-Dcassandra.gossip_quarantine_delay_ms=60000",
          "-Dcassandra.skip_sync=true");

  /**
   * Writes the system tables (the schema among them) without the commit log: a SIGKILL then forgets
   * tables created since the last flush, and the node drops their replayed rows. The fault tests
   * SIGKILL ring nodes, so only the single node gets it.
   */
  private static final String UNSAFE_SYSTEM = "-Dcassandra.unsafesystem=true";

  private static final List<String> DIRECTORIES =
      List.of(
          "config",
          "data",
          "commitlog",
          "saved_caches",
          "hints",
          "cdc_raw",
          "triggers",
          "tmp",
          "logs");

  private CassandraConfig() {}

  /**
   * Creates the directories and (re)writes cassandra.yaml and logback.xml under {@code home}.
   *
   * @throws LaunchException if they cannot be written
   */
  static void write(Path home, CassandraEngine.Options options, CassandraEngine.RingMember member) {
    try {
      for (String dir : DIRECTORIES) {
        Files.createDirectories(home.resolve(dir));
      }
      Files.writeString(home.resolve("config/cassandra.yaml"), yaml(home, options, member));
      Files.writeString(home.resolve("config/logback.xml"), LOGBACK);
    } catch (IOException e) {
      throw new LaunchException(
          "cannot write the Cassandra configuration under " + home + ": " + e.getMessage(), e);
    }
  }

  /** All JVM options of the server, in order. */
  static List<String> jvmArgs(
      Path home, CassandraEngine.Options options, CassandraEngine.RingMember member) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-Xms" + options.heap(),
                "-Xmx" + options.heap(),
                "-XX:MaxDirectMemorySize=" + options.directMemory(),
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:HeapDumpPath=" + home.resolve("logs")));
    args.addAll(UPSTREAM_JVM_OPTIONS);
    args.addAll(
        List.of(
            "-Dcassandra-foreground=yes",
            "-Dcassandra.config=" + home.resolve("config/cassandra.yaml").toUri(),
            "-Dcassandra.storagedir=" + home,
            "-Dcassandra.logdir=" + home.resolve("logs"),
            "-Dcassandra.triggers_dir=" + home.resolve("triggers"),
            "-Dlogback.configurationFile=" + home.resolve("config/logback.xml"),
            "-Djna.tmpdir=" + home.resolve("tmp")));
    if (options.fastTestMode()) {
      args.addAll(FAST_TEST_OPTIONS);
      if (member.initialToken() == null) {
        args.add(UNSAFE_SYSTEM);
      }
    }
    return args;
  }

  private static String yaml(
      Path home, CassandraEngine.Options options, CassandraEngine.RingMember member) {
    String seed = String.join(",", member.seeds());
    // A ring node owns one fixed token and joins without streaming (ccm style): the ring is
    // made fresh with all nodes at once, so there is nothing to stream.
    String tokens =
        member.initialToken() == null
            ? "num_tokens: 4"
            : "num_tokens: 1\ninitial_token: " + member.initialToken() + "\nauto_bootstrap: false";
    return String.join(
        "\n",
        "# Written by the launcher at every start; edits are overwritten.",
        "cluster_name: pipeline",
        tokens,
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "endpoint_snitch: SimpleSnitch",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"" + seed + "\"",
        "listen_address: " + options.host(),
        "rpc_address: " + options.host(),
        "storage_port: " + options.storagePort(),
        "start_native_transport: true",
        "native_transport_port: " + options.nativePort(),
        "data_file_directories:",
        "  - " + home.resolve("data"),
        "commitlog_directory: " + home.resolve("commitlog"),
        "saved_caches_directory: " + home.resolve("saved_caches"),
        "hints_directory: " + home.resolve("hints"),
        "cdc_raw_directory: " + home.resolve("cdc_raw"),
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        "commitlog_total_space: 512MiB",
        "disk_failure_policy: stop",
        "commit_failure_policy: stop",
        "auto_snapshot: false",
        "memtable_heap_space: 64MiB",
        "file_cache_size: 64MiB",
        "concurrent_compactors: 1",
        "");
  }

  /** Everything to stdout, which the launcher appends to logs/cassandra.log. */
  private static final String LOGBACK =
      String.join(
          "\n",
          "<configuration scan=\"false\">",
          "  <appender name=\"STDOUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
          "    <encoder>",
          "      <pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern>",
          "    </encoder>",
          "  </appender>",
          "  <root level=\"INFO\">",
          "    <appender-ref ref=\"STDOUT\"/>",
          "  </root>",
          "</configuration>",
          "");
}
