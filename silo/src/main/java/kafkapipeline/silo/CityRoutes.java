package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.error;
import static kafkapipeline.silo.JsonRoutes.json;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.grains.CallBudgetProtocol;
import kafkapipeline.api.grains.CityWeatherProtocol;
import kafkapipeline.grains.weather.CityStore;
import kafkapipeline.grains.weather.CityWeather;
import kafkapipeline.grains.weather.OwmClient;
import kafkapipeline.grains.weather.WeatherSettings;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/cities}: list (registry plus each grain's status), add (validated by one API call
 * within the call budget; 404 from the API registers nothing), remove (stops the grain; its rows
 * stay). A city whose last report is older than two intervals shows as {@code stale}. The body is
 * read by {@link JsonBody#addCity} (a bad one is a 400 before anything is asked), adding and
 * removing pass {@link RequestChecks} first.
 */
final class CityRoutes extends AllDirectives {
  private final ActorSystem<?> system;
  private final WeatherSettings settings;
  private final HttpSettings http;
  private final PipelineView pipeline;
  private final RequestChecks checks;

  CityRoutes(
      ActorSystem<?> system,
      WeatherSettings settings,
      HttpSettings http,
      PipelineView pipeline,
      RequestChecks checks) {
    this.system = system;
    this.settings = settings;
    this.http = http;
    this.pipeline = pipeline;
    this.checks = checks;
  }

  Route routes() {
    return pathPrefix(
        "cities",
        () ->
            concat(
                pathEnd(
                    () ->
                        concat(
                            get(
                                () ->
                                    onSuccess(
                                        list(),
                                        views ->
                                            complete(
                                                StatusCodes.OK,
                                                views,
                                                Jackson.marshaller(JsonRoutes.MAPPER)))),
                            post(
                                () ->
                                    checks.body(
                                        JsonBody::addCity,
                                        body -> onSuccess(add(body), r -> complete(r)))))),
                path(
                    PathMatchers.segment(),
                    id ->
                        delete(
                            () ->
                                checks.changing(() -> onSuccess(remove(id), r -> complete(r)))))));
  }

  CompletionStage<List<ApiModel.CityView>> list() {
    Grains g = pipeline.grains();
    if (g == null) return CompletableFuture.completedFuture(List.of());
    return g.weather()
        .cities()
        .all()
        .thenCompose(
            cities -> {
              List<CompletableFuture<ApiModel.CityView>> views = new ArrayList<>();
              for (CityStore.City city : cities) views.add(view(city).toCompletableFuture());
              return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
                  .thenApply(done -> views.stream().map(CompletableFuture::join).toList());
            });
  }

  CompletionStage<ApiModel.CityView> view(CityStore.City city) {
    return AskPattern.<CityWeatherProtocol.Command, CityWeatherProtocol.Status>ask(
            ClusterSharding.get(system).entityRefFor(CityWeather.TYPE_KEY, city.id()),
            CityWeatherProtocol.GetStatus::new,
            http.askTimeout(),
            system.scheduler())
        .handle(
            (s, error) -> {
              if (error != null) {
                return new ApiModel.CityView(
                    city.id(),
                    city.name(),
                    city.country(),
                    null,
                    "unknown",
                    null,
                    null,
                    "no answer from the grain: " + error.getClass().getSimpleName());
              }
              String state = s.state();
              if ("reporting".equals(state)
                  && s.lastReport() != null
                  && s.lastReport()
                      .isBefore(Instant.now().minus(settings.interval().multipliedBy(2)))) {
                state = "stale";
              }
              return new ApiModel.CityView(
                  city.id(),
                  city.name(),
                  city.country(),
                  s.silo(),
                  state,
                  s.lastReport(),
                  s.temperature(),
                  s.lastError());
            });
  }

  private CompletionStage<HttpResponse> add(ApiModel.AddCity body) {
    Grains g = pipeline.grains();
    if (g == null)
      return done(
          error(StatusCodes.SERVICE_UNAVAILABLE, "the pipeline is starting; try again shortly"));
    String name = body.city(); // checked by JsonBody.addCity
    if (!g.weather().owm().hasKey()) {
      return done(
          error(
              StatusCodes.SERVICE_UNAVAILABLE,
              "weather is not configured: set OWM_API_KEY on the silos"));
    }
    return AskPattern.<CallBudgetProtocol.Command, CallBudgetProtocol.Answer>ask(
            g.weather().budget(),
            CallBudgetProtocol.Acquire::new,
            http.askTimeout(),
            system.scheduler())
        .thenCompose(
            answer -> {
              if (answer instanceof CallBudgetProtocol.Denied denied) {
                // The line of waiting polls comes first: the add is told when a call frees up
                // after them, in the body and in Retry-After (the same whole seconds).
                String seconds = JsonRoutes.retryAfter(denied.retryIn()).value();
                return done(
                    error(
                        StatusCodes.SERVICE_UNAVAILABLE,
                        "the weather call budget is used up; try again in " + seconds + " s",
                        denied.retryIn()));
              }
              return g.weather()
                  .owm()
                  .byName(name)
                  .thenCompose(result -> register(g, name, result));
            });
  }

  private CompletionStage<HttpResponse> register(Grains g, String name, OwmClient.Result result) {
    if (result instanceof OwmClient.NotFound)
      return done(error(StatusCodes.NOT_FOUND, "city not found: " + name));
    if (result instanceof OwmClient.Unauthorized u)
      return done(error(StatusCodes.BAD_GATEWAY, u.message()));
    if (result instanceof OwmClient.RateLimited r)
      // The weather API counts its limit per minute.
      return done(error(StatusCodes.SERVICE_UNAVAILABLE, r.message(), Duration.ofSeconds(60)));
    if (result instanceof OwmClient.Failed f)
      return done(error(StatusCodes.BAD_GATEWAY, f.message()));
    OwmClient.Observed o = (OwmClient.Observed) result;
    CityStore.City city =
        new CityStore.City(o.report().location(), o.name(), o.country(), o.owmId(), Instant.now());
    return g.weather()
        .cities()
        .add(city)
        .thenCompose(
            added -> {
              ClusterSharding.get(system)
                  .entityRefFor(CityWeather.TYPE_KEY, city.id())
                  .tell(CityWeatherProtocol.Wake.INSTANCE);
              return view(city)
                  .thenApply(v -> json(added ? StatusCodes.CREATED : StatusCodes.OK, v));
            });
  }

  private CompletionStage<HttpResponse> remove(String id) {
    Grains g = pipeline.grains();
    if (g == null)
      return done(
          error(StatusCodes.SERVICE_UNAVAILABLE, "the pipeline is starting; try again shortly"));
    return g.weather()
        .cities()
        .remove(id)
        .thenApply(
            removed -> {
              if (!removed) return error(StatusCodes.NOT_FOUND, "unknown city: " + id);
              ClusterSharding.get(system)
                  .entityRefFor(CityWeather.TYPE_KEY, id)
                  .tell(CityWeatherProtocol.Stop.INSTANCE);
              return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
            });
  }

  private static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }
}
