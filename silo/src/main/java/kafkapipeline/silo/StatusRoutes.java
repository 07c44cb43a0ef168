package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.error;
import static kafkapipeline.silo.JsonRoutes.json;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
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
 * {@code GET /api/status}: the silos, which grains each hosts (city grains by their own report;
 * the singletons on the oldest silo), and rows per table ({@code count(*)}, bounded by a
 * timeout: a table too large to count in time shows as {@code "unknown"}).
 */
final class StatusRoutes extends AllDirectives {
  private static final Duration COUNT_TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final AtomicReference<Grains> grains;
  private final CityRoutes cities;

  StatusRoutes(ActorSystem<?> system, AtomicReference<Grains> grains, CityRoutes cities) {
    this.system = system;
    this.grains = grains;
    this.cities = cities;
  }

  Route routes() {
    return path("status", () -> get(() -> onSuccess(status(), r -> complete(r))));
  }

  private CompletionStage<HttpResponse> status() {
    Grains g = grains.get();
    if (g == null) return CompletableFuture.completedFuture(error(StatusCodes.SERVICE_UNAVAILABLE, "the pipeline is starting"));
    List<Member> up = StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false).toList();
    Member oldest = up.stream().filter(m -> m.status() == MemberStatus.up())
        .reduce((a, b) -> a.isOlderThan(b) ? a : b).orElse(null);
    return cities.list().thenCombine(rowCounts(g), (views, rows) -> {
      List<ApiModel.SiloView> silos = new ArrayList<>();
      for (Member m : up) {
        String address = m.address().hostPort();
        Map<String, Object> hosted = new LinkedHashMap<>();
        hosted.put("weather", views.stream().filter(v -> address.equals(v.silo())).map(ApiModel.CityView::id).toList());
        if (m.equals(oldest)) hosted.put("singletons", List.of("faker-source", "weather-call-budget", "city-keeper", "wikipedia-source", "spacex-source"));
        silos.add(new ApiModel.SiloView(address, m.status().toString(), hosted));
      }
      return json(StatusCodes.OK, new ApiModel.StatusView(silos, rows));
    });
  }

  private CompletionStage<Map<String, Object>> rowCounts(Grains g) {
    Map<String, CompletableFuture<Object>> counts = new TreeMap<>();
    for (String table : SourceRoutes.TABLES) {
      counts.put(table, g.session()
          .executeAsync(SimpleStatement.newInstance("SELECT count(*) FROM kafkapipeline." + table).setTimeout(COUNT_TIMEOUT))
          .toCompletableFuture()
          .<Object>thenApply(rs -> rs.one().getLong(0))
          .exceptionally(e -> "unknown"));
    }
    return CompletableFuture.allOf(counts.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
      Map<String, Object> out = new TreeMap<>();
      counts.forEach((t, f) -> out.put(t, f.join()));
      return out;
    });
  }
}
