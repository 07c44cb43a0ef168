package kafkapipeline.grains.profile;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The one way a grain is profiled: {@link #behavior} wraps its behaviour in an interceptor that
 * times every message's handling into the {@link GrainProfiler} under the grain's type.
 *
 * <p>Guarantees: every message that reaches the behaviour is counted once, under its class, with
 * the time its handler took; a handler that throws is counted as a failure and its exception is
 * rethrown unchanged (supervision sees it as before). An instance counts as active from its start
 * (if the start did not stop it) to its {@code PostStop} or {@code PreRestart} signal, once each,
 * so under a restarting supervisor placed outside it, active instances stay exact. Signals are not
 * counted as messages. Nothing is logged and nothing allocated per message.
 */
public final class Profiled {
  private Profiled() {}

  /** {@code behavior} profiled in the JVM's {@link GrainProfiler#global()} as {@code grainType}. */
  public static <T> Behavior<T> behavior(String grainType, Behavior<T> behavior) {
    return behavior(GrainProfiler.global(), grainType, behavior);
  }

  /** {@code behavior} profiled in {@code profiler} as {@code grainType}. */
  public static <T> Behavior<T> behavior(
      GrainProfiler profiler, String grainType, Behavior<T> behavior) {
    GrainProfiler.Grain grain = profiler.grain(grainType);
    // A new interceptor per started instance: it holds whether that instance is counted active.
    return Behaviors.intercept(() -> new Interceptor<T>(grain), behavior);
  }

  private static final class Interceptor<T> extends BehaviorInterceptor<T, T> {
    private final GrainProfiler.Grain grain;
    private boolean active;

    @SuppressWarnings("unchecked")
    Interceptor(GrainProfiler.Grain grain) {
      // Object: every message is intercepted, whatever the protocol's type.
      super((Class<T>) (Class<?>) Object.class);
      this.grain = grain;
    }

    @Override
    public Behavior<T> aroundStart(TypedActorContext<T> ctx, PreStartTarget<T> target) {
      Behavior<T> started = target.start(ctx);
      // A start that returned stopped never gets a PostStop here: not counted at all.
      if (Behavior.isAlive(started)) {
        active = true;
        grain.activated();
      }
      return started;
    }

    @Override
    public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
      GrainProfiler.Recorder recorder = grain.recorder(msg.getClass());
      long start = System.nanoTime();
      Behavior<T> next;
      try {
        next = target.apply(ctx, msg);
      } catch (Throwable e) {
        recorder.record(System.nanoTime() - start, true);
        throw e;
      }
      recorder.record(System.nanoTime() - start, false);
      return next;
    }

    @Override
    public Behavior<T> aroundSignal(
        TypedActorContext<T> ctx, Signal signal, SignalTarget<T> target) {
      try {
        return target.apply(ctx, signal);
      } finally {
        if (active && (signal instanceof PostStop || signal instanceof PreRestart)) {
          active = false;
          grain.deactivated();
        }
      }
    }
  }
}
