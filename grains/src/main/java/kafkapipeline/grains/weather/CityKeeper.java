package kafkapipeline.grains.weather;

import java.time.Duration;
import java.util.List;
import kafkapipeline.api.CborSerializable;
import kafkapipeline.api.grains.CityWeatherProtocol;
import kafkapipeline.grains.profile.Profiled;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * Keeps every registered city's grain alive (a cluster singleton, like an Orleans reminder): every
 * {@code wakeInterval} it reads the registry and wakes each city's grain. That brings the grains
 * back after a restart of every silo, and restarts a grain on its new silo after its shard moved,
 * within one wake interval. A registry that cannot be read is tried again next round.
 */
public final class CityKeeper {
  public sealed interface Command extends CborSerializable {}

  enum Round implements Command {
    INSTANCE
  }

  private record Loaded(List<String> cityIds, String error) implements Command {}

  private CityKeeper() {}

  /** The cluster singleton's name (it runs on the oldest silo). */
  public static final String SINGLETON_NAME = "city-keeper";

  public static void init(ActorSystem<?> system, CityStore cities, Duration wakeInterval) {
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Profiled.behavior(SINGLETON_NAME, create(cities, wakeInterval)), SINGLETON_NAME));
  }

  static Behavior<Command> create(CityStore cities, Duration wakeInterval) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
                  timers.startTimerWithFixedDelay(Round.INSTANCE, Duration.ZERO, wakeInterval);
                  return Behaviors.receive(Command.class)
                      .onMessageEquals(
                          Round.INSTANCE,
                          () -> {
                            ctx.pipeToSelf(
                                cities.all(),
                                (all, error) ->
                                    error == null
                                        ? new Loaded(
                                            all.stream().map(CityStore.City::id).toList(), null)
                                        : new Loaded(List.of(), String.valueOf(error)));
                            return Behaviors.same();
                          })
                      .onMessage(
                          Loaded.class,
                          loaded -> {
                            if (loaded.error() != null) {
                              ctx.getLog()
                                  .warn(
                                      "Cannot read the city registry: {}; next round in {}",
                                      loaded.error(),
                                      wakeInterval);
                            }
                            for (String id : loaded.cityIds()) {
                              sharding
                                  .entityRefFor(CityWeather.TYPE_KEY, id)
                                  .tell(CityWeatherProtocol.Wake.INSTANCE);
                            }
                            return Behaviors.same();
                          })
                      .build();
                }));
  }
}
