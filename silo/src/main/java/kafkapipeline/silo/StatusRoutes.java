package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/status}: the silos (status, roles, and, asked at this moment, uptime, CPU, heap
 * and counters; a silo that does not answer in time has none), which grains each hosts (city grains
 * by their own report and by Cluster Sharding's count; the singletons on the oldest silo), and rows
 * per table without reading any table ({@link RowCounts}: what the persisters wrote since start,
 * Cassandra's size estimate, and {@code rowsSources} saying which is which). {@code ?rows=false}
 * leaves the rows out; any other value than true or false is a 400. No {@code count(*)}: the answer
 * costs the same on a table of millions.
 */
final class StatusRoutes extends AllDirectives {
  /** The cluster singletons of every built-in source; they all live on the oldest Up silo. */
  static final List<String> SINGLETONS =
      kafkapipeline.silo.sources.BuiltInSources.ALL.stream()
          .flatMap(s -> s.singletons().stream())
          .toList();

  private final ActorSystem<?> system;
  private final HttpSettings http;
  private final PipelineView pipeline;
  private final CityRoutes cities;
  private RowCounts rowCounts;
  private Object rowCountsSession;

  StatusRoutes(ActorSystem<?> system, HttpSettings http, PipelineView pipeline, CityRoutes cities) {
    this.system = system;
    this.http = http;
    this.pipeline = pipeline;
    this.cities = cities;
  }

  Route routes() {
    return path(
        "status",
        () ->
            get(
                () ->
                    parameterOptional("rows", rows -> onSuccess(status(rows), r -> complete(r)))));
  }

  private CompletionStage<HttpResponse> status(Optional<String> rowsParam) {
    String rowsText = rowsParam.orElse("true");
    if (!rowsText.equals("true") && !rowsText.equals("false"))
      return Params.badRequest("rows must be true or false");
    Grains g = pipeline.grains();
    if (g == null) return Params.starting();
    List<Member> up =
        StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
            .toList();
    Member oldest =
        up.stream()
            .filter(m -> m.status() == MemberStatus.up())
            .reduce((a, b) -> a.isOlderThan(b) ? a : b)
            .orElse(null);
    CompletableFuture<Map<String, SiloVitals.Vitals>> vitals =
        ClusterVitals.all(system).toCompletableFuture();
    int upCount = (int) up.stream().filter(m -> m.status() == MemberStatus.up()).count();
    CompletableFuture<Rows> counted =
        (rowsText.equals("true")
                ? rows(g, vitals, upCount)
                : CompletableFuture.completedFuture(new Rows(Map.of(), null)))
            .toCompletableFuture();
    CompletableFuture<Map<String, Integer>> cityGrains =
        ClusterVitals.cityGrains(system).toCompletableFuture();
    CompletableFuture<List<ApiModel.CityView>> views = cities.list().toCompletableFuture();
    return CompletableFuture.allOf(counted, vitals, cityGrains, views)
        .thenApply(
            done -> {
              List<ApiModel.SiloView> silos = new ArrayList<>();
              for (Member m : up) {
                String address = m.address().hostPort();
                Map<String, Object> hosted = new LinkedHashMap<>();
                hosted.put(
                    "weather",
                    views.join().stream()
                        .filter(v -> address.equals(v.silo()))
                        .map(ApiModel.CityView::id)
                        .toList());
                hosted.put("city-weather", cityGrains.join().getOrDefault(address, 0));
                if (m.equals(oldest)) hosted.put("singletons", SINGLETONS);
                silos.add(
                    new ApiModel.SiloView(
                        address,
                        m.status().toString(),
                        List.copyOf(m.getRoles()),
                        hosted,
                        vitals.join().get(address)));
              }
              Rows rows = counted.join();
              return json(
                  StatusCodes.OK, new ApiModel.StatusView(silos, rows.tables(), rows.sources()));
            });
  }

  /** The row figures of every source's table and what they are; see {@link RowCounts}. */
  private CompletionStage<Rows> rows(
      Grains g, CompletionStage<Map<String, SiloVitals.Vitals>> vitals, int up) {
    RowCounts counts = rowCounts(g);
    return counts
        .estimates()
        .thenCombine(
            vitals,
            (estimates, v) ->
                new Rows(
                    new TreeMap<String, Object>(
                        RowCounts.tables(pipeline.registry().tables(), v, estimates)),
                    RowCounts.sources(v.size(), up, estimates)));
  }

  private record Rows(Map<String, Object> tables, Map<String, String> sources) {}

  private synchronized RowCounts rowCounts(Grains g) {
    if (rowCounts == null || rowCountsSession != g.session()) {
      rowCounts = new RowCounts(g.session(), http.countTimeout());
      rowCountsSession = g.session();
    }
    return rowCounts;
  }
}
