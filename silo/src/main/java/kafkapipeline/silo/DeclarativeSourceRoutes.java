package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.error;
import static kafkapipeline.silo.JsonRoutes.json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.grains.DeclarativeSourceProtocol;
import kafkapipeline.api.sources.AddressRule;
import kafkapipeline.api.sources.InvalidSourceException;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.api.sources.SourceSpecs;
import kafkapipeline.grains.declarative.DeclarativeSource;
import kafkapipeline.grains.declarative.DeclarativeTable;
import kafkapipeline.silo.sources.SourceRegistry;
import kafkapipeline.silo.sources.SourceState;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /api/sources}: adds a declarative source (the body is its description, {@link
 * SourceSpec}) and {@code DELETE /api/sources/{name}}: removes one (its grain and persisters stop;
 * its rows, table and topic stay). Both pass {@link RequestChecks} first.
 *
 * <p>Adding checks everything before anything is created: a body that is no valid description is a
 * 400 naming every problem (source, key, reason), among them a secret header naming a variable
 * other than {@code SOURCE_SECRET_*} or a URL whose IP literal the {@link AddressRule} refuses; a
 * name, topic or table that another source or the pipeline itself owns (the stored sources read
 * page by page), a store already holding {@code max-sources} sources, or a table left by a removed
 * source with other columns, is a 409 with the reason. Then the name, topic and table are claimed
 * in one lightweight transaction ({@link kafkapipeline.grains.declarative.SourceClaims}): of two
 * adds racing for one of them, the second is a 409 naming the first. Then the table is created (or
 * widened by the new columns), the source stored, this silo's persisters told, its grain woken: 201
 * with its entry as {@code GET /api/sources} lists it; a failure after the claim releases it. Every
 * other silo starts its persister at its next refresh. Removing deletes the row, then releases the
 * claims of the name (also when none was stored: a claim an interrupted add left is freed so).
 */
final class DeclarativeSourceRoutes extends AllDirectives {
  private final ActorSystem<?> system;
  private final HttpSettings http;
  private final PipelineView pipeline;
  private final RequestChecks checks;
  private final AddressRule addresses;

  DeclarativeSourceRoutes(
      ActorSystem<?> system,
      HttpSettings http,
      PipelineView pipeline,
      RequestChecks checks,
      AddressRule addresses) {
    this.system = system;
    this.addresses = addresses;
    this.http = http;
    this.pipeline = pipeline;
    this.checks = checks;
  }

  Route routes() {
    return concat(
        path(
            "sources",
            () ->
                post(
                    () ->
                        checks.body(
                            JsonBody.Result::ok, body -> onSuccess(add(body), r -> complete(r))))),
        path(
            PathMatchers.segment("sources").slash(PathMatchers.segment()),
            name ->
                delete(() -> checks.changing(() -> onSuccess(remove(name), r -> complete(r))))));
  }

  private CompletionStage<HttpResponse> add(byte[] body) {
    Grains g = pipeline.grains();
    if (g == null || g.declarative() == null) return Params.starting();
    SourceSpec spec;
    try {
      spec = SourceSpecs.parse(body);
    } catch (InvalidSourceException e) {
      return done(refused(StatusCodes.BAD_REQUEST, "not a valid source", e.problems()));
    }
    List<String> problems = SourceSpecs.problems(spec, addresses);
    if (!problems.isEmpty())
      return done(refused(StatusCodes.BAD_REQUEST, "not a valid source", problems));
    Grains.Declarative d = g.declarative();
    // The store, not only this silo's copy (a source added on another silo a moment ago), read
    // page by page: what is kept is the count and what clashes.
    List<String> builtIn = SourceSpecs.conflicts(spec, SourceRegistry.reserved());
    if (!builtIn.isEmpty()) return done(refused(StatusCodes.CONFLICT, "taken", builtIn));
    return d.store()
        .fold(
            new Stored(0, new ArrayList<>()),
            (acc, s) -> {
              acc.conflicts()
                  .addAll(
                      SourceSpecs.conflicts(
                          spec,
                          List.of(
                              s.spec() == null
                                  ? new SourceInfo(s.name(), null, null)
                                  : SourceRegistry.info(s.spec()))));
              return new Stored(acc.count() + 1, acc.conflicts());
            })
        .thenCompose(
            stored -> {
              if (!stored.conflicts().isEmpty())
                return done(refused(StatusCodes.CONFLICT, "taken", stored.conflicts()));
              if (stored.count() >= d.maxSources())
                return done(
                    refused(
                        StatusCodes.CONFLICT,
                        "too many sources",
                        List.of(full(spec, stored.count(), d.maxSources()))));
              // The check above read a moment ago; the claim decides, atomically, between this
              // request and any other adding a source at the same time.
              return d.claims()
                  .claim(spec, false)
                  .thenCompose(
                      lost ->
                          lost.isEmpty()
                              ? create(d, g, spec)
                              : done(refused(StatusCodes.CONFLICT, "taken", lost)));
            })
        .exceptionally(DeclarativeSourceRoutes::failed);
  }

  /** What the store holds, as far as an add cares: how many sources, and what clashes. */
  private record Stored(int count, List<String> conflicts) {}

  private static String full(SourceSpec spec, int count, int max) {
    return "source '"
        + spec.name()
        + "': the pipeline holds "
        + count
        + " declarative sources, at most "
        + max
        + " (pipeline.sources.declarative.max-sources, SOURCES_MAX): remove one first";
  }

  /** Creates the claimed source's table, stores it; a failure releases the claim. */
  private CompletionStage<HttpResponse> create(Grains.Declarative d, Grains g, SourceSpec spec) {
    return DeclarativeTable.apply(g.session(), spec, d.tableAgreement())
        .thenCompose(table -> d.store().save(spec))
        .thenApply(
            saved -> {
              d.persisters().tell(DeclarativePersisters.Refresh.INSTANCE);
              ClusterSharding.get(system)
                  .entityRefFor(DeclarativeSource.TYPE_KEY, spec.name())
                  .tell(DeclarativeSourceProtocol.Wake.INSTANCE);
              return json(
                  StatusCodes.CREATED,
                  SourceRoutes.view(
                      SourceRegistry.info(spec),
                      kind(spec),
                      new SourceState("starting", null, null, null)));
            })
        .exceptionallyCompose(
            error -> d.claims().release(spec.name()).handle((released, again) -> failed(error)));
  }

  private CompletionStage<HttpResponse> remove(String name) {
    Grains g = pipeline.grains();
    if (g == null || g.declarative() == null) return Params.starting();
    if (SourceRegistry.isBuiltIn(name))
      return done(
          error(StatusCodes.CONFLICT, "source '" + name + "' is built in: it cannot be removed"));
    Grains.Declarative d = g.declarative();
    // Its claims go after the row (also when none was stored: a claim left by an add that failed
    // half-way is released this way), so no other source takes its topic while it is stored.
    return d.store()
        .delete(name)
        .thenCompose(existed -> d.claims().release(name).thenApply(released -> existed))
        .thenApply(
            existed -> {
              if (!existed)
                return error(StatusCodes.NOT_FOUND, "no source named " + Params.quoted(name));
              d.persisters().tell(DeclarativePersisters.Refresh.INSTANCE);
              ClusterSharding.get(system)
                  .entityRefFor(DeclarativeSource.TYPE_KEY, name)
                  .tell(DeclarativeSourceProtocol.Stop.INSTANCE);
              return json(StatusCodes.OK, Map.of("removed", name));
            })
        .exceptionally(DeclarativeSourceRoutes::failed);
  }

  /** The states of this silo's declarative sources, asked of their grains in parallel. */
  static CompletionStage<List<ApiModel.SourceView>> views(
      ActorSystem<?> system, SourceRegistry registry, java.time.Duration timeout) {
    List<CompletableFuture<ApiModel.SourceView>> each = new ArrayList<>();
    for (SourceSpec spec : registry.declarative()) {
      each.add(
          ClusterSharding.get(system)
              .entityRefFor(DeclarativeSource.TYPE_KEY, spec.name())
              .<DeclarativeSourceProtocol.Status>ask(
                  DeclarativeSourceProtocol.GetStatus::new, timeout)
              .handle((s, e) -> e == null ? state(s) : SourceState.noAnswer(e))
              .thenApply(s -> SourceRoutes.view(SourceRegistry.info(spec), kind(spec), s))
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(done -> each.stream().map(CompletableFuture::join).toList());
  }

  private static SourceState state(DeclarativeSourceProtocol.Status s) {
    String detail =
        String.format(
            "%d published, %d malformed, %d filtered%s",
            s.published(),
            s.malformed(),
            s.filtered(),
            s.lastError() == null ? "" : "; last error: " + s.lastError());
    return new SourceState(
        s.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
        null,
        s.lastEventAt(),
        detail);
  }

  /** {@code http-poll} or {@code sse}, as the description says it. */
  private static String kind(SourceSpec spec) {
    return switch (spec.kind()) {
      case HTTP_POLL -> "http-poll";
      case SSE -> "sse";
    };
  }

  private static HttpResponse failed(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof DeclarativeTable.IncompatibleTableException)
      return error(StatusCodes.CONFLICT, cause.getMessage());
    return error(
        StatusCodes.SERVICE_UNAVAILABLE, "Cassandra did not answer: " + Connections.reason(cause));
  }

  private static HttpResponse refused(
      org.apache.pekko.http.javadsl.model.StatusCode status, String error, List<String> problems) {
    return json(
        status, new ApiModel.Refused(error + ": " + problems.size() + " problem(s)", problems));
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
