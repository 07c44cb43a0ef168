package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import com.datastax.oss.driver.api.core.metadata.NodeState;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * The driver's node states and a keyspace's replication options as the engine view shows them:
 * every state has its name, the strategies' factors are read as Cassandra writes them, and options
 * of any content give a strategy and a factor or null, never an exception.
 */
class CassandraNodesTest {
  @Test
  void everyDriverStateIsUpDownOrUnknown() {
    Map<NodeState, String> expected =
        Map.of(
            NodeState.UP,
            "up",
            NodeState.DOWN,
            "down",
            NodeState.FORCED_DOWN,
            "down",
            NodeState.UNKNOWN,
            "unknown");
    assertEquals(
        NodeState.values().length, expected.size(), "a new driver state needs a name here");
    expected.forEach((state, name) -> assertEquals(name, CassandraNodes.state(state)));
    assertEquals("unknown", CassandraNodes.state(null));
  }

  @Test
  void replicationOfBothStrategies() {
    assertEquals(
        new CassandraNodes.Replication("SimpleStrategy", 1, Map.of()),
        CassandraNodes.replication(
            Map.of(
                "class", "org.apache.cassandra.locator.SimpleStrategy", "replication_factor", "1"),
            "datacenter1"));
    assertEquals(
        new CassandraNodes.Replication(
            "NetworkTopologyStrategy", 3, Map.of("datacenter1", 3, "dc2", 2)),
        CassandraNodes.replication(
            Map.of(
                "class",
                "org.apache.cassandra.locator.NetworkTopologyStrategy",
                "datacenter1",
                "3",
                "dc2",
                "2"),
            "datacenter1"));
    // Transient replication: "3/1" is three replicas, one of them transient.
    assertEquals(
        3,
        CassandraNodes.replication(
                Map.of("class", "NetworkTopologyStrategy", "datacenter1", "3/1"), "datacenter1")
            .replicationFactor());
    // Not replicated to the silo's datacenter: no local factor, the others still shown.
    CassandraNodes.Replication elsewhere =
        CassandraNodes.replication(
            Map.of("class", "NetworkTopologyStrategy", "dc2", "2"), "datacenter1");
    assertNull(elsewhere.replicationFactor());
    assertEquals(Map.of("dc2", 2), elsewhere.datacenters());
    assertNull(
        CassandraNodes.replication(
                Map.of("class", "SimpleStrategy", "replication_factor", "many"), "dc")
            .replicationFactor());
    assertNull(CassandraNodes.replication(Map.of(), "dc").replicationFactor());
  }

  @Test
  void anyOptionsGiveAFactorOrNullNeverAnException() {
    var keys =
        Generate.oneOf(
            Generate.pick(List.of("class", "replication_factor", "datacenter1", "dc2")),
            strings().basicLatinAlphabet().ofLengthBetween(0, 6));
    var values =
        Generate.oneOf(
            Generate.pick(
                List.of(
                    "SimpleStrategy",
                    "org.apache.cassandra.locator.NetworkTopologyStrategy",
                    "3",
                    "3/1",
                    "-1",
                    "/",
                    "",
                    " 2 ",
                    "99999999999")),
            integers().between(-5, 20).map(i -> String.valueOf(i)),
            strings().allPossible().ofLengthBetween(0, 8));
    qt().withExamples(5_000)
        .forAll(lists().of(keys.zip(values, List::of)).ofSizeBetween(0, 6))
        .checkAssert(
            pairs -> {
              Map<String, String> options = new HashMap<>();
              pairs.forEach(p -> options.put(p.get(0), p.get(1)));
              CassandraNodes.Replication r = CassandraNodes.replication(options, "datacenter1");
              String cls = options.getOrDefault("class", "");
              assertEquals(
                  cls.substring(cls.lastIndexOf('.') + 1), r.strategy(), options::toString);
              String raw =
                  r.strategy().equals("SimpleStrategy")
                      ? options.get("replication_factor")
                      : options.get("datacenter1");
              boolean readable = raw != null && raw.strip().matches("[0-9]{1,9}(/[0-9]{1,9})?");
              assertEquals(
                  readable ? Integer.valueOf(raw.strip().split("/")[0]) : null,
                  r.replicationFactor(),
                  options::toString);
              r.datacenters()
                  .forEach(
                      (dc, n) ->
                          assertTrue(
                              n >= 0 && options.containsKey(dc) && !dc.equals("class"),
                              options::toString));
            });
  }

  @Test
  void addressesAreHostPortWithIpv6InBrackets() {
    assertEquals(
        "127.0.0.2:9042", CassandraNodes.hostPort(new InetSocketAddress("127.0.0.2", 9042)));
    assertEquals(
        "[0:0:0:0:0:0:0:1]:9042", CassandraNodes.hostPort(new InetSocketAddress("::1", 9042)));
    assertEquals(
        "cassandra:9042",
        CassandraNodes.hostPort(InetSocketAddress.createUnresolved("cassandra", 9042)));
  }
}
