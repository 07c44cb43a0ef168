package kafkapipeline.silo.sources;

import com.datastax.oss.driver.api.core.CqlSession;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.grains.persist.RowMapper;

/**
 * A source that ships with the silo, described once: its name, topic and table ({@link #info}), how
 * it runs, the mapper of its rows, and its state as the API shows it. The silo's start (topics,
 * persisters, grains), {@code /api/sources}, {@code /api/status}, {@code /api/rows}, the lag on
 * {@code /metrics}, the client and the dashboard all derive from {@link BuiltInSources#ALL}: adding
 * a built-in source is its own files plus one line there.
 */
public interface BuiltInSource {
  /** Its name, topic and table. */
  SourceInfo info();

  /** How it runs, as {@code GET /api/sources} says: {@code singleton} or {@code per-city}. */
  String kind();

  /**
   * The cluster singletons it runs (all on the oldest Up silo), as {@code /api/status} lists them.
   */
  List<String> singletons();

  /** Prepares the mapper that turns the records of its topic into rows of its table. */
  CompletionStage<RowMapper> rowMapper(CqlSession session);

  /**
   * Starts its grains on this silo (for a singleton: a proxy here, the grain on the oldest silo).
   */
  Running start(SourceContext context);

  /** A started source, as the API asks after it. */
  interface Running {
    /**
     * Its state now. Never fails: a grain that does not answer within {@code timeout} gives state
     * {@code unknown} with the reason.
     */
    CompletionStage<SourceState> state(Duration timeout);

    /**
     * Its grain's own status record, as {@code GET /api/grains/source/{name}} shows it (for the
     * per-city weather source, its call budget's usage). Fails when the grain does not answer
     * within {@code timeout}.
     */
    CompletionStage<?> inspect(Duration timeout);
  }
}
