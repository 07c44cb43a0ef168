package kafkapipeline.grains.declarative;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import kafkapipeline.api.CborSerializable;
import kafkapipeline.api.grains.DeclarativeSourceProtocol;
import kafkapipeline.grains.profile.Profiled;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * Keeps every stored declarative source's grain alive (a cluster singleton, like {@code
 * CityKeeper}): every {@code wakeInterval} it reads {@link SourceStore#all()} and wakes each
 * source's grain. That brings the grains back after a restart of every silo, and restarts a grain
 * on its new silo after its shard moved, within one wake interval. A deleted source is no longer
 * listed, so no longer woken; nor is one whose stored spec is unreadable. A store that cannot be
 * read is tried again next round (logged).
 */
public final class DeclarativeSourceKeeper {
  public sealed interface Command extends CborSerializable {}

  enum Round implements Command {
    INSTANCE
  }

  private record Loaded(List<String> names, String error) implements Command {}

  private DeclarativeSourceKeeper() {}

  /** The cluster singleton's name (it runs on the oldest silo). */
  public static final String SINGLETON_NAME = "declarative-source-keeper";

  /**
   * Starts the singleton; the grains' sharding ({@link DeclarativeSource#init}) must be started.
   */
  public static void init(ActorSystem<?> system, SourceStore sources, Duration wakeInterval) {
    ClusterSharding sharding = ClusterSharding.get(system);
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Profiled.behavior(
                    SINGLETON_NAME,
                    create(
                        sources,
                        wakeInterval,
                        name ->
                            sharding
                                .entityRefFor(DeclarativeSource.TYPE_KEY, name)
                                .tell(DeclarativeSourceProtocol.Wake.INSTANCE))),
                SINGLETON_NAME));
  }

  /** {@code wake} wakes the grain of one source name. */
  static Behavior<Command> create(
      SourceStore sources, Duration wakeInterval, Consumer<String> wake) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Round.INSTANCE, Duration.ZERO, wakeInterval);
                  return Behaviors.receive(Command.class)
                      .onMessageEquals(
                          Round.INSTANCE,
                          () -> {
                            ctx.pipeToSelf(
                                sources.all(),
                                (all, error) ->
                                    error == null
                                        ? new Loaded(
                                            all.stream()
                                                // An unreadable spec cannot run: waking its
                                                // grain would only log that every round.
                                                .filter(s -> s.spec() != null)
                                                .map(SourceStore.Stored::name)
                                                .toList(),
                                            null)
                                        : new Loaded(List.of(), String.valueOf(error)));
                            return Behaviors.same();
                          })
                      .onMessage(
                          Loaded.class,
                          loaded -> {
                            if (loaded.error() != null) {
                              ctx.getLog()
                                  .warn(
                                      "Cannot read the declarative sources: {}; next round in {}",
                                      loaded.error(),
                                      wakeInterval);
                            }
                            loaded.names().forEach(wake);
                            return Behaviors.same();
                          })
                      .build();
                }));
  }
}
