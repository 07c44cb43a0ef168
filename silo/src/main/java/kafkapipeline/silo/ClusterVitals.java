package kafkapipeline.silo;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import kafkapipeline.grains.weather.CityWeather;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Asks every silo for its {@link SiloVitals} and Cluster Sharding for the city grains each silo
 * hosts, at the moment of the request. Never fails: a silo that does not answer within {@link
 * #TIMEOUT} is missing from the map, and sharding statistics that do not come are empty.
 */
final class ClusterVitals {
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private ClusterVitals() {}

  /** Silo address (host:port) -> its vitals. */
  static CompletionStage<Map<String, SiloVitals.Vitals>> all(ActorSystem<?> system) {
    return EverySilo.<SiloVitals.Get, SiloVitals.Vitals>ask(
            system, SiloVitals.KEY, SiloVitals.Get::new, TIMEOUT)
        .thenApply(
            answers -> {
              Map<String, SiloVitals.Vitals> out = new TreeMap<>();
              for (var v : answers) out.put(v.address(), v);
              return out;
            });
  }

  /** Silo address (host:port) -> number of city-weather grains it hosts, from Cluster Sharding. */
  static CompletionStage<Map<String, Integer>> cityGrains(ActorSystem<?> system) {
    return AskPattern.<ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
            ClusterSharding.get(system).shardState(),
            reply -> new GetClusterShardingStats(CityWeather.TYPE_KEY, TIMEOUT, reply),
            TIMEOUT.plusSeconds(1),
            system.scheduler())
        .thenApply(
            stats -> {
              Map<String, Integer> out = new TreeMap<>();
              stats
                  .getRegions()
                  .forEach(
                      (address, region) ->
                          out.put(
                              address.hostPort(),
                              region.getStats().values().stream()
                                  .mapToInt(v -> ((Number) v).intValue())
                                  .sum()));
              return out;
            })
        .exceptionally(e -> Map.of());
  }
}
