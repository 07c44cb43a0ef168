package kafkapipeline.silo;

import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Cassandra ring and the keyspace's replication as the driver's metadata describes them, turned
 * into plain values: pure functions, no query is sent. The driver tracks each node's state itself
 * (a node whose connections all fail is down; one it keeps no pool to is unknown). Replication
 * options that cannot be read (not a number, a missing factor) give a null factor, never an
 * exception.
 */
final class CassandraNodes {
  static final String UP = "up";
  static final String DOWN = "down";
  static final String UNKNOWN = "unknown";

  private CassandraNodes() {}

  /** One node: host:port the driver reaches it at, its datacenter, up/down/unknown. */
  record NodeView(String address, String datacenter, String state) {}

  /**
   * A keyspace's replication. {@code strategy}: the class's simple name; {@code replicationFactor}:
   * SimpleStrategy's factor, or NetworkTopologyStrategy's factor in the silo's local datacenter
   * (null when not known); {@code datacenters}: NetworkTopologyStrategy's factor per datacenter.
   */
  record Replication(
      String strategy, Integer replicationFactor, Map<String, Integer> datacenters) {}

  /** The nodes, sorted by address. */
  static List<NodeView> nodes(Collection<Node> nodes) {
    return nodes.stream()
        .map(CassandraNodes::view)
        .sorted(Comparator.comparing(NodeView::address))
        .toList();
  }

  static NodeView view(Node node) {
    return new NodeView(address(node), node.getDatacenter(), state(node.getState()));
  }

  static String state(NodeState state) {
    if (state == NodeState.UP) return UP;
    if (state == NodeState.DOWN || state == NodeState.FORCED_DOWN) return DOWN;
    return UNKNOWN;
  }

  private static String address(Node node) {
    InetSocketAddress rpc = node.getBroadcastRpcAddress().orElse(null);
    if (rpc != null) return hostPort(rpc);
    SocketAddress endPoint = node.getEndPoint().resolve();
    return endPoint instanceof InetSocketAddress inet ? hostPort(inet) : String.valueOf(endPoint);
  }

  static String hostPort(InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /**
   * The replication of a keyspace from its schema options ({@code class} and the factors), as
   * {@code KeyspaceMetadata.getReplication()} gives them. A factor may be {@code "3"} or, with
   * transient replicas, {@code "3/1"}: the full count (3) is taken.
   */
  static Replication replication(Map<String, String> options, String localDatacenter) {
    String strategyClass = options.getOrDefault("class", "");
    String strategy = strategyClass.substring(strategyClass.lastIndexOf('.') + 1);
    Map<String, Integer> datacenters = new TreeMap<>();
    Integer factor = null;
    if (strategy.equals("SimpleStrategy")) {
      factor = factor(options.get("replication_factor"));
    } else {
      options.forEach(
          (key, value) -> {
            if (key.equals("class") || key.equals("replication_factor")) return;
            Integer n = factor(value);
            if (n != null) datacenters.put(key, n);
          });
      factor = datacenters.get(localDatacenter);
    }
    return new Replication(strategy, factor, java.util.Collections.unmodifiableMap(datacenters));
  }

  private static final java.util.regex.Pattern FACTOR =
      java.util.regex.Pattern.compile("([0-9]{1,9})(/[0-9]{1,9})?");

  /** "3" or "3/1" (surrounding blanks allowed) -> 3; anything else -> null. */
  static Integer factor(String value) {
    if (value == null) return null;
    java.util.regex.Matcher m = FACTOR.matcher(value.strip());
    return m.matches() ? Integer.valueOf(m.group(1)) : null;
  }
}
