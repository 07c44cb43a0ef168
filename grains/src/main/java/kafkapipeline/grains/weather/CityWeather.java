package kafkapipeline.grains.weather;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.Topics;
import kafkapipeline.api.WeatherReport;
import kafkapipeline.api.grains.CallBudgetProtocol;
import kafkapipeline.api.grains.CityWeatherProtocol;
import kafkapipeline.api.grains.CityWeatherProtocol.Command;
import kafkapipeline.api.grains.CityWeatherProtocol.GetStatus;
import kafkapipeline.api.grains.CityWeatherProtocol.Status;
import kafkapipeline.api.grains.CityWeatherProtocol.Stop;
import kafkapipeline.api.grains.CityWeatherProtocol.Wake;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import kafkapipeline.grains.profile.GrainProfiler;
import kafkapipeline.grains.profile.Profiled;
import kafkapipeline.grains.weather.CityStore.City;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The weather grain of one city (a sharded entity; the entity id is the city id, e.g. {@code
 * hanoi,vn}). Polls the current weather every interval, within the cluster-wide {@link CallBudget},
 * and publishes each report to topic {@code weather} keyed by city id.
 *
 * <p>On activation it reads its registration and stops at once if the city is not registered, so a
 * stale wake-up after a removal cannot bring a removed city back. A failed call (404, 401, 429,
 * 5xx, network, malformed body) marks the grain failing with the reason and is retried with
 * exponential backoff and jitter, up to ten minutes; the next success clears it.
 */
public final class CityWeather extends AbstractBehavior<CityWeatherProtocol.Command> {
  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "city-weather");
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
  private static final GrainProfiler.Grain PROFILE = GrainProfiler.global().grain(TYPE_KEY.name());

  enum Tick implements Command {
    INSTANCE
  }

  private enum RefreshTurn implements Command {
    INSTANCE
  }

  private record Registered(Optional<City> city) implements Command {}

  private record Budget(CallBudgetProtocol.Answer answer) implements Command {}

  private record Fetched(OwmClient.Result result) implements Command {}

  private record Published(WeatherReport report) implements Command {}

  private record PublishFailed(String error) implements Command {}

  /** The collaborators every city grain of a silo shares. */
  public record Dependencies(
      WeatherSettings settings,
      OwmClient client,
      ActorRef<CallBudgetProtocol.Command> budget,
      EventPublisher publisher,
      CityLookup cities,
      PipelineMetrics metrics) {}

  public static void init(ActorSystem<?> system, Dependencies deps) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    TYPE_KEY,
                    ctx -> Profiled.behavior(TYPE_KEY.name(), create(ctx.getEntityId(), deps)))
                .withStopMessage(Stop.INSTANCE)
                // A city polls on its own timer: it is never idle, so never passivated.
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  public static Behavior<Command> create(String cityId, Dependencies deps) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new CityWeather(ctx, timers, cityId, deps)));
  }

  private final TimerScheduler<Command> timers;
  private final String cityId;
  private final Dependencies deps;
  private final String silo;
  private City city; // null until the registration is read
  private boolean busy;
  private int failures;
  private String state = "starting";
  private Instant lastReport;
  private Float temperature;
  private String lastError;
  private Instant nextPoll; // when the pending Tick fires; null while a poll is under way
  private boolean awaitingTurn; // in the budget's line: the next Granted is this poll's call
  private final ActorRef<CallBudgetProtocol.Answer> budgetAdapter;

  private CityWeather(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, String cityId, Dependencies deps) {
    super(ctx);
    this.timers = timers;
    this.cityId = cityId;
    this.deps = deps;
    this.silo = Cluster.get(ctx.getSystem()).selfMember().address().hostPort();
    this.budgetAdapter = ctx.messageAdapter(CallBudgetProtocol.Answer.class, Budget::new);
    ctx.pipeToSelf(
        deps.cities().get(cityId), (found, error) -> new Registered(error == null ? found : null));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(Tick.class, t -> onTick())
        .onMessage(Budget.class, this::onBudget)
        .onMessageEquals(RefreshTurn.INSTANCE, this::onRefreshTurn)
        .onMessage(Fetched.class, this::onFetched)
        .onMessage(Published.class, this::onPublished)
        .onMessage(
            PublishFailed.class,
            f -> {
              PROFILE.failure(PublishFailed.class);
              return retry("publish failed: " + f.error());
            })
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessageEquals(Wake.INSTANCE, () -> this)
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .build();
  }

  private Behavior<Command> onRegistered(Registered registered) {
    if (registered.city() == null) { // the registry could not be read: the next wake-up retries
      getContext()
          .getLog()
          .warn("Cannot read the registration of city {}; stopping until the next wake-up", cityId);
      return Behaviors.stopped();
    }
    if (registered.city().isEmpty()) {
      getContext().getLog().info("City {} is not registered; stopping", cityId);
      return Behaviors.stopped();
    }
    city = registered.city().get();
    getContext().getSelf().tell(Tick.INSTANCE);
    return this;
  }

  private Behavior<Command> onTick() {
    if (city == null || busy) return this;
    if (!deps.client().hasKey()) {
      return fail("no API key: set OWM_API_KEY");
    }
    busy = true;
    nextPoll = null;
    awaitingTurn = true;
    askForTurn();
    return this;
  }

  /**
   * Takes a place in the budget's line (or keeps it), and asks again every refresh while waiting:
   * the budget forgets a line when it moves to another silo, and a lost message must not leave the
   * city waiting for ever.
   */
  private void askForTurn() {
    deps.budget().tell(new CallBudgetProtocol.AwaitTurn(cityId, budgetAdapter));
    timers.startSingleTimer(RefreshTurn.INSTANCE, CallBudgetProtocol.TURN_REFRESH);
  }

  private Behavior<Command> onRefreshTurn() {
    if (awaitingTurn) askForTurn();
    return this;
  }

  private Behavior<Command> onBudget(Budget budget) {
    if (!awaitingTurn) return this; // a second grant (a refresh crossed the first): not needed
    if (budget.answer() instanceof CallBudgetProtocol.Queued) {
      if (!"failing".equals(state)) state = "waiting";
      return this;
    }
    if (budget.answer() instanceof CallBudgetProtocol.Denied denied) { // not sent for a turn
      awaitingTurn = false;
      timers.cancel(RefreshTurn.INSTANCE);
      busy = false;
      if (!"failing".equals(state)) state = "waiting";
      scheduleTick(denied.retryIn().plusMillis(ThreadLocalRandom.current().nextInt(250)));
      return this;
    }
    awaitingTurn = false;
    timers.cancel(RefreshTurn.INSTANCE);
    getContext()
        .pipeToSelf(
            deps.client().byId(city.owmId(), city.name() + "," + city.country()),
            (result, error) ->
                new Fetched(error == null ? result : new OwmClient.Failed(String.valueOf(error))));
    return this;
  }

  private Behavior<Command> onFetched(Fetched fetched) {
    OwmClient.Result result = fetched.result();
    if (result instanceof OwmClient.Observed o) {
      WeatherReport report = withLocation(o.report());
      getContext()
          .pipeToSelf(
              deps.publisher()
                  .publish(
                      Topics.WEATHER, List.of(new KeyedRecord(cityId, EventJson.write(report)))),
              (ok, error) ->
                  error == null ? new Published(report) : new PublishFailed(String.valueOf(error)));
      return this;
    }
    // A failed call is a failure of this message in the profile, though its handler returns.
    PROFILE.failure(Fetched.class);
    if (result instanceof OwmClient.NotFound n)
      return retry("city not found by the API: " + n.query());
    if (result instanceof OwmClient.Unauthorized u) return retry(u.message());
    if (result instanceof OwmClient.RateLimited r) return retry(r.message());
    return retry(((OwmClient.Failed) result).message());
  }

  private WeatherReport withLocation(WeatherReport r) {
    return new WeatherReport(
        cityId,
        r.forecastdate(),
        r.description(),
        r.temp(),
        r.feelsLike(),
        r.tempMin(),
        r.tempMax(),
        r.pressure(),
        r.humidity(),
        r.wind(),
        r.sunrise(),
        r.sunset());
  }

  private Behavior<Command> onPublished(Published published) {
    busy = false;
    failures = 0;
    state = "reporting";
    lastError = null;
    lastReport = Instant.now();
    temperature = published.report().temp();
    deps.metrics().increment(kafkapipeline.grains.PipelineMetrics.PRODUCED, Topics.WEATHER);
    scheduleTick(deps.settings().interval());
    return this;
  }

  private Behavior<Command> retry(String error) {
    busy = false;
    return fail(error);
  }

  private Behavior<Command> fail(String error) {
    failures++;
    state = "failing";
    lastError = error;
    long base =
        Math.min(
            MAX_BACKOFF.toMillis(),
            deps.settings().interval().toMillis() << Math.min(failures - 1, 10));
    long jittered = (long) (base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    getContext()
        .getLog()
        .warn(
            "Weather of {} failing ({} in a row): {}; next try in {} s",
            cityId,
            failures,
            error,
            jittered / 1000);
    scheduleTick(Duration.ofMillis(jittered));
    return this;
  }

  private void scheduleTick(Duration in) {
    nextPoll = Instant.now().plus(in);
    timers.startSingleTimer(Tick.INSTANCE, in);
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    get.replyTo()
        .tell(
            new Status(
                cityId, state, silo, lastReport, temperature, lastError, nextPoll, failures, busy));
    return this;
  }
}
