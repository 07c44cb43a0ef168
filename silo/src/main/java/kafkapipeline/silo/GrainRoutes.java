package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.error;
import static kafkapipeline.silo.JsonRoutes.json;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.grains.CityWeatherProtocol;
import kafkapipeline.api.grains.DeclarativeSourceProtocol;
import kafkapipeline.api.grains.PersisterProtocol;
import kafkapipeline.grains.declarative.DeclarativeSource;
import kafkapipeline.grains.weather.CityWeather;
import kafkapipeline.silo.sources.BuiltInSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/grains/{type}/{id}}: one grain's state as the grain itself reports it, asked at
 * the request (each ask bounded by the API's ask timeout), like the Orleans Dashboard's grain state
 * view.
 *
 * <ul>
 *   <li>{@code city/{id}} (a city id, e.g. {@code london,gb}): its grain's status (state, silo,
 *       last report and temperature, next poll, failures in a row, last error) and the call
 *       budget's usage;
 *   <li>{@code source/{name}}: the source grain's own status (position or checkpoint, last event,
 *       backoff, counts);
 *   <li>{@code persister/{topic}}: the persister of that topic on every silo that answers, each
 *       with the partitions its consumer holds, what is in flight, and Kafka's committed offset and
 *       lag of each partition (null when Kafka does not answer).
 * </ul>
 *
 * An unknown type, city, source or topic is a 404 saying so; a grain that does not answer in time
 * is a 503 with the reason. Nothing here changes a grain: asking a city's grain activates it, and
 * it stops again at once if the city is not registered (which the store is checked for first).
 */
final class GrainRoutes extends AllDirectives {
  /** The grain types this route inspects, as {@code {type}} names them. */
  enum GrainType {
    CITY,
    SOURCE,
    PERSISTER;

    String path() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The answer: the grain's type and id, when it was asked, its instances (one for a city or a
   * source, one per silo for a persister) and related grains' state (a city's call budget).
   */
  record GrainState(
      String type,
      String id,
      Instant asOf,
      List<Instance> instances,
      Map<String, Object> related) {}

  /** One instance: the silo it runs on (null where the grain does not say) and its state. */
  record Instance(String silo, Object state) {}

  /** A persister's status with Kafka's view of each partition it holds. */
  record PersisterView(
      String topic,
      String table,
      String silo,
      List<PartitionView> partitions,
      long restarts,
      String lastError) {}

  record PartitionView(
      int partition,
      String state,
      long startedAt,
      long admitted,
      long written,
      long inFlight,
      Long endOffset,
      Long committed,
      Long lag) {}

  private final ActorSystem<?> system;
  private final HttpSettings http;
  private final PipelineView pipeline;
  private final KafkaLag lag;

  GrainRoutes(ActorSystem<?> system, HttpSettings http, PipelineView pipeline, KafkaLag lag) {
    this.system = system;
    this.http = http;
    this.pipeline = pipeline;
    this.lag = lag;
  }

  Route routes() {
    return path(
        PathMatchers.segment("grains").slash(PathMatchers.segment()).slash(PathMatchers.segment()),
        (type, id) -> get(() -> onSuccess(inspect(type, id), r -> complete(r))));
  }

  private CompletionStage<HttpResponse> inspect(String type, String id) {
    Grains g = pipeline.grains();
    if (g == null) return Params.starting();
    GrainType known = null;
    for (GrainType t : GrainType.values()) if (t.path().equals(type)) known = t;
    if (known == null)
      return CompletableFuture.completedFuture(
          error(
              StatusCodes.NOT_FOUND,
              "no grain type "
                  + Params.quoted(type)
                  + ": one of "
                  + java.util.Arrays.stream(GrainType.values()).map(GrainType::path).toList()));
    CompletionStage<HttpResponse> answer =
        switch (known) {
          case CITY -> city(g, id);
          case SOURCE -> source(g, id);
          case PERSISTER -> persister(g, id);
        };
    return answer.exceptionally(
        e ->
            error(
                StatusCodes.SERVICE_UNAVAILABLE,
                "the grain did not answer within "
                    + http.askTimeout().toMillis()
                    + " ms: "
                    + rootCause(e)));
  }

  private CompletionStage<HttpResponse> city(Grains g, String id) {
    var weather = g.weather();
    if (weather == null)
      return CompletableFuture.completedFuture(
          error(StatusCodes.SERVICE_UNAVAILABLE, "the weather source does not run on this silo"));
    return weather
        .cities()
        .get(id)
        .thenCompose(
            city -> {
              if (city.isEmpty())
                return CompletableFuture.completedFuture(
                    error(
                        StatusCodes.NOT_FOUND, "no city " + Params.quoted(id) + " is registered"));
              CompletionStage<CityWeatherProtocol.Status> status =
                  AskPattern.ask(
                      ClusterSharding.get(system).entityRefFor(CityWeather.TYPE_KEY, id),
                      CityWeatherProtocol.GetStatus::new,
                      http.askTimeout(),
                      system.scheduler());
              CompletionStage<Object> budget =
                  weather
                      .inspect(http.askTimeout())
                      .<Object>thenApply(u -> u)
                      .exceptionally(e -> "no answer from the call budget: " + rootCause(e));
              return status.thenCombine(
                  budget,
                  (s, b) ->
                      answer(
                          GrainType.CITY,
                          id,
                          List.of(new Instance(s.silo(), s)),
                          Map.of("callBudget", b)));
            });
  }

  private CompletionStage<HttpResponse> source(Grains g, String name) {
    if (g.registry().byName(name).isEmpty())
      return CompletableFuture.completedFuture(
          error(StatusCodes.NOT_FOUND, "no source " + Params.quoted(name)));
    BuiltInSource.Running builtIn = g.sources().get(name);
    CompletionStage<?> status;
    if (builtIn != null) {
      status = builtIn.inspect(http.askTimeout());
    } else if (g.registry().declarative().stream().anyMatch(s -> s.name().equals(name))) {
      status =
          ClusterSharding.get(system)
              .entityRefFor(DeclarativeSource.TYPE_KEY, name)
              .<DeclarativeSourceProtocol.Status>ask(
                  DeclarativeSourceProtocol.GetStatus::new, http.askTimeout());
    } else {
      return CompletableFuture.completedFuture(
          error(
              StatusCodes.SERVICE_UNAVAILABLE,
              "source " + Params.quoted(name) + " is not started on this silo"));
    }
    return status.thenApply(
        s -> answer(GrainType.SOURCE, name, List.of(new Instance(null, s)), Map.of()));
  }

  private CompletionStage<HttpResponse> persister(Grains g, String topic) {
    if (!g.registry().topics().contains(topic))
      return CompletableFuture.completedFuture(
          error(StatusCodes.NOT_FOUND, "no source writes topic " + Params.quoted(topic)));
    Duration timeout = http.askTimeout();
    CompletionStage<List<PersisterProtocol.Status>> statuses =
        EverySilo.<PersisterProtocol.Command, PersisterProtocol.Status>ask(
                system, PersisterProtocol.KEY, PersisterProtocol.GetStatus::new, timeout)
            .thenApply(
                all ->
                    all.stream()
                        .filter(s -> s.topic().equals(topic))
                        .sorted(Comparator.comparing(PersisterProtocol.Status::silo))
                        .toList());
    CompletionStage<List<KafkaLag.PartitionLag>> partitions =
        lag.lag(List.of(topic)).exceptionally(e -> List.of());
    return statuses.thenCombine(
        partitions,
        (list, lags) ->
            answer(
                GrainType.PERSISTER,
                topic,
                list.stream().map(s -> new Instance(s.silo(), withLag(s, lags))).toList(),
                Map.of()));
  }

  private static PersisterView withLag(
      PersisterProtocol.Status s, List<KafkaLag.PartitionLag> lags) {
    List<PartitionView> partitions = new ArrayList<>();
    for (PersisterProtocol.PartitionState p : s.partitions()) {
      KafkaLag.PartitionLag k =
          lags.stream().filter(l -> l.partition() == p.partition()).findFirst().orElse(null);
      partitions.add(
          new PartitionView(
              p.partition(),
              p.state(),
              p.startedAt(),
              p.admitted(),
              p.written(),
              p.inFlight(),
              k == null ? null : k.endOffset(),
              k == null ? null : k.committed(),
              k == null ? null : k.lag()));
    }
    return new PersisterView(
        s.topic(), s.table(), s.silo(), partitions, s.restarts(), s.lastError());
  }

  private static HttpResponse answer(
      GrainType type, String id, List<Instance> instances, Map<String, Object> related) {
    return json(StatusCodes.OK, new GrainState(type.path(), id, Instant.now(), instances, related));
  }

  private static String rootCause(Throwable e) {
    while (e.getCause() != null && e.getCause() != e) e = e.getCause();
    return e.getClass().getSimpleName();
  }
}
