package kafkapipeline.grains;

import java.time.Duration;
import kafkapipeline.grains.profile.Profiled;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * How every source grain runs: one per cluster (a cluster singleton on the oldest silo, moving to
 * the next oldest when that one leaves or dies), restarted after a failure with a backoff of 1 s
 * doubling to 30 s (jittered), so a crashing source neither stops for good nor spins. Profiled
 * ({@link Profiled}) under its singleton name.
 */
public final class SourceSingleton {
  private SourceSingleton() {}

  public static <T> ActorRef<T> init(ActorSystem<?> system, Behavior<T> behavior, String name) {
    Behavior<T> supervised =
        // Profiled inside the supervisor, so it sees a failure before the restart.
        Behaviors.supervise(Profiled.behavior(name, behavior))
            .onFailure(
                SupervisorStrategy.restartWithBackoff(
                    Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    return ClusterSingleton.get(system).init(SingletonActor.of(supervised, name));
  }
}
