package kafkapipeline.grains.weather;

import java.time.Duration;
import kafkapipeline.api.grains.CallBudgetProtocol.Acquire;
import kafkapipeline.api.grains.CallBudgetProtocol.Command;
import kafkapipeline.api.grains.CallBudgetProtocol.Denied;
import kafkapipeline.api.grains.CallBudgetProtocol.GetUsage;
import kafkapipeline.api.grains.CallBudgetProtocol.Granted;
import kafkapipeline.api.grains.CallBudgetProtocol.Usage;
import kafkapipeline.grains.profile.Profiled;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The cluster-wide budget of weather API calls (a cluster singleton): a token bucket of {@code
 * callsPerMinute} tokens refilled evenly. A grain asks before each call and is told to go ahead or
 * when to ask again, so all cities together stay within the free tier. If the singleton moves, the
 * new bucket starts full: at most one extra minute's budget after a failover.
 */
public final class CallBudget {
  /** The cluster singleton's name (it runs on the oldest silo). */
  public static final String SINGLETON_NAME = "weather-call-budget";

  public static ActorRef<Command> init(ActorSystem<?> system, int callsPerMinute) {
    return ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Profiled.behavior(SINGLETON_NAME, create(callsPerMinute, System::nanoTime)),
                SINGLETON_NAME));
  }

  /** {@code clock} in nanoseconds, injectable for tests. */
  public static Behavior<Command> create(
      int callsPerMinute, java.util.function.LongSupplier clock) {
    return Behaviors.setup(ctx -> new Bucket(callsPerMinute, clock).behavior());
  }

  private static final class Bucket {
    private final int capacity;
    private final double tokensPerNano;
    private final java.util.function.LongSupplier clock;
    private double tokens;
    private long lastRefill;
    private long granted;
    private long denied;

    Bucket(int callsPerMinute, java.util.function.LongSupplier clock) {
      this.capacity = callsPerMinute;
      this.tokensPerNano = callsPerMinute / 60e9;
      this.clock = clock;
      this.tokens = callsPerMinute;
      this.lastRefill = clock.getAsLong();
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Acquire.class, this::onAcquire)
          .onMessage(
              GetUsage.class,
              get -> {
                refill();
                get.replyTo().tell(new Usage(capacity, tokens, granted, denied));
                return Behaviors.same();
              })
          .build();
    }

    private Behavior<Command> onAcquire(Acquire acquire) {
      refill();
      if (tokens >= 1) {
        tokens -= 1;
        granted++;
        acquire.replyTo().tell(new Granted());
      } else {
        denied++;
        long waitNanos = (long) Math.ceil((1 - tokens) / tokensPerNano);
        acquire.replyTo().tell(new Denied(Duration.ofNanos(waitNanos)));
      }
      return Behaviors.same();
    }

    private void refill() {
      long now = clock.getAsLong();
      tokens = Math.min(capacity, tokens + (now - lastRefill) * tokensPerNano);
      lastRefill = now;
    }
  }
}
