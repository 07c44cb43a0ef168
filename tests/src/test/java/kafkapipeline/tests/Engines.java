package kafkapipeline.tests;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import kafkapipeline.launcher.CassandraEngine;
import kafkapipeline.launcher.KafkaEngine;
import kafkapipeline.launcher.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * The real Kafka broker and Cassandra node every integration test uses: started once per test run
 * (on free ports, in a fresh temporary folder), stopped when the JVM exits. Tests that need a clean
 * slate reset the tables and topics they use rather than restart the servers. {@link #startOn}
 * starts a private pair on another local address (a bridge that network namespaces reach), which
 * its test closes.
 */
final class Engines implements AutoCloseable {
  private static Engines shared;

  final Path dataDir;
  final KafkaEngine kafka;
  final CassandraEngine cassandra;
  final CqlSession session;
  final Admin admin;
  private boolean stopped;

  private Engines(Path dataDir, KafkaEngine kafka, CassandraEngine cassandra) {
    this.dataDir = dataDir;
    this.kafka = kafka;
    this.cassandra = cassandra;
    this.session =
        session(List.of(new InetSocketAddress(cassandra.options().host(), cassandra.nativePort())));
    this.admin = admin(kafka.bootstrapServers());
  }

  /**
   * The tests' own driver session on these contact points. Fault tests stop and kill nodes: it
   * reconnects within seconds of one coming back, as the silos do.
   */
  static CqlSession session(List<InetSocketAddress> contactPoints) {
    return CqlSession.builder()
        .addContactPoints(contactPoints)
        .withLocalDatacenter(CassandraEngine.LOCAL_DATACENTER)
        .withConfigLoader(
            DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofSeconds(1))
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(2))
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
                .build())
        .build();
  }

  /** The tests' own Kafka admin client. */
  static Admin admin(String bootstrapServers) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return Admin.create(p);
  }

  static synchronized Engines shared() {
    if (shared == null) shared = startOn(Ports.HOST);
    return shared;
  }

  /**
   * A Kafka broker and a Cassandra node of their own on the local address {@code host}, in a fresh
   * temporary folder; stopped by {@link #close} or else when the JVM exits.
   */
  static Engines startOn(String host) {
    try {
      Path dir = Files.createTempDirectory("pipeline-it-");
      CassandraEngine cassandra =
          CassandraEngine.start(
              CassandraEngine.Options.defaults(dir)
                  .withHost(host)
                  .withPorts(Ports.freePort(), Ports.freePort())
                  .withFastTestMode(true));
      KafkaEngine kafka =
          KafkaEngine.start(
              KafkaEngine.Options.defaults(dir)
                  .withHost(host)
                  .withPorts(Ports.freePort(), Ports.freePort()));
      Engines engines = new Engines(dir, kafka, cassandra);
      Runtime.getRuntime().addShutdownHook(new Thread(engines::stop, "engines-stop"));
      return engines;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts Cassandra if a test stopped it, and waits until this session can query again. */
  void cassandraUp() {
    if (!cassandra.isRunning()) cassandra.start();
    Await.until(
        Duration.ofSeconds(60),
        () -> {
          try {
            session.execute("SELECT release_version FROM system.local");
            return true;
          } catch (RuntimeException e) {
            return false;
          }
        },
        () -> "the test session did not reconnect to Cassandra");
  }

  /** Empties a table of the pipeline's keyspace, if a silo has created it yet. */
  void truncateIfExists(String table) {
    truncateIfExists(session, table);
  }

  /** {@link #truncateIfExists(String)} through any session (the replicated set's too). */
  static void truncateIfExists(CqlSession session, String table) {
    session.refreshSchema();
    boolean exists =
        session
            .getMetadata()
            .getKeyspace("kafkapipeline")
            .flatMap(ks -> ks.getTable(table))
            .isPresent();
    if (exists) session.execute("TRUNCATE kafkapipeline." + table);
  }

  /**
   * Deletes a topic and its persister's consumer group, if they exist, and waits until the topic is
   * gone: the next silo creates it empty, so no event of an earlier test is replayed.
   */
  void resetTopic(String topic) throws Exception {
    resetTopic(admin, topic);
  }

  /** {@link #resetTopic(String)} through any admin client (the replicated set's too). */
  static void resetTopic(Admin admin, String topic) throws Exception {
    try {
      admin.deleteConsumerGroups(List.of("persister-" + topic)).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof GroupIdNotFoundException)) throw e;
    }
    if (admin.listTopics().names().get().contains(topic)) {
      admin.deleteTopics(List.of(topic)).all().get();
      Await.until(
          Duration.ofSeconds(30),
          () -> !topicNames(admin).contains(topic),
          () -> "topics " + topicNames(admin));
    }
  }

  Set<String> topicNames() {
    return topicNames(admin);
  }

  private static Set<String> topicNames(Admin admin) {
    try {
      return admin.listTopics().names().get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private synchronized void stop() {
    if (stopped) return;
    stopped = true;
    admin.close();
    session.close();
    kafka.close();
    cassandra.close();
  }

  /** Stops both servers (the shared pair is left to the JVM's end: other classes use it). */
  @Override
  public void close() {
    if (this != shared) stop();
  }
}
