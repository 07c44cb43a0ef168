package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfig;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import kafkapipeline.grains.cassandra.Consistency;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** The consistency, schema and topic replication settings, and what a silo makes of them. */
class ConsistencySettingsTest {

  private static Config with(Map<String, Object> overrides) {
    ConfigFactory.invalidateCaches();
    // The variables of the environment the test runs in must not matter: the keys are set here.
    Map<String, Object> all =
        new java.util.HashMap<>(
            Map.of(
                "pipeline.cassandra.write-consistency",
                "LOCAL_QUORUM",
                "pipeline.cassandra.read-consistency",
                "LOCAL_QUORUM",
                "pipeline.cassandra.replication-factor",
                1,
                "pipeline.kafka.replication-factor",
                1));
    all.putAll(overrides);
    return ConfigFactory.parseMap(all).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void theDefaultsAreLocalQuorumAndTheSchemaTimeoutsOfCassandraConf() {
    ConfigFactory.invalidateCaches();
    Config conf = ConfigFactory.parseResources("cassandra.conf").resolve();
    assertEquals("LOCAL_QUORUM", conf.getString("pipeline.cassandra.write-consistency"));
    assertEquals("LOCAL_QUORUM", conf.getString("pipeline.cassandra.read-consistency"));
    SiloSettings s = SiloSettings.fromConfig(with(Map.of()));
    assertEquals(
        new Consistency.Levels(
            DefaultConsistencyLevel.LOCAL_QUORUM, DefaultConsistencyLevel.LOCAL_QUORUM),
        s.cassandraConsistency());
    assertEquals(Duration.ofSeconds(30), s.schema().agreementTimeout());
    assertEquals(Duration.ofSeconds(120), s.schema().waitTimeout());
    assertEquals("datacenter1", s.schema().localDatacenter());
  }

  @Test
  void aBadLevelFailsAtStartNamingTheSetting() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SiloSettings.fromConfig(
                    with(Map.of("pipeline.cassandra.write-consistency", "SERIAL"))));
    assertTrue(
        e.getMessage()
            .startsWith("pipeline.cassandra.write-consistency: SERIAL makes no sense for writes"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SiloSettings.fromConfig(
                    with(Map.of("pipeline.cassandra.read-consistency", "ANY"))));
    assertTrue(
        e.getMessage()
            .startsWith("pipeline.cassandra.read-consistency: ANY makes no sense for reads"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SiloSettings.fromConfig(
                    with(Map.of("pipeline.cassandra.read-consistency", "MOST"))));
    assertTrue(
        e.getMessage()
            .startsWith("pipeline.cassandra.read-consistency: 'MOST' is not a consistency level"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SiloSettings.fromConfig(
                    with(Map.of("pipeline.cassandra.schema-wait-timeout", "0s"))));
    assertTrue(
        e.getMessage().startsWith("pipeline.cassandra.schema-wait-timeout must be positive"),
        e.getMessage());
  }

  @Test
  void theSessionWritesAndReadsAtTheConfiguredLevels() {
    SiloSettings s =
        SiloSettings.fromConfig(
            with(
                Map.of(
                    "pipeline.cassandra.write-consistency",
                    "each_quorum",
                    "pipeline.cassandra.read-consistency",
                    "ONE")));
    DriverConfigLoader loader = Connections.driverConfig(s);
    DriverConfig config = loader.getInitialConfig();
    assertEquals(
        "EACH_QUORUM",
        config.getDefaultProfile().getString(DefaultDriverOption.REQUEST_CONSISTENCY));
    assertEquals(
        "LOCAL_SERIAL",
        config.getDefaultProfile().getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY));
    assertEquals(
        "ONE",
        config.getProfile(Consistency.READ).getString(DefaultDriverOption.REQUEST_CONSISTENCY));
    // The read profile keeps the silo's other settings.
    assertEquals(
        Duration.ofSeconds(10),
        config.getProfile(Consistency.READ).getDuration(DefaultDriverOption.REQUEST_TIMEOUT));
    loader.close();
  }

  @Test
  void topicsTakeOneInSyncReplicaLessThanTheirReplicasAndAtLeastOne() {
    int[][] rfToMinIsr = {{1, 1}, {2, 1}, {3, 2}, {5, 4}};
    for (int[] pair : rfToMinIsr) {
      SiloSettings s =
          SiloSettings.fromConfig(with(Map.of("pipeline.kafka.replication-factor", pair[0])));
      NewTopic t = Connections.newTopic(s, "faker");
      assertEquals(pair[0], t.replicationFactor());
      assertEquals(
          String.valueOf(pair[1]), t.configs().get("min.insync.replicas"), "RF " + pair[0]);
      assertEquals("1048576", t.configs().get("max.message.bytes"));
    }
  }
}
