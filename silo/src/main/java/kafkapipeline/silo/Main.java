package kafkapipeline.silo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Starts one silo. Configuration comes from {@code application.conf} and the environment (see
 * README.md); a bad setting ends the process at once with exit code 2 and one line naming it.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Config config = ConfigFactory.load();
    SiloSettings settings;
    try {
      settings = SiloSettings.fromConfig(config);
    } catch (IllegalArgumentException | ConfigException e) {
      System.err.println("silo: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    String systemName = config.getString("pipeline.cluster.system-name");
    // Through Cassandra, the silo joins once it has read the membership table (ClusterJoiner).
    List<String> seeds =
        settings.discoveryThroughCassandra() ? List.of() : settings.seedNodeAddresses(systemName);
    Config withSeeds =
        ConfigFactory.empty()
            .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
            .withFallback(config);
    ActorSystem.create(Guardian.create(settings), systemName, withSeeds);
  }
}
