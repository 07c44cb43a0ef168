package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.error;
import static kafkapipeline.silo.JsonRoutes.json;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.grains.FakerProtocol;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.silo.sources.BuiltInSource;
import kafkapipeline.silo.sources.BuiltInSources;
import kafkapipeline.silo.sources.FakerSourceEntry;
import kafkapipeline.silo.sources.SourceState;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/sources}: every source of the registry, built-in and declarative, with its kind,
 * topic, table and state as its grain reports it (a grain that does not answer in time shows as
 * {@code unknown}); {@code PUT /api/sources/faker/rate}: the faker's rate at run time (the body is
 * read by {@link JsonBody#setRate}, from 0 to {@link JsonBody#MAX_RATE} people per second, after
 * {@link RequestChecks}).
 */
final class SourceRoutes extends AllDirectives {
  private final ActorSystem<?> system;
  private final HttpSettings http;
  private final PipelineView pipeline;
  private final RequestChecks checks;

  SourceRoutes(
      ActorSystem<?> system, HttpSettings http, PipelineView pipeline, RequestChecks checks) {
    this.system = system;
    this.http = http;
    this.pipeline = pipeline;
    this.checks = checks;
  }

  Route routes() {
    return concat(
        path(
            PathMatchers.segment("sources").slash("faker").slash("rate"),
            () ->
                put(
                    () ->
                        checks.body(
                            JsonBody::setRate,
                            body -> onSuccess(setRate(body), r -> complete(r))))),
        path("sources", () -> get(() -> onSuccess(sources(), r -> complete(r)))));
  }

  private CompletionStage<HttpResponse> setRate(ApiModel.SetRate body) {
    Grains g = pipeline.grains();
    if (g == null) return Params.starting();
    FakerSourceEntry.Running faker = g.faker();
    if (faker == null)
      return CompletableFuture.completedFuture(
          error(StatusCodes.SERVICE_UNAVAILABLE, "the faker source does not run on this silo"));
    FakerSourceEntry entry = new FakerSourceEntry();
    return AskPattern.<FakerProtocol.Command, FakerProtocol.Status>ask(
            faker.faker(),
            reply -> new FakerProtocol.SetRate(body.rate(), reply),
            http.askTimeout(),
            system.scheduler())
        .thenApply(
            s ->
                json(
                    StatusCodes.OK,
                    view(entry.info(), entry.kind(), FakerSourceEntry.Running.view(s))));
  }

  private CompletionStage<HttpResponse> sources() {
    Grains g = pipeline.grains();
    if (g == null) return Params.starting();
    return views(g).thenApply(list -> json(StatusCodes.OK, list));
  }

  /** Every source's view, in the registry's order, each asked in parallel. */
  private CompletionStage<List<ApiModel.SourceView>> views(Grains g) {
    List<CompletableFuture<ApiModel.SourceView>> each = new ArrayList<>();
    for (BuiltInSource source : BuiltInSources.ALL) {
      BuiltInSource.Running running = g.sources().get(source.info().name());
      CompletionStage<SourceState> state =
          running == null
              ? CompletableFuture.completedFuture(
                  new SourceState("unknown", null, null, "not started on this silo"))
              : running.state(http.askTimeout());
      each.add(state.thenApply(s -> view(source.info(), source.kind(), s)).toCompletableFuture());
    }
    CompletableFuture<List<ApiModel.SourceView>> declarative =
        DeclarativeSourceRoutes.views(system, g.registry(), http.askTimeout())
            .toCompletableFuture();
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenCombine(
            declarative,
            (done, more) -> {
              List<ApiModel.SourceView> all = new ArrayList<>();
              for (var e : each) all.add(e.join());
              all.addAll(more);
              return all;
            });
  }

  static ApiModel.SourceView view(SourceInfo info, String kind, SourceState s) {
    return new ApiModel.SourceView(
        info.name(),
        kind,
        info.topic(),
        info.table(),
        s.state(),
        s.eventsPerSecond(),
        s.lastEventTime(),
        s.detail());
  }
}
