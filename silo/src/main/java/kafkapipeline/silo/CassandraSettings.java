package kafkapipeline.silo;

import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.util.List;
import kafkapipeline.grains.ConfigSection;
import kafkapipeline.grains.cassandra.Consistency;
import kafkapipeline.grains.cassandra.Schema;

/**
 * The Cassandra cluster a silo uses, section {@value #PATH}: where it is, the consistency of every
 * statement ({@link Consistency.Levels}) and how the schema is migrated ({@link Schema.Settings},
 * which also holds the local data centre). Each part checks its own keys, naming their full paths.
 *
 * @param contactPoints the nodes the driver first connects to (unresolved until then)
 */
public record CassandraSettings(
    List<InetSocketAddress> contactPoints, Consistency.Levels consistency, Schema.Settings schema) {
  public static final String PATH = "pipeline.cassandra";

  public CassandraSettings {
    contactPoints = List.copyOf(contactPoints);
    if (contactPoints.isEmpty())
      throw new IllegalArgumentException(PATH + ".contact-points is empty");
  }

  /** Reads and checks section {@value #PATH} of {@code config} (the whole configuration). */
  public static CassandraSettings fromConfig(Config config) {
    ConfigSection s = ConfigSection.of(config, PATH);
    String path = s.path("contact-points");
    return new CassandraSettings(
        HostPorts.list(s.string("contact-points"), path).stream()
            .map(hp -> HostPorts.socketAddress(hp, path))
            .toList(),
        Consistency.Levels.fromConfig(config),
        Schema.Settings.fromConfig(config));
  }
}
