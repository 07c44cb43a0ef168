package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.error;
import static kafkapipeline.silo.JsonRoutes.json;

import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.grains.cassandra.DeadLetterStore;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/rows/{table}?limit=N} (the latest rows of any source's table, as text; a table no
 * source writes is a 404 listing the known ones), {@code GET /api/dead-letters?limit=N} (the newest
 * days' entries first, each with the first {@value DeadLetterStore#HEAD_BYTES} bytes of its payload
 * as text and the payload's length; no whole payload is read) and {@code POST
 * /api/dead-letters/replay} (which passes {@link RequestChecks} first).
 */
final class RowRoutes extends AllDirectives {
  private final HttpSettings http;
  private final PipelineView pipeline;
  private final RequestChecks checks;

  RowRoutes(HttpSettings http, PipelineView pipeline, RequestChecks checks) {
    this.http = http;
    this.pipeline = pipeline;
    this.checks = checks;
  }

  Route routes() {
    return concat(
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

  private CompletionStage<HttpResponse> deadLetters(Optional<String> limitText) {
    Grains g = pipeline.grains();
    if (g == null)
      return CompletableFuture.completedFuture(
          error(StatusCodes.SERVICE_UNAVAILABLE, "the pipeline is starting"));
    int limit = Params.limit(limitText, 20);
    if (limit < 0) return Params.badLimit();
    return g.deadLetters()
        .newest(limit)
        .thenApply(list -> json(StatusCodes.OK, list.stream().map(RowRoutes::view).toList()));
  }

  /** An entry as listed: its payload's head as text, "…" after it when the payload is longer. */
  static ApiModel.DeadLetterView view(DeadLetterStore.Listed l) {
    DeadLetterStore.DeadLetter d = l.head();
    String payload = d.payload() == null ? null : new String(d.payload(), StandardCharsets.UTF_8);
    if (payload != null && l.cut()) payload = payload + "…";
    return new ApiModel.DeadLetterView(
        d.topic(),
        d.partition(),
        d.offset(),
        d.key(),
        d.errorClass(),
        d.error(),
        d.failedAt(),
        payload,
        l.payloadBytes(),
        d.origin() == null ? null : d.origin().partition() + ":" + d.origin().offset());
  }

  /**
   * {@code POST /api/dead-letters/replay[?limit=N]}: {"replayed": n}; see DeadLetterStore#replay.
   */
  private CompletionStage<HttpResponse> replayDeadLetters(Optional<String> limitText) {
    Grains g = pipeline.grains();
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
    Grains g = pipeline.grains();
    if (g == null)
      return CompletableFuture.completedFuture(
          error(StatusCodes.SERVICE_UNAVAILABLE, "the pipeline is starting"));
    List<String> tables = g.registry().tables();
    if (!tables.contains(table)) {
      return CompletableFuture.completedFuture(
          error(
              StatusCodes.NOT_FOUND,
              "unknown table: "
                  + table
                  + " (known: "
                  + String.join(", ", tables.stream().sorted().toList())
                  + ")"));
    }
    int limit = Params.limit(limitText, 20);
    if (limit < 0) return Params.badLimit();
    // The table name is a source's table, never the caller's text.
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
