package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.error;
import static kafkapipeline.silo.JsonRoutes.json;

import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.faker.FakerSource;
import kafkapipeline.grains.spacex.SpaceXSource;
import kafkapipeline.grains.weather.CallBudget;
import kafkapipeline.grains.wikipedia.WikipediaSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/sources} (each source's state), {@code PUT /api/sources/faker/rate} (the faker's rate
 * at run time: the body is read by {@link JsonBody#setRate}, from 0 to {@link JsonBody#MAX_RATE}
 * people per second), the dead letters and their replay, and {@code /api/rows/{table}?limit=N}
 * (latest rows, as text). Setting the rate and replaying pass {@link RequestChecks} first.
 */
final class SourceRoutes extends AllDirectives {
  static final Set<String> TABLES =
      Set.of("weatherreport", "fakerdata", "wikipediadata", "spacex_launches");
  private final ActorSystem<?> system;
  private final HttpSettings http;
  private final AtomicReference<Grains> grains;
  private final RequestChecks checks;

  SourceRoutes(
      ActorSystem<?> system,
      HttpSettings http,
      AtomicReference<Grains> grains,
      RequestChecks checks) {
    this.system = system;
    this.http = http;
    this.grains = grains;
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
        path("sources", () -> get(() -> onSuccess(sources(), r -> complete(r)))),
        path(
            "dead-letters",
            () ->
                get(
                    () ->
                        parameterOptional(
                            "limit", limit -> onSuccess(deadLetters(limit), r -> complete(r))))),
        path(
            PathMatchers.segment("dead-letters").slash("replay"),
            () ->
                post(
                    () ->
                        checks.changing(
                            () ->
                                parameterOptional(
                                    "limit",
                                    limit ->
                                        onSuccess(replayDeadLetters(limit), r -> complete(r)))))),
        path(
            PathMatchers.segment("rows").slash(PathMatchers.segment()),
            table ->
                get(
                    () ->
                        parameterOptional(
                            "limit", limit -> onSuccess(rows(table, limit), r -> complete(r))))));
  }

  private CompletionStage<HttpResponse> setRate(ApiModel.SetRate body) {
    Grains g = grains.get();
    if (g == null)
      return CompletableFuture.completedFuture(
          error(StatusCodes.SERVICE_UNAVAILABLE, "the pipeline is starting"));
    return AskPattern.<FakerSource.Command, FakerSource.Status>ask(
            g.faker(),
            reply -> new FakerSource.SetRate(body.rate(), reply),
            http.askTimeout(),
            system.scheduler())
        .thenApply(s -> json(StatusCodes.OK, faker(s)));
  }

  private static ApiModel.SourceView faker(FakerSource.Status s) {
    return new ApiModel.SourceView(
        "faker", s.state(), s.ratePerSecond(), s.lastPublished(), s.lastError());
  }

  private CompletionStage<HttpResponse> sources() {
    Grains g = grains.get();
    if (g == null)
      return CompletableFuture.completedFuture(
          error(StatusCodes.SERVICE_UNAVAILABLE, "the pipeline is starting"));
    CompletionStage<ApiModel.SourceView> faker =
        AskPattern.<FakerSource.Command, FakerSource.Status>ask(
                g.faker(), FakerSource.GetStatus::new, http.askTimeout(), system.scheduler())
            .handle(
                (s, e) ->
                    e == null
                        ? faker(s)
                        : new ApiModel.SourceView(
                            "faker", "unknown", null, null, "no answer: " + e));
    CompletionStage<ApiModel.SourceView> weather =
        AskPattern.<CallBudget.Command, CallBudget.Usage>ask(
                g.weatherBudget(), CallBudget.GetUsage::new, http.askTimeout(), system.scheduler())
            .handle(
                (u, e) ->
                    new ApiModel.SourceView(
                        "weather",
                        !g.owm().hasKey() ? "failing" : e != null ? "unknown" : "running",
                        null,
                        null,
                        !g.owm().hasKey()
                            ? "no API key: set OWM_API_KEY"
                            : e != null
                                ? "no answer from the call budget"
                                : String.format(
                                    "call budget: %.0f of %d calls/min left",
                                    u.tokensLeft(), u.callsPerMinute())));
    CompletionStage<ApiModel.SourceView> wikipedia =
        AskPattern.<WikipediaSource.Command, WikipediaSource.Status>ask(
                g.wikipedia(),
                WikipediaSource.GetStatus::new,
                http.askTimeout(),
                system.scheduler())
            .handle(
                (s, e) ->
                    e == null
                        ? wikipedia(s)
                        : new ApiModel.SourceView(
                            Topics.WIKIPEDIA, "unknown", null, null, "no answer: " + e));
    CompletionStage<ApiModel.SourceView> spacex =
        AskPattern.<SpaceXSource.Command, SpaceXSource.Status>ask(
                g.spacex(), SpaceXSource.GetStatus::new, http.askTimeout(), system.scheduler())
            .handle(
                (s, e) ->
                    e == null
                        ? spacex(s)
                        : new ApiModel.SourceView(
                            Topics.SPACEX, "unknown", null, null, "no answer: " + e));
    return faker
        .thenCombine(weather, List::of)
        .thenCombine(wikipedia, (fw, wiki) -> List.of(fw.get(0), fw.get(1), wiki))
        .thenCombine(
            spacex,
            (fww, x) -> json(StatusCodes.OK, List.of(fww.get(0), fww.get(1), fww.get(2), x)));
  }

  private static ApiModel.SourceView wikipedia(WikipediaSource.Status s) {
    String detail =
        String.format(
            "%d published, %d canaries discarded, %d malformed, %d oversize, %d server errors, %d connections%s",
            s.published(),
            s.canaries(),
            s.malformed(),
            s.oversize(),
            s.serverErrors(),
            s.connections(),
            s.lastError() == null ? "" : "; last error: " + s.lastError());
    return new ApiModel.SourceView(
        Topics.WIKIPEDIA, s.state(), s.eventsPerSecond(), s.lastEventTime(), detail);
  }

  /**
   * No events/s for a poller: its counts are in /api/stats (produced spacex, malformed_source_data
   * spacex).
   */
  private static ApiModel.SourceView spacex(SpaceXSource.Status s) {
    return new ApiModel.SourceView(Topics.SPACEX, s.state(), null, s.lastSuccess(), s.lastError());
  }

  private CompletionStage<HttpResponse> deadLetters(Optional<String> limitText) {
    Grains g = grains.get();
    if (g == null)
      return CompletableFuture.completedFuture(
          error(StatusCodes.SERVICE_UNAVAILABLE, "the pipeline is starting"));
    int limit = Params.limit(limitText, 20);
    if (limit < 0) return Params.badLimit();
    return g.deadLetters()
        .some(limit)
        .thenApply(
            list ->
                json(
                    StatusCodes.OK,
                    list.stream()
                        .map(
                            d -> {
                              String payload =
                                  d.payload() == null
                                      ? null
                                      : new String(
                                          d.payload(), java.nio.charset.StandardCharsets.UTF_8);
                              if (payload != null && payload.length() > 2_000)
                                payload = payload.substring(0, 2_000) + "…";
                              return new ApiModel.DeadLetterView(
                                  d.topic(),
                                  d.partition(),
                                  d.offset(),
                                  d.key(),
                                  d.errorClass(),
                                  d.error(),
                                  d.failedAt(),
                                  payload);
                            })
                        .toList()));
  }

  /**
   * {@code POST /api/dead-letters/replay[?limit=N]}: {"replayed": n}; see DeadLetterStore#replay.
   */
  private CompletionStage<HttpResponse> replayDeadLetters(Optional<String> limitText) {
    Grains g = grains.get();
    if (g == null) return Params.starting();
    int limit = Params.limit(limitText, Params.MAX_LIMIT);
    if (limit < 0) return Params.badLimit();
    return g.deadLetters()
        .replay(g.publisher(), limit)
        .handle(
            (n, e) ->
                e == null
                    ? json(StatusCodes.OK, java.util.Map.of("replayed", n))
                    : error(StatusCodes.BAD_GATEWAY, "replay stopped: " + e.getMessage()));
  }

  private CompletionStage<HttpResponse> rows(String table, Optional<String> limitText) {
    Grains g = grains.get();
    if (g == null)
      return CompletableFuture.completedFuture(
          error(StatusCodes.SERVICE_UNAVAILABLE, "the pipeline is starting"));
    if (!TABLES.contains(table)) {
      return CompletableFuture.completedFuture(
          error(
              StatusCodes.BAD_REQUEST,
              "unknown table: "
                  + table
                  + " (known: "
                  + String.join(", ", TABLES.stream().sorted().toList())
                  + ")"));
    }
    int limit = Params.limit(limitText, 20);
    if (limit < 0) return Params.badLimit();
    // The table name is one of TABLES, never the caller's text.
    SimpleStatement select =
        SimpleStatement.newInstance("SELECT * FROM kafkapipeline." + table + " LIMIT " + limit)
            .setTimeout(http.queryTimeout());
    return g.session()
        .executeAsync(select)
        .thenApply(
            rs -> {
              List<String> columns = new ArrayList<>();
              for (ColumnDefinition c : rs.getColumnDefinitions())
                columns.add(c.getName().asInternal());
              List<List<String>> rows = new ArrayList<>();
              for (Row row : rs.currentPage()) {
                List<String> cells = new ArrayList<>();
                for (int i = 0; i < columns.size(); i++) {
                  Object v = row.getObject(i);
                  cells.add(v == null ? null : v.toString());
                }
                rows.add(cells);
              }
              return json(StatusCodes.OK, new ApiModel.RowsView(table, columns, rows));
            });
  }
}
