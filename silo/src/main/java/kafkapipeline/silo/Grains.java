package kafkapipeline.silo;

import com.datastax.oss.driver.api.core.CqlSession;
import java.util.Map;
import kafkapipeline.grains.cassandra.DeadLetterStore;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.silo.sources.BuiltInSource;
import kafkapipeline.silo.sources.FakerSourceEntry;
import kafkapipeline.silo.sources.SourceRegistry;
import kafkapipeline.silo.sources.WeatherSourceEntry;

/**
 * What the HTTP API talks to once the pipeline has started on this silo.
 *
 * @param sources each started built-in source by name (a source missing here did not start on this
 *     silo, as in tests that stand in for some)
 */
public record Grains(
    CqlSession session,
    DeadLetterStore deadLetters,
    EventPublisher publisher,
    SourceRegistry registry,
    Map<String, BuiltInSource.Running> sources,
    Declarative declarative) {

  /**
   * What the API needs of the declarative sources (null in tests that stand in for them).
   *
   * @param store where they are kept
   * @param claims who owns each name, topic and table (taken before a source is stored)
   * @param persisters this silo's {@link DeclarativePersisters}, told to read the store at once
   * @param tableAgreement how long a table's creation may take to reach every node
   * @param maxSources how many declarative sources an add may make ({@code SOURCES_MAX})
   */
  public record Declarative(
      kafkapipeline.grains.declarative.SourceStore store,
      kafkapipeline.grains.declarative.SourceClaims claims,
      org.apache.pekko.actor.typed.ActorRef<DeclarativePersisters.Command> persisters,
      java.time.Duration tableAgreement,
      int maxSources) {}

  /** The fake-person generator; null when it did not start here. */
  public FakerSourceEntry.Running faker() {
    return source(FakerSourceEntry.Running.class);
  }

  /**
   * The weather source (call budget, city store, OpenWeatherMap client); null when it did not start
   * here.
   */
  public WeatherSourceEntry.Running weather() {
    return source(WeatherSourceEntry.Running.class);
  }

  private <T extends BuiltInSource.Running> T source(Class<T> type) {
    for (BuiltInSource.Running r : sources.values()) if (type.isInstance(r)) return type.cast(r);
    return null;
  }
}
