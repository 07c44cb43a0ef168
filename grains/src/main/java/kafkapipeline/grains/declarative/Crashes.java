package kafkapipeline.grains.declarative;

import kafkapipeline.api.grains.DeclarativeSourceProtocol.Command;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * What keeps a failing source grain where it is and visible: an exception out of the grain (a bug,
 * or input nothing else caught) restarts it on the same silo after a backoff from the settings'
 * minimum to their maximum, instead of stopping it to be started again by the keeper's next
 * wake-up, on whatever silo, at full speed. The crashes are recorded across the restarts, so the
 * restarted grain reports them ({@link #describe}) and counts them as failures in a row. Errors of
 * the JVM (out of memory) are not caught here: the bounds of {@link DeclarativeSettings} are what
 * keep those from happening.
 */
final class Crashes {
  private volatile int count;
  private volatile String last;

  int count() {
    return count;
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
    last =
        error.getClass().getSimpleName()
            + (error.getMessage() == null ? "" : ": " + error.getMessage());
  }

  /** {@code grain} (made again at each restart) under this record and the backoff. */
  Behavior<Command> supervise(Behavior<Command> grain, DeclarativeSettings settings) {
    Behavior<Command> recorded = Behaviors.intercept(() -> new Recorder(this), grain);
    return Behaviors.supervise(recorded)
        .onFailure(
            RuntimeException.class,
            SupervisorStrategy.restartWithBackoff(
                settings.minBackoff(), settings.maxBackoff(), 0.2));
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
