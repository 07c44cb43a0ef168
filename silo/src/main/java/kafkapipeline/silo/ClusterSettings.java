package kafkapipeline.silo;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import kafkapipeline.grains.ConfigSection;

/**
 * How a silo finds the others and keeps trying to start, section {@value #PATH}. A bad value fails
 * at construction with the setting's full path in the message.
 *
 * @param discoveryThroughCassandra true: the membership table ({@code discovery = cassandra}),
 *     false: the seed nodes ({@code discovery = seed-nodes})
 * @param seedNodes host:port of the seed silos (checked even when discovery does not use them)
 * @param startupMaxBackoff longest wait between two attempts to reach the servers at start
 */
public record ClusterSettings(
    boolean discoveryThroughCassandra, List<String> seedNodes, Duration startupMaxBackoff) {
  public static final String PATH = "pipeline.cluster";

  public ClusterSettings {
    seedNodes = List.copyOf(seedNodes);
    ConfigSection.positive(startupMaxBackoff, PATH + ".startup-max-backoff");
  }

  /** Reads and checks section {@value #PATH} of {@code config} (the whole configuration). */
  public static ClusterSettings fromConfig(Config config) {
    ConfigSection s = ConfigSection.of(config, PATH);
    String discovery = s.string("discovery");
    if (!discovery.equals("seed-nodes") && !discovery.equals("cassandra")) {
      throw new IllegalArgumentException(
          s.path("discovery") + " must be seed-nodes or cassandra, was '" + discovery + "'");
    }
    return new ClusterSettings(
        discovery.equals("cassandra"),
        HostPorts.list(s.string("seed-nodes"), s.path("seed-nodes")),
        s.duration("startup-max-backoff"));
  }

  /** Seed nodes as Pekko addresses of the given actor system. */
  public List<String> seedNodeAddresses(String systemName) {
    return seedNodes.stream().map(hp -> "pekko://" + systemName + "@" + hp).toList();
  }
}
