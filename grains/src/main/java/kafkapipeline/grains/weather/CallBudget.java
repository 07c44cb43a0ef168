package kafkapipeline.grains.weather;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import kafkapipeline.api.grains.CallBudgetProtocol;
import kafkapipeline.api.grains.CallBudgetProtocol.Acquire;
import kafkapipeline.api.grains.CallBudgetProtocol.Answer;
import kafkapipeline.api.grains.CallBudgetProtocol.AwaitTurn;
import kafkapipeline.api.grains.CallBudgetProtocol.Command;
import kafkapipeline.api.grains.CallBudgetProtocol.Denied;
import kafkapipeline.api.grains.CallBudgetProtocol.GetUsage;
import kafkapipeline.api.grains.CallBudgetProtocol.Granted;
import kafkapipeline.api.grains.CallBudgetProtocol.Queued;
import kafkapipeline.api.grains.CallBudgetProtocol.Usage;
import kafkapipeline.grains.profile.Profiled;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The cluster-wide budget of weather API calls (a cluster singleton): every call to the weather API
 * (a city's validation when it is added, its polls, its retries after a failure), from every silo,
 * is granted here first, and <b>no 60 s window ever holds more than {@code callsPerMinute}
 * grants</b>. It keeps a sliding-window log of the grants of the last 60 s ({@link GrantWindow}),
 * not a bucket: a bucket as big as the minute lets a full bucket plus a minute's refill through in
 * one window, twice the budget.
 *
 * <p>When calls are short, polls wait in line ({@link AwaitTurn}) and are granted oldest first, so
 * no city starves; an add ({@link Acquire}) never overtakes the line and is told when to come back.
 *
 * <p>After a handover. The log lives in the singleton's memory only. A new incarnation on another
 * silo cannot know what the old one granted just before it stopped, so it counts the whole minute
 * as used at its start ({@link GrantWindow#afterHandover}) and grants nothing for 60 s: that alone
 * holds for every window, needs no store on the path of every call, and costs one minute of polls
 * per handover, which a city polling every few minutes hardly notices. Only the first incarnation
 * of a cluster (on the member that has been the oldest since the cluster formed, which no other
 * incarnation can have preceded) starts with an empty log, so a new cluster answers at once. A
 * cluster formed anew, though, cannot tell a first start from a restart: when every silo stops and
 * one starts again within a minute of the last grant (also a one-silo cluster whose silo restarts:
 * it gets upNumber 1 again), that minute's grants and the new incarnation's share a window, so one
 * window can hold up to twice the budget, once per such restart. Closing it would need the last
 * grant's time in a store read at every start, or a minute of no calls after every start, adds
 * included; the weather API answers the excess with 429s, which the cities back off from. Lines
 * lost in a handover rebuild themselves: each waiter asks again every {@link
 * CallBudgetProtocol#TURN_REFRESH}. An exception in a handler resumes with the log kept.
 */
public final class CallBudget {
  /** The cluster singleton's name (it runs on the oldest silo). */
  public static final String SINGLETON_NAME = "weather-call-budget";

  private static final long STALE_AFTER = CallBudgetProtocol.TURN_REFRESH.multipliedBy(3).toNanos();

  /** How an incarnation starts: with no grant known, or with the last minute counted as used. */
  public enum Start {
    FRESH,
    AFTER_HANDOVER
  }

  private enum Release implements Command {
    INSTANCE
  }

  public static ActorRef<Command> init(ActorSystem<?> system, int callsPerMinute) {
    return ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Profiled.behavior(
                    SINGLETON_NAME,
                    Behaviors.setup(
                        ctx -> create(callsPerMinute, System::nanoTime, startOn(ctx.getSystem())))),
                SINGLETON_NAME));
  }

  /**
   * FRESH only on the member that got up first in this cluster: the singleton runs on the oldest
   * member, so that member has hosted it since the cluster formed and no incarnation came before.
   */
  static Start startOn(ActorSystem<?> system) {
    return Cluster.get(system).selfMember().upNumber() == 1 ? Start.FRESH : Start.AFTER_HANDOVER;
  }

  /** A fresh budget; {@code clock} in nanoseconds, injectable for tests. */
  public static Behavior<Command> create(int callsPerMinute, LongSupplier clock) {
    return create(callsPerMinute, clock, Start.FRESH);
  }

  public static Behavior<Command> create(int callsPerMinute, LongSupplier clock, Start start) {
    return Behaviors.<Command>supervise(
            Behaviors.setup(
                ctx ->
                    Behaviors.withTimers(
                        timers -> {
                          long now = clock.getAsLong();
                          GrantWindow window =
                              start == Start.FRESH
                                  ? GrantWindow.fresh(callsPerMinute, STALE_AFTER)
                                  : GrantWindow.afterHandover(callsPerMinute, STALE_AFTER, now);
                          if (start == Start.AFTER_HANDOVER)
                            ctx.getLog()
                                .info(
                                    "Call budget taking over: the last minute counts as used, so"
                                        + " no call is granted for 60 s");
                          return new Budget(window, clock, timers).behavior();
                        })))
        .onFailure(SupervisorStrategy.resume());
  }

  private static final class Budget {
    private final GrantWindow window;
    private final LongSupplier clock;
    private final TimerScheduler<Command> timers;
    private long granted;
    private long denied;

    Budget(GrantWindow window, LongSupplier clock, TimerScheduler<Command> timers) {
      this.window = window;
      this.clock = clock;
      this.timers = timers;
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Acquire.class, this::onAcquire)
          .onMessage(AwaitTurn.class, this::onAwaitTurn)
          .onMessageEquals(Release.INSTANCE, this::onRelease)
          .onMessage(GetUsage.class, this::onGetUsage)
          .build();
    }

    private Behavior<Command> onAcquire(Acquire acquire) {
      long now = clock.getAsLong();
      if (window.tryAcquire(now)) {
        granted++;
        acquire.replyTo().tell(new Granted());
      } else {
        denied++;
        // Behind everyone in line: the add is told to come back after them.
        acquire
            .replyTo()
            .tell(new Denied(Duration.ofNanos(window.expectedIn(window.waiting(), now))));
      }
      return Behaviors.same();
    }

    private Behavior<Command> onAwaitTurn(AwaitTurn await) {
      long now = clock.getAsLong();
      boolean known = window.ahead(await.requester()) >= 0;
      grant(window.<ActorRef<Answer>>awaitTurn(await.requester(), await.replyTo(), now));
      int ahead = window.ahead(await.requester());
      if (ahead >= 0) {
        if (!known) denied++; // counted once per wait, not per refresh
        await.replyTo().tell(new Queued(ahead, Duration.ofNanos(window.expectedIn(ahead, now))));
      }
      scheduleRelease(now);
      return Behaviors.same();
    }

    private Behavior<Command> onRelease() {
      long now = clock.getAsLong();
      grant(window.<ActorRef<Answer>>release(now));
      scheduleRelease(now);
      return Behaviors.same();
    }

    private Behavior<Command> onGetUsage(GetUsage get) {
      get.replyTo()
          .tell(new Usage(window.capacity(), window.free(clock.getAsLong()), granted, denied));
      return Behaviors.same();
    }

    private void grant(Iterable<Map.Entry<String, ActorRef<Answer>>> turns) {
      for (Map.Entry<String, ActorRef<Answer>> turn : turns) {
        granted++;
        turn.getValue().tell(new Granted());
      }
    }

    private void scheduleRelease(long now) {
      long at = window.nextRelease(now);
      if (at < 0) {
        timers.cancel(Release.INSTANCE);
      } else {
        // Never sooner than a millisecond: a clock that stands still must not spin the actor.
        timers.startSingleTimer(
            Release.INSTANCE, Release.INSTANCE, Duration.ofNanos(Math.max(1_000_000, at - now)));
      }
    }
  }
}
