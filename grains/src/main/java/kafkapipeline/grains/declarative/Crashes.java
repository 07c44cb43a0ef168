package kafkapipeline.grains.declarative;

import kafkapipeline.api.grains.DeclarativeSourceProtocol.Command;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * What keeps a failing source grain where it is and visible: an exception out of the grain (a bug,
 * or input nothing else caught) restarts it on the same silo at once, instead of stopping it to be
 * started again by the keeper's next wake-up, on whatever silo, at full speed. The restarted grain
 * then waits the backoff of its crashes in a row ({@link #inARow}, from the settings' minimum to
 * their maximum) on its own timer before it reads its spec again, answering {@code GetStatus}
 * meanwhile: a supervisor's restart backoff would stash every message for up to the maximum (10
 * min), and {@code /api/sources} with it. The crashes are recorded across the restarts, so the
 * restarted grain reports them ({@link #describe}). Errors of the JVM (out of memory) are not
 * caught here: the bounds of {@link DeclarativeSettings} are what keep those from happening.
 */
final class Crashes {
  private volatile int count;
  private volatile int inARow;
  private volatile String last;

  int count() {
    return count;
  }

  /** Crashes since the grain last succeeded: what the wait after a restart doubles with. */
  int inARow() {
    return inARow;
  }

  /** The grain got through an attempt: the next crash waits the minimum again. */
  void succeeded() {
    inARow = 0;
  }

  /** Null before the first crash; else how many and the last one's cause. */
  String describe() {
    return count == 0
        ? null
        : "the grain crashed "
            + count
            + (count == 1 ? " time" : " times")
            + ", restarted after a backoff; last: "
            + last;
  }

  private void record(Throwable error) {
    count++;
    inARow++;
    last =
        error.getClass().getSimpleName()
            + (error.getMessage() == null ? "" : ": " + error.getMessage());
  }

  /**
   * {@code grain} (made again at each restart, which must wait {@link #inARow}'s backoff before it
   * does anything that may throw) under this record, restarted at once.
   */
  Behavior<Command> supervise(Behavior<Command> grain) {
    Behavior<Command> recorded = Behaviors.intercept(() -> new Recorder(this), grain);
    return Behaviors.supervise(recorded)
        .onFailure(RuntimeException.class, SupervisorStrategy.restart());
  }

  private static final class Recorder extends BehaviorInterceptor<Command, Command> {
    private final Crashes crashes;

    Recorder(Crashes crashes) {
      super(Command.class);
      this.crashes = crashes;
    }

    @Override
    public Behavior<Command> aroundReceive(
        TypedActorContext<Command> ctx, Command msg, ReceiveTarget<Command> target) {
      try {
        return target.apply(ctx, msg);
      } catch (RuntimeException e) {
        crashes.record(e);
        throw e;
      }
    }

    @Override
    public Behavior<Command> aroundStart(
        TypedActorContext<Command> ctx, PreStartTarget<Command> target) {
      try {
        return target.start(ctx);
      } catch (RuntimeException e) {
        crashes.record(e);
        throw e;
      }
    }
  }
}
