package kafkapipeline.tests;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafkapipeline.launcher.CassandraEngine;
import kafkapipeline.launcher.KafkaEngine;
import kafkapipeline.launcher.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The real Kafka broker and Cassandra node every integration test uses: started once per test
 * run (on free ports, in a fresh temporary folder), stopped when the JVM exits. Tests that need
 * a clean slate reset the tables and topics they use rather than restart the servers.
 */
final class Engines {
  private static Engines shared;

  final Path dataDir;
  final KafkaEngine kafka;
  final CassandraEngine cassandra;
  final CqlSession session;
  final Admin admin;

  private Engines(Path dataDir, KafkaEngine kafka, CassandraEngine cassandra) {
    this.dataDir = dataDir;
    this.kafka = kafka;
    this.cassandra = cassandra;
    this.session =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress("127.0.0.1", cassandra.nativePort()))
            .withLocalDatacenter("datacenter1")
            .build();
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    this.admin = Admin.create(p);
  }

  static synchronized Engines shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("pipeline-it-");
        CassandraEngine cassandra =
            CassandraEngine.start(
                CassandraEngine.Options.defaults(dir)
                    .withPorts(Ports.freePort(), Ports.freePort())
                    .withFastTestMode(true));
        KafkaEngine kafka =
            KafkaEngine.start(
                KafkaEngine.Options.defaults(dir).withPorts(Ports.freePort(), Ports.freePort()));
        shared = new Engines(dir, kafka, cassandra);
        Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "engines-stop"));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return shared;
  }

  /** Empties a table of the pipeline's keyspace, if a silo has created it yet. */
  void truncateIfExists(String table) {
    session.refreshSchema();
    boolean exists = session.getMetadata().getKeyspace("kafkapipeline")
        .flatMap(ks -> ks.getTable(table)).isPresent();
    if (exists) session.execute("TRUNCATE kafkapipeline." + table);
  }

  private void stop() {
    admin.close();
    session.close();
    kafka.close();
    cassandra.close();
  }
}
