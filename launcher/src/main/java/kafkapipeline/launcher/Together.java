package kafkapipeline.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Starts or stops the nodes of a cluster at the same time, one thread per node: a quorum (KRaft
 * controllers, a Cassandra ring's seeds) only forms once enough nodes run, so starting them one
 * after the other would wait on nodes not launched yet.
 *
 * <p>Guarantees: {@link #start} returns when every node's {@link Engine#start()} has returned. If
 * any fails, it waits for the others to finish starting, stops all of them, and rethrows the
 * failure of the lowest-numbered failing node (a {@link LaunchException} as is; anything else
 * wrapped in one); no node is left running.
 */
final class Together {

  private Together() {}

  static void start(List<? extends Engine> engines) {
    List<CompletableFuture<Void>> starts = new ArrayList<>();
    for (Engine engine : engines) {
      starts.add(
          CompletableFuture.runAsync(
              engine::start, runnable -> daemon(runnable, "start-" + engine)));
    }
    RuntimeException first = null;
    for (CompletableFuture<Void> start : starts) {
      try {
        start.get();
      } catch (ExecutionException e) {
        if (first == null) {
          first =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new LaunchException("a node failed to start: " + e.getCause(), e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (first == null) {
          first = new LaunchException("interrupted while starting the nodes", e);
        }
      }
    }
    if (first != null) {
      stop(engines);
      throw first;
    }
  }

  /** Stops every engine at once and returns when all are stopped. */
  static void stop(List<? extends Engine> engines) {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (Engine engine : engines) {
      stops.add(
          CompletableFuture.runAsync(engine::stop, runnable -> daemon(runnable, "stop-" + engine)));
    }
    try {
      CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      // Engine.stop() kills after its grace; whatever else went wrong, every stop has ended.
    }
  }

  private static void daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    thread.start();
  }
}
