package kafkapipeline.silo.sources;

import com.datastax.oss.driver.api.core.CqlSession;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.Topics;
import kafkapipeline.api.grains.CallBudgetProtocol;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.grains.persist.RowMapper;
import kafkapipeline.grains.persist.WeatherRowMapper;
import kafkapipeline.grains.weather.CallBudget;
import kafkapipeline.grains.weather.CityKeeper;
import kafkapipeline.grains.weather.CityStore;
import kafkapipeline.grains.weather.CityWeather;
import kafkapipeline.grains.weather.OwmClient;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

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
    return new Running(budget, c.cities(), owm, c.system().scheduler());
  }

  /** The started weather source: the city routes talk to its budget, store and client. */
  public record Running(
      ActorRef<CallBudgetProtocol.Command> budget,
      CityStore cities,
      OwmClient owm,
      Scheduler scheduler)
      implements BuiltInSource.Running {
    @Override
    public CompletionStage<CallBudgetProtocol.Usage> inspect(Duration timeout) {
      return AskPattern.<CallBudgetProtocol.Command, CallBudgetProtocol.Usage>ask(
          budget, CallBudgetProtocol.GetUsage::new, timeout, scheduler);
    }

    @Override
    public CompletionStage<SourceState> state(Duration timeout) {
      return inspect(timeout)
          .handle(
              (u, e) ->
                  !owm.hasKey()
                      ? new SourceState("failing", null, null, "no API key: set OWM_API_KEY")
                      : e != null
                          ? new SourceState("unknown", null, null, "no answer from the call budget")
                          : new SourceState(
                              "running",
                              null,
                              null,
                              String.format(
                                  "call budget: %.0f of %d calls/min left",
                                  u.tokensLeft(), u.callsPerMinute())));
    }
  }
}
