package kafkapipeline.silo.sources;

import com.datastax.oss.driver.api.core.CqlSession;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.Topics;
import kafkapipeline.api.grains.CallBudgetProtocol;
import kafkapipeline.api.grains.CityWeatherProtocol;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.grains.persist.RowMapper;
import kafkapipeline.grains.persist.WeatherRowMapper;
import kafkapipeline.grains.weather.CallBudget;
import kafkapipeline.grains.weather.CityKeeper;
import kafkapipeline.grains.weather.CityStore;
import kafkapipeline.grains.weather.CityWeather;
import kafkapipeline.grains.weather.OwmClient;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Weather: one sharded grain per city, a shared call budget and the keeper that wakes every
 * registered city (both singletons); topic {@code weather}, table {@code weatherreport}.
 */
public final class WeatherSourceEntry implements BuiltInSource {
  @Override
  public SourceInfo info() {
    return new SourceInfo(Topics.WEATHER, Topics.WEATHER, WeatherRowMapper.TABLE);
  }

  @Override
  public String kind() {
    return "per-city";
  }

  @Override
  public List<String> singletons() {
    return List.of(CallBudget.SINGLETON_NAME, CityKeeper.SINGLETON_NAME);
  }

  @Override
  public CompletionStage<RowMapper> rowMapper(CqlSession session) {
    return WeatherRowMapper.prepare(session).thenApply(m -> m);
  }

  @Override
  public Running start(SourceContext c) {
    var weather = c.settings().weather();
    OwmClient owm = new OwmClient(weather.baseUrl(), weather.apiKey());
    ActorRef<CallBudgetProtocol.Command> budget =
        CallBudget.init(c.system(), weather.callsPerMinute());
    CityWeather.init(
        c.system(),
        new CityWeather.Dependencies(weather, owm, budget, c.publisher(), c.cities(), c.metrics()));
    CityKeeper.init(c.system(), c.cities(), weather.wakeInterval());
    return new Running(
        budget, c.cities(), owm, c.system().scheduler(), c.system(), weather.interval());
  }

  /**
   * The started weather source: the city routes talk to its budget, store and client. Its state's
   * last event is the newest report of its cities (each city grain asked), and a report is expected
   * every poll interval only while it has cities; with no store or system (tests that stand in for
   * the source) neither is known.
   *
   * @param interval each city's poll interval (null: none expected)
   */
  public record Running(
      ActorRef<CallBudgetProtocol.Command> budget,
      CityStore cities,
      OwmClient owm,
      Scheduler scheduler,
      ActorSystem<?> system,
      Duration interval)
      implements BuiltInSource.Running {
    /** A source whose cities are not asked (no last event, no expected interval). */
    public Running(
        ActorRef<CallBudgetProtocol.Command> budget,
        CityStore cities,
        OwmClient owm,
        Scheduler scheduler) {
      this(budget, cities, owm, scheduler, null, null);
    }

    @Override
    public CompletionStage<CallBudgetProtocol.Usage> inspect(Duration timeout) {
      return AskPattern.<CallBudgetProtocol.Command, CallBudgetProtocol.Usage>ask(
          budget, CallBudgetProtocol.GetUsage::new, timeout, scheduler);
    }

    @Override
    public CompletionStage<SourceState> state(Duration timeout) {
      CompletionStage<SourceState> budgetState =
          inspect(timeout)
              .handle(
                  (u, e) ->
                      !owm.hasKey()
                          ? new SourceState("failing", null, null, "no API key: set OWM_API_KEY")
                          : e != null
                              ? new SourceState(
                                  "unknown", null, null, "no answer from the call budget")
                              : new SourceState(
                                  "running",
                                  null,
                                  null,
                                  String.format(
                                      "call budget: %.0f of %d calls/min left",
                                      u.tokensLeft(), u.callsPerMinute())));
      return budgetState.thenCombine(
          reports(timeout),
          (s, r) ->
              new SourceState(
                  s.state(), null, r.newest(), s.detail(), r.cities() > 0 ? interval : null));
    }

    /** How many cities there are and their newest report (null: none yet, or not asked). */
    record Reports(int cities, Instant newest) {}

    private CompletionStage<Reports> reports(Duration timeout) {
      if (cities == null || system == null || interval == null)
        return CompletableFuture.completedFuture(new Reports(0, null));
      return cities
          .all()
          .thenCompose(
              all -> {
                List<CompletableFuture<Instant>> each = new ArrayList<>();
                for (CityStore.City city : all) {
                  each.add(
                      AskPattern.<CityWeatherProtocol.Command, CityWeatherProtocol.Status>ask(
                              ClusterSharding.get(system)
                                  .entityRefFor(CityWeather.TYPE_KEY, city.id()),
                              CityWeatherProtocol.GetStatus::new,
                              timeout,
                              scheduler)
                          .handle((st, e) -> e == null ? st.lastReport() : null)
                          .toCompletableFuture());
                }
                return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                    .thenApply(
                        done ->
                            new Reports(
                                all.size(),
                                each.stream()
                                    .map(CompletableFuture::join)
                                    .filter(java.util.Objects::nonNull)
                                    .max(Instant::compareTo)
                                    .orElse(null)));
              })
          // The store not answering leaves the freshness unknown, not the state failed.
          .exceptionally(e -> new Reports(0, null));
    }
  }
}
