package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.json;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Small read-only views of the data for the dashboard, each one bounded query: {@code GET
 * /api/weather/series?city=ID&limit=N} (a city's latest N reports, oldest first), {@code GET
 * /api/wikipedia/recent?limit=N} (the newest N of up to 1000 sampled changes, and changes per wiki
 * in that sample) and {@code GET /api/spacex/upcoming?limit=N} (launches not yet flown, soonest
 * first). A missing or bad parameter is a 400 (the city as {@link JsonBody#cityProblem} checks a
 * typed name); a failed query is a 503 with the reason ({@link JsonRoutes#jsonExceptions}).
 */
final class DataRoutes extends AllDirectives {
  private static final int SAMPLE = 1000;

  private final HttpSettings http;
  private final PipelineView pipeline;

  DataRoutes(HttpSettings http, PipelineView pipeline) {
    this.http = http;
    this.pipeline = pipeline;
  }

  record WeatherPoint(Instant at, Float temp, Float humidity, String description) {}

  record WeatherSeries(String city, List<WeatherPoint> points) {}

  record WikiChange(String wiki, String title, String user, String type, Instant at, Boolean bot) {}

  record WikiRecent(int sampled, Map<String, Integer> byWiki, List<WikiChange> changes) {}

  record Launch(
      String id, String mission, Instant date, String rocket, String site, Integer flight) {}

  Route routes() {
    return concat(
        path(
            PathMatchers.segment("weather").slash("series"),
            () ->
                get(
                    () ->
                        parameterOptional(
                            "city",
                            city ->
                                parameterOptional(
                                    "limit",
                                    limit -> onSuccess(series(city, limit), r -> complete(r)))))),
        path(
            PathMatchers.segment("wikipedia").slash("recent"),
            () ->
                get(
                    () ->
                        parameterOptional(
                            "limit", limit -> onSuccess(wikipedia(limit), r -> complete(r))))),
        path(
            PathMatchers.segment("spacex").slash("upcoming"),
            () ->
                get(
                    () ->
                        parameterOptional(
                            "limit", limit -> onSuccess(upcoming(limit), r -> complete(r))))));
  }

  private CompletionStage<HttpResponse> series(Optional<String> city, Optional<String> limitText) {
    String id = city.map(String::strip).orElse("");
    String problem = JsonBody.cityProblem(city.orElse(""));
    if (problem != null) return Params.badRequest("city: " + problem);
    int limit = Params.limit(limitText, 200);
    if (limit < 0) return Params.badLimit();
    Grains g = pipeline.grains();
    if (g == null) return Params.starting();
    SimpleStatement select =
        SimpleStatement.newInstance(
                "SELECT forecastdate, temp, humidity, description FROM kafkapipeline.weatherreport WHERE location = ? LIMIT ?",
                id.toLowerCase(java.util.Locale.ROOT),
                limit)
            .setTimeout(http.queryTimeout());
    return g.session()
        .executeAsync(select)
        .thenApply(
            rs -> {
              List<WeatherPoint> points = new ArrayList<>();
              for (Row r : rs.currentPage()) {
                points.add(
                    new WeatherPoint(
                        r.getInstant(0),
                        r.isNull(1) ? null : r.getFloat(1),
                        r.isNull(2) ? null : r.getFloat(2),
                        r.getString(3)));
              }
              points.sort(Comparator.comparing(WeatherPoint::at));
              return json(
                  StatusCodes.OK, new WeatherSeries(id.toLowerCase(java.util.Locale.ROOT), points));
            });
  }

  private CompletionStage<HttpResponse> wikipedia(Optional<String> limitText) {
    int limit = Params.limit(limitText, 20);
    if (limit < 0) return Params.badLimit();
    Grains g = pipeline.grains();
    if (g == null) return Params.starting();
    SimpleStatement select =
        SimpleStatement.newInstance(
                "SELECT wiki, title, user, type, timestamp, bot FROM kafkapipeline.wikipediadata LIMIT "
                    + SAMPLE)
            .setTimeout(http.queryTimeout());
    return g.session()
        .executeAsync(select)
        .thenApply(
            rs -> {
              List<WikiChange> all = new ArrayList<>();
              Map<String, Integer> byWiki = new TreeMap<>();
              for (Row r : rs.currentPage()) {
                WikiChange c =
                    new WikiChange(
                        r.getString(0),
                        r.getString(1),
                        r.getString(2),
                        r.getString(3),
                        r.getInstant(4),
                        r.isNull(5) ? null : r.getBoolean(5));
                all.add(c);
                byWiki.merge(c.wiki(), 1, Integer::sum);
              }
              all.sort(
                  Comparator.comparing(
                      WikiChange::at, Comparator.nullsLast(Comparator.reverseOrder())));
              return json(
                  StatusCodes.OK,
                  new WikiRecent(all.size(), byWiki, all.subList(0, Math.min(limit, all.size()))));
            });
  }

  private CompletionStage<HttpResponse> upcoming(Optional<String> limitText) {
    int limit = Params.limit(limitText, 10);
    if (limit < 0) return Params.badLimit();
    Grains g = pipeline.grains();
    if (g == null) return Params.starting();
    SimpleStatement select =
        SimpleStatement.newInstance(
                "SELECT launch_id, mission_name, launch_date_utc, rocket_name, site_name, flight_number, upcoming"
                    + " FROM kafkapipeline.spacex_launches LIMIT "
                    + SAMPLE)
            .setTimeout(http.queryTimeout());
    return g.session()
        .executeAsync(select)
        .thenApply(
            rs -> {
              List<Launch> launches = new ArrayList<>();
              for (Row r : rs.currentPage()) {
                if (r.isNull(6) || !r.getBoolean(6)) continue;
                launches.add(
                    new Launch(
                        r.getString(0),
                        r.getString(1),
                        r.getInstant(2),
                        r.getString(3),
                        r.getString(4),
                        r.isNull(5) ? null : r.getInt(5)));
              }
              launches.sort(
                  Comparator.comparing(
                      Launch::date, Comparator.nullsLast(Comparator.naturalOrder())));
              return json(StatusCodes.OK, launches.subList(0, Math.min(limit, launches.size())));
            });
  }
}
