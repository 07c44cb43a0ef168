package kafkapipeline.silo;

import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import kafkapipeline.grains.cassandra.Consistency;
import kafkapipeline.grains.cassandra.Schema;
import kafkapipeline.grains.faker.FakerSettings;
import kafkapipeline.grains.persist.PersisterSettings;
import kafkapipeline.grains.spacex.SpaceXSettings;
import kafkapipeline.grains.weather.WeatherSettings;
import kafkapipeline.grains.wikipedia.WikipediaSettings;

/**
 * Everything a silo reads from its configuration, read once at start: the settings of each
 * component, each read and checked by the component's own {@code fromConfig}. A bad value fails
 * here, with the setting's full path in the message, before any connection is opened.
 */
public record SiloSettings(
    ClusterSettings cluster,
    KafkaSettings kafka,
    CassandraSettings cassandra,
    HttpSettings http,
    FakerSettings faker,
    WeatherSettings weather,
    WikipediaSettings wikipedia,
    PersisterSettings persisters,
    SpaceXSettings spacex,
    kafkapipeline.grains.declarative.DeclarativeSettings declarative,
    kafkapipeline.grains.declarative.SourceAccessSettings sourceAccess,
    kafkapipeline.silo.sources.SourceFiles sourceFiles,
    HistorySettings history) {

  /** Reads every component's section of {@code root}, the whole configuration. */
  public static SiloSettings fromConfig(Config root) {
    var access = kafkapipeline.grains.declarative.SourceAccessSettings.fromConfig(root);
    return new SiloSettings(
        ClusterSettings.fromConfig(root),
        KafkaSettings.fromConfig(root),
        CassandraSettings.fromConfig(root),
        HttpSettings.fromConfig(root),
        FakerSettings.fromConfig(root),
        WeatherSettings.fromConfig(root),
        WikipediaSettings.fromConfig(root),
        PersisterSettings.fromConfig(root),
        SpaceXSettings.fromConfig(root),
        kafkapipeline.grains.declarative.DeclarativeSettings.fromConfig(root),
        access,
        kafkapipeline.silo.sources.SourceFiles.fromConfig(root, access.addresses()),
        HistorySettings.fromConfig(root));
  }

  // The accessors below read through to the components, so callers need not know which one.

  public boolean discoveryThroughCassandra() {
    return cluster.discoveryThroughCassandra();
  }

  public List<String> seedNodes() {
    return cluster.seedNodes();
  }

  /** Seed nodes as Pekko addresses of the given actor system. */
  public List<String> seedNodeAddresses(String systemName) {
    return cluster.seedNodeAddresses(systemName);
  }

  /** Longest wait between two attempts to reach the servers at start. */
  public Duration startupRetryMax() {
    return cluster.startupMaxBackoff();
  }

  public String kafkaBootstrapServers() {
    return kafka.bootstrapServers();
  }

  public int kafkaPartitions() {
    return kafka.partitions();
  }

  public short kafkaReplicationFactor() {
    return kafka.replicationFactor();
  }

  /** See {@link KafkaSettings#minInsyncReplicas()}. */
  public int kafkaMinInsyncReplicas() {
    return kafka.minInsyncReplicas();
  }

  public List<InetSocketAddress> cassandraContactPoints() {
    return cassandra.contactPoints();
  }

  public String cassandraLocalDatacenter() {
    return cassandra.schema().localDatacenter();
  }

  public int cassandraReplicationFactor() {
    return cassandra.schema().replicationFactor();
  }

  public Consistency.Levels cassandraConsistency() {
    return cassandra.consistency();
  }

  public Duration schemaAgreementTimeout() {
    return cassandra.schema().agreementTimeout();
  }

  public Duration schemaWaitTimeout() {
    return cassandra.schema().waitTimeout();
  }

  /** How this silo migrates the schema. */
  public Schema.Settings schema() {
    return cassandra.schema();
  }

  public String httpHost() {
    return http.host();
  }

  public int httpPort() {
    return http.port();
  }

  public String httpToken() {
    return http.token();
  }

  public List<String> httpAllowedHosts() {
    return http.allowedHosts();
  }
}
