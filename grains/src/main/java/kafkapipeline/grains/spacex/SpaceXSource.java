package kafkapipeline.grains.spacex;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.SpaceXLaunch;
import kafkapipeline.api.Topics;
import kafkapipeline.api.grains.SpaceXProtocol;
import kafkapipeline.api.grains.SpaceXProtocol.Command;
import kafkapipeline.api.grains.SpaceXProtocol.GetStatus;
import kafkapipeline.api.grains.SpaceXProtocol.Status;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import kafkapipeline.grains.spacex.SpaceXClient.Failed;
import kafkapipeline.grains.spacex.SpaceXClient.Ok;
import kafkapipeline.grains.spacex.SpaceXClient.Problem;
import kafkapipeline.grains.spacex.SpaceXClient.Result;
import kafkapipeline.grains.spacex.SpaceXJson.LaunchList;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The SpaceX launches source: one per cluster (a cluster singleton). Polls the launches every
 * interval, resolves their rocket, launchpad and payload ids to names, and publishes one event per
 * launch to topic {@code spacex}, keyed by launch id, so a launch polled again is the same row
 * again (an upsert), never a second one.
 *
 * <p>One poll is in flight at a time, each step a {@code CompletionStage} piped back to the actor,
 * which never blocks. A launch object the API got wrong is counted ({@code
 * malformed_source_data/spacex}), logged and skipped; the other launches of that poll are still
 * published. A poll that fails (429, 5xx, network, an unreadable body, a failed publish) publishes
 * nothing, marks the source failing with the reason and is retried with exponential backoff from
 * the interval, with jitter, up to ten minutes; the next good poll clears it. Nothing is thrown out
 * of the actor for these; anything unforeseen restarts it with backoff.
 */
public final class SpaceXSource extends AbstractBehavior<SpaceXProtocol.Command> {
  public static final String SOURCE = "spacex";
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
  private static final int MAX_LOGGED_MALFORMED = 5;

  enum Tick implements Command {
    INSTANCE
  }

  private record Fetched(Result<LaunchList> result) implements Command {}

  private record Resolved(Result<List<SpaceXLaunch>> result, List<String> malformed)
      implements Command {}

  private record Published(int count, List<String> malformed) implements Command {}

  private record PublishFailed(String error) implements Command {}

  /** The cluster singleton's name (it runs on the oldest silo). */
  public static final String SINGLETON_NAME = "spacex-source";

  /** Starts the singleton on the oldest silo (and on the next oldest when that one leaves). */
  public static ActorRef<Command> init(
      ActorSystem<?> system,
      SpaceXSettings settings,
      SpaceXClient client,
      EventPublisher publisher,
      PipelineMetrics metrics) {
    return kafkapipeline.grains.SourceSingleton.init(
        system, create(settings, client, publisher, metrics), SINGLETON_NAME);
  }

  public static Behavior<Command> create(
      SpaceXSettings settings,
      SpaceXClient client,
      EventPublisher publisher,
      PipelineMetrics metrics) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new SpaceXSource(ctx, timers, settings, client, publisher, metrics)));
  }

  private final TimerScheduler<Command> timers;
  private final SpaceXSettings settings;
  private final SpaceXClient client;
  private final EventPublisher publisher;
  private final PipelineMetrics metrics;
  private boolean busy;
  private String state = "starting";
  private Instant lastPoll;
  private Instant lastSuccess;
  private int launchesLastPoll;
  private long lastPollMillis;
  private long eventsPublished;
  private long malformed;
  private int failures;
  private String lastError;

  private SpaceXSource(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      SpaceXSettings settings,
      SpaceXClient client,
      EventPublisher publisher,
      PipelineMetrics metrics) {
    super(ctx);
    this.timers = timers;
    this.settings = settings;
    this.client = client;
    this.publisher = publisher;
    this.metrics = metrics;
    ctx.getSelf().tell(Tick.INSTANCE);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Tick.class, t -> onTick())
        .onMessage(Fetched.class, this::onFetched)
        .onMessage(Resolved.class, this::onResolved)
        .onMessage(Published.class, this::onPublished)
        .onMessage(PublishFailed.class, this::onPublishFailed)
        .onMessage(GetStatus.class, this::onGetStatus)
        .build();
  }

  private Behavior<Command> onTick() {
    if (busy) return this;
    busy = true;
    lastPoll = Instant.now();
    getContext()
        .pipeToSelf(
            client.launches(settings.includePast()),
            (result, error) ->
                new Fetched(
                    error == null ? result : new Failed<>(Problem.NETWORK, String.valueOf(error))));
    return this;
  }

  private Behavior<Command> onFetched(Fetched fetched) {
    if (fetched.result() instanceof Failed<LaunchList> failed) {
      if (failed.problem() == Problem.MALFORMED) countMalformed(List.of(failed.message()));
      return fail(failed.message());
    }
    LaunchList list = ((Ok<LaunchList>) fetched.result()).value();
    countMalformed(list.malformed());
    getContext()
        .pipeToSelf(
            client.resolve(list.launches()),
            (result, error) ->
                new Resolved(
                    error == null ? result : new Failed<>(Problem.NETWORK, String.valueOf(error)),
                    list.malformed()));
    return this;
  }

  private void countMalformed(List<String> reasons) {
    if (reasons.isEmpty()) return;
    malformed += reasons.size();
    metrics.add(PipelineMetrics.MALFORMED_SOURCE_DATA, SOURCE, reasons.size());
    reasons.stream()
        .limit(MAX_LOGGED_MALFORMED)
        .forEach(
            reason ->
                getContext().getLog().warn("SpaceX source skipped malformed data: {}", reason));
    if (reasons.size() > MAX_LOGGED_MALFORMED) {
      getContext()
          .getLog()
          .warn(
              "SpaceX source skipped {} more malformed launches",
              reasons.size() - MAX_LOGGED_MALFORMED);
    }
  }

  private Behavior<Command> onResolved(Resolved resolved) {
    if (resolved.result() instanceof Failed<List<SpaceXLaunch>> failed)
      return fail(failed.message());
    List<SpaceXLaunch> launches = ((Ok<List<SpaceXLaunch>>) resolved.result()).value();
    if (launches.isEmpty()) return onPublished(new Published(0, resolved.malformed()));
    List<KeyedRecord> records =
        launches.stream().map(l -> new KeyedRecord(l.launchId(), EventJson.write(l))).toList();
    getContext()
        .pipeToSelf(
            publisher.publish(Topics.SPACEX, records),
            (ok, error) ->
                error == null
                    ? new Published(records.size(), resolved.malformed())
                    : new PublishFailed(String.valueOf(error)));
    return this;
  }

  private Behavior<Command> onPublished(Published published) {
    busy = false;
    failures = 0;
    state = "running";
    lastSuccess = Instant.now();
    lastPollMillis = Duration.between(lastPoll, lastSuccess).toMillis();
    launchesLastPoll = published.count();
    eventsPublished += published.count();
    metrics.add(PipelineMetrics.PRODUCED, Topics.SPACEX, published.count());
    List<String> skipped = published.malformed();
    lastError =
        skipped.isEmpty()
            ? null
            : "skipped "
                + skipped.size()
                + " malformed launch(es) in the last poll, first: "
                + skipped.get(0);
    getContext()
        .getLog()
        .info("SpaceX source published {} launches in {} ms", published.count(), lastPollMillis);
    timers.startSingleTimer(Tick.INSTANCE, settings.interval());
    return this;
  }

  private Behavior<Command> onPublishFailed(PublishFailed failed) {
    metrics.increment(PipelineMetrics.PUBLISH_FAILURES, Topics.SPACEX);
    return fail("publish failed: " + failed.error());
  }

  private Behavior<Command> fail(String error) {
    busy = false;
    failures++;
    state = "failing";
    lastError = error;
    long base =
        Math.min(
            MAX_BACKOFF.toMillis(), settings.interval().toMillis() << Math.min(failures - 1, 10));
    long jittered = (long) (base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    getContext()
        .getLog()
        .warn(
            "SpaceX source failing ({} in a row): {}; next try in {} ms",
            failures,
            error,
            jittered);
    timers.startSingleTimer(Tick.INSTANCE, Duration.ofMillis(jittered));
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    get.replyTo()
        .tell(
            new Status(
                state,
                lastPoll,
                lastSuccess,
                launchesLastPoll,
                lastPollMillis,
                eventsPublished,
                malformed,
                failures,
                lastError));
    return this;
  }
}
