package kafkapipeline.silo;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The alerts as last evaluated on this silo, for {@code /metrics} (which is written at once, with
 * no time to gather the alerts' inputs): evaluated again every history interval by the system
 * scheduler (never blocking a thread) and at every {@code GET /api/alerts}. One per actor system.
 * Before the first evaluation, and while none is registered, there is no alert. An evaluation that
 * fails keeps the alerts before it.
 */
final class AlertBoard implements Extension {
  private static final ExtensionId<AlertBoard> ID =
      new ExtensionId<>() {
        @Override
        public AlertBoard createExtension(ActorSystem<?> system) {
          return new AlertBoard(system);
        }
      };

  private final ActorSystem<?> system;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile Supplier<CompletionStage<List<Alerts.Alert>>> evaluator =
      () -> CompletableFuture.completedFuture(List.of());
  private volatile List<Alerts.Alert> current = List.of();

  private AlertBoard(ActorSystem<?> system) {
    this.system = system;
  }

  static AlertBoard get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Evaluates with {@code evaluate} from now on, and every {@code interval} (scheduled once). */
  void evaluateWith(Supplier<CompletionStage<List<Alerts.Alert>>> evaluate, Duration interval) {
    this.evaluator = evaluate;
    if (scheduled.compareAndSet(false, true))
      system
          .scheduler()
          .scheduleWithFixedDelay(interval, interval, this::evaluate, system.executionContext());
  }

  /** Evaluates now and keeps the result. */
  CompletionStage<List<Alerts.Alert>> evaluate() {
    return evaluator
        .get()
        .thenApply(
            alerts -> {
              current = alerts;
              return alerts;
            });
  }

  /** The alerts of the last evaluation. */
  List<Alerts.Alert> current() {
    return current;
  }
}
