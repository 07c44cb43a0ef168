package kafkapipeline.grains.declarative;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import kafkapipeline.api.grains.DeclarativeSourceProtocol;
import kafkapipeline.api.grains.DeclarativeSourceProtocol.Command;
import kafkapipeline.api.grains.DeclarativeSourceProtocol.GetStatus;
import kafkapipeline.api.grains.DeclarativeSourceProtocol.State;
import kafkapipeline.api.grains.DeclarativeSourceProtocol.Status;
import kafkapipeline.api.grains.DeclarativeSourceProtocol.Stop;
import kafkapipeline.api.grains.DeclarativeSourceProtocol.Wake;
import kafkapipeline.api.sources.SourceKind;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.StreamPositionStore;
import kafkapipeline.grains.declarative.ItemExtraction.Extraction;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.profile.GrainProfiler;
import kafkapipeline.grains.profile.Profiled;
import kafkapipeline.grains.wikipedia.SseConnection;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;

/**
 * The grain of one declarative source (a sharded entity; the entity id is the source's name). It
 * reads its spec from the {@link SourceStore} when it starts and stops at once if there is none (it
 * was deleted) or the store cannot be read or the stored spec is unreadable (the next wake-up of
 * the {@link DeclarativeSourceKeeper} tries again), so a stale wake-up cannot bring a deleted
 * source back. A spec replaced in the store is taken up when the grain next starts.
 *
 * <p>{@code http-poll}: one GET in flight at a time, conditional on the last good answer's {@code
 * ETag} / {@code Last-Modified} (taken up only after its items were acknowledged by Kafka, so a
 * failed publish is polled again in full); a 304 publishes nothing. Each poll's items go to Kafka
 * as one batch ({@link ItemExtraction}), the next poll one interval later. {@code sse}: reads the
 * stream through the shared {@link SseConnection}, publishes each batch and then saves its last
 * event id ({@link StreamPositionStore}, key {@code source:<name>}), and resumes there on every
 * connection, also on another silo; the spec's filter drops events (counted). For both, a 429 waits
 * at least its {@code Retry-After}, and any failure (5xx, other status, network, timeout, failed
 * publish or save, the stream's end) backs off exponentially with jitter from the settings' minimum
 * to their maximum; the first success resets it. Malformed documents and items become dead letters
 * (counted). Secret header values are read ({@link SecretHeaders}: {@code SOURCE_SECRET_*} through
 * {@code env}, or a file of the secrets folder) on the silo that runs the grain, before each
 * attempt, and never appear in a log or a {@link Status} (messages echoing one have it redacted); a
 * name the rule refuses fails the attempt, counted, and nothing is sent. Every connection goes
 * through a {@link CheckedResolver}: only to addresses {@link SourceAccessSettings#addresses}
 * allows, else the attempt fails naming the address and the rule.
 *
 * <p>Bounded ({@link DeclarativeSettings}): a poll runs as {@link PollWork}, a stream through
 * {@link SseItems#open}, neither on this actor's thread; an attempt over a bound fails like any
 * other, with the bound in its reason, and counts {@value #BOUNDS_EXCEEDED}. A grain that throws
 * restarts in place and waits a backoff, answering its status meanwhile ({@link Crashes}).
 */
public final class DeclarativeSource extends AbstractBehavior<DeclarativeSourceProtocol.Command> {
  /** The metric counting attempts a bound of the settings stopped (a subset of failures). */
  public static final String BOUNDS_EXCEEDED = "source_bounds_exceeded";

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "declarative-source");

  private static final GrainProfiler.Grain PROFILE = GrainProfiler.global().grain(TYPE_KEY.name());

  /**
   * What every grain of the silo shares.
   *
   * @param env environment variable name to its value (null when unset): {@code System::getenv}
   * @param access the secrets folder and the addresses sources may connect to
   */
  public record Dependencies(
      SourceStore sources,
      EventPublisher publisher,
      StreamPositionStore positions,
      PipelineMetrics metrics,
      Function<String, String> env,
      DeclarativeSettings settings,
      SourceAccessSettings access) {}

  /** The next poll, or the next connection (first the stream position, if it is not read yet). */
  enum Attempt implements Command {
    INSTANCE
  }

  /** After a crash's backoff: read the spec again. */
  private enum Load implements Command {
    INSTANCE
  }

  private record Loaded(Optional<SourceStore.Stored> stored, String error) implements Command {}

  private record Polled(PollWork.Outcome outcome) implements Command {}

  private record Failed(long connection, String reason, Duration atLeast, boolean overBound)
      implements Command {
    Failed(long connection, String reason, Duration atLeast) {
      this(connection, reason, atLeast, false);
    }
  }

  private record PositionLoaded(Optional<String> position) implements Command {}

  private record Connected(long connection, CompletionStage<SseConnection.Outcome> outcome)
      implements Command {}

  private record Streaming(long connection) implements Command {}

  private record ServerRetry(long connection, Duration retry) implements Command {}

  private record Progress(long connection, SseItems.Batch batch) implements Command {}

  private record Ended(long connection, SseConnection.Outcome outcome) implements Command {}

  public static ActorRef<ShardingEnvelope<Command>> init(ActorSystem<?> system, Dependencies deps) {
    // One budget of poll bodies for all the sources of this silo.
    PollBudget budget = new PollBudget(deps.settings().maxBufferedBytes());
    return ClusterSharding.get(system)
        .init(
            Entity.of(
                    TYPE_KEY,
                    ctx ->
                        Profiled.behavior(TYPE_KEY.name(), create(ctx.getEntityId(), deps, budget)))
                .withStopMessage(Stop.INSTANCE)
                // A source runs on its own timer or stream: never idle, so never passivated.
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  /** A grain with a poll budget of its own (tests). */
  public static Behavior<Command> create(String name, Dependencies deps) {
    return create(name, deps, new PollBudget(deps.settings().maxBufferedBytes()));
  }

  static Behavior<Command> create(String name, Dependencies deps, PollBudget budget) {
    Crashes crashes = new Crashes();
    return crashes.supervise(
        Behaviors.setup(
            ctx ->
                Behaviors.withTimers(
                    timers -> new DeclarativeSource(ctx, timers, name, deps, budget, crashes))));
  }

  private final TimerScheduler<Command> timers;
  private final String name;
  private final Dependencies deps;
  private final PollBudget budget;
  private final Crashes crashes;
  private SourceSpec spec; // null until read
  private PollClient client; // http-poll only
  private CheckedResolver resolver;
  private Map<String, String> secrets = Map.of(); // the last values read, to redact
  private State state = State.STARTING;
  private long published, malformed, filtered;
  private Instant lastEventAt, nextAttemptAt;
  private String lastError;
  private int failures;
  private boolean busy; // a poll (or a connection attempt) is under way
  private long connection; // which attempt's late messages are current
  private String etag, lastModified; // http-poll validators
  private Optional<String> position; // sse: null until read from the store
  private Optional<Duration> serverRetry = Optional.empty();
  private SharedKillSwitch killSwitch;

  private DeclarativeSource(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      String name,
      Dependencies deps,
      PollBudget budget,
      Crashes crashes) {
    super(ctx);
    this.timers = timers;
    this.name = name;
    this.deps = deps;
    this.budget = budget;
    this.crashes = crashes;
    if (crashes.inARow() == 0) {
      load();
      return;
    }
    // Restarted after a crash: failing, says so, and waits on a timer (not a supervisor's stash)
    // so that status is answered meanwhile; nothing here may throw, or the restarts would spin.
    state = State.BACKING_OFF;
    failures = crashes.inARow();
    lastError = crashes.describe();
    long wait = Backoff.waitMillis(deps.settings(), failures, Duration.ZERO, Optional.empty());
    nextAttemptAt = Instant.now().plusMillis(wait);
    timers.startSingleTimer(Load.INSTANCE, Duration.ofMillis(wait));
  }

  private Behavior<Command> load() {
    getContext()
        .pipeToSelf(
            deps.sources().get(name),
            (found, error) ->
                error == null ? new Loaded(found, null) : new Loaded(null, String.valueOf(error)));
    return this;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Load.INSTANCE, this::load)
        .onMessage(Loaded.class, this::onLoaded)
        .onMessageEquals(Attempt.INSTANCE, this::onAttempt)
        .onMessage(Polled.class, this::onPolled)
        .onMessage(PositionLoaded.class, this::onPositionLoaded)
        .onMessage(Connected.class, this::onConnected)
        .onMessage(Streaming.class, this::onStreaming)
        .onMessage(ServerRetry.class, this::onServerRetry)
        .onMessage(Progress.class, this::onProgress)
        .onMessage(Ended.class, this::onEnded)
        .onMessage(Failed.class, this::onFailed)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessageEquals(Wake.INSTANCE, () -> this)
        .onMessageEquals(Stop.INSTANCE, this::onStop)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onLoaded(Loaded loaded) {
    if (loaded.error() != null) {
      getContext()
          .getLog()
          .warn(
              "Cannot read the spec of source {}: {}; stopping until the next wake-up",
              name,
              loaded.error());
      return Behaviors.stopped();
    }
    if (loaded.stored().isEmpty()) {
      getContext().getLog().info("Source {} is not stored (deleted); stopping", name);
      return Behaviors.stopped();
    }
    SourceStore.Stored stored = loaded.stored().get();
    if (stored.spec() == null) {
      getContext()
          .getLog()
          .warn(
              "Source {} cannot run: {}; stopping until the next wake-up", name, stored.problem());
      return Behaviors.stopped();
    }
    spec = stored.spec();
    resolver = CheckedResolver.dns(getContext().getSystem(), deps.access().addresses());
    if (spec.kind() == SourceKind.HTTP_POLL)
      client = PollClient.over(getContext().getSystem(), resolver, deps.settings(), budget);
    getContext().getLog().info("Source {} ({}) starts", name, spec.kind());
    return onAttempt();
  }

  private Behavior<Command> onAttempt() {
    if (spec == null || busy) return this;
    nextAttemptAt = null;
    SecretHeaders.Read read =
        SecretHeaders.read(spec.secretHeaders(), deps.env(), deps.access().secretsDir());
    if (read instanceof SecretHeaders.Refused refused)
      return retryLater(refused.reason(), Duration.ZERO);
    secrets = ((SecretHeaders.Values) read).headers();
    busy = true;
    long id = ++connection;
    if (spec.kind() == SourceKind.HTTP_POLL) {
      getContext()
          .pipeToSelf(
              PollWork.run(
                  client,
                  budget,
                  spec,
                  secrets,
                  etag,
                  lastModified,
                  deps.publisher(),
                  deps.settings()),
              (outcome, error) ->
                  error == null
                      ? new Polled(outcome)
                      : new Failed(id, "publish failed: " + error, Duration.ZERO));
    } else if (position == null) {
      getContext()
          .pipeToSelf(
              deps.positions().load(SseItems.positionKey(name)),
              (p, error) ->
                  error == null
                      ? new PositionLoaded(p)
                      : new Failed(id, "cannot read the stream position: " + error, Duration.ZERO));
    } else {
      connect(id, secrets);
    }
    return this;
  }

  private Behavior<Command> onPolled(Polled polled) {
    if (polled.outcome() instanceof PollWork.Published done) {
      etag = done.etag();
      lastModified = done.lastModified();
      return succeeded(done.extraction(), spec.intervalOrDefault());
    }
    if (polled.outcome() instanceof PollWork.Unchanged)
      return succeeded(Extraction.NONE, spec.intervalOrDefault());
    PollWork.Refused refused = (PollWork.Refused) polled.outcome();
    Extraction sent = refused.published();
    count(sent.published(), sent.malformed(), sent.filtered(), sent.problem());
    if (refused.overBound()) deps.metrics().increment(name, BOUNDS_EXCEEDED);
    return retryLater(refused.reason(), refused.atLeast());
  }

  /** Counts what got through and schedules the next poll after {@code next}. */
  private Behavior<Command> succeeded(Extraction e, Duration next) {
    busy = false;
    failures = 0;
    crashes.succeeded();
    state = State.RUNNING;
    count(e.published(), e.malformed(), e.filtered(), e.problem());
    nextAttemptAt = Instant.now().plus(next);
    timers.startSingleTimer(Attempt.INSTANCE, next);
    return this;
  }

  private void count(int eventsOut, int deadLetters, int dropped, String problem) {
    published += eventsOut;
    malformed += deadLetters;
    filtered += dropped;
    if (eventsOut + deadLetters > 0) {
      lastEventAt = Instant.now();
      deps.metrics().add(name, PipelineMetrics.PRODUCED, eventsOut + deadLetters);
    }
    if (deadLetters > 0) {
      deps.metrics().add(name, PipelineMetrics.MALFORMED_EVENTS, deadLetters);
      lastError = "published as a dead letter: " + problem;
    }
  }

  private Behavior<Command> onPositionLoaded(PositionLoaded loaded) {
    position = loaded.position();
    busy = false;
    return onAttempt();
  }

  private void connect(long id, Map<String, String> secrets) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (spec.headers() != null) headers.putAll(spec.headers());
    headers.putAll(secrets);
    killSwitch = KillSwitches.shared("source-" + name + "-" + id);
    ActorRef<Command> self = getContext().getSelf();
    CompletionStage<SseConnection.Outcome> outcome =
        SseItems.open(
            getContext().getSystem(),
            new SseItems.Stream(
                name, spec, headers, deps.settings(), position, killSwitch, resolver),
            deps.publisher(),
            deps.positions(),
            () -> self.tell(new Streaming(id)),
            retry -> self.tell(new ServerRetry(id, retry)),
            batch -> self.tell(new Progress(id, batch)));
    self.tell(new Connected(id, outcome));
  }

  private Behavior<Command> onConnected(Connected connected) {
    if (connected.connection() != connection) return this;
    getContext()
        .pipeToSelf(
            connected.outcome(),
            (outcome, error) ->
                error == null
                    ? new Ended(connected.connection(), outcome)
                    : streamFailed(connected.connection(), error));
    return this;
  }

  private Failed streamFailed(long id, Throwable error) {
    SseItems.Failure f = SseItems.failure(error, deps.settings());
    return new Failed(id, f.reason(), Duration.ZERO, f.overBound());
  }

  private Behavior<Command> onStreaming(Streaming streaming) {
    if (streaming.connection() == connection) state = State.RUNNING;
    return this;
  }

  private Behavior<Command> onServerRetry(ServerRetry retry) {
    if (retry.connection() == connection) serverRetry = Optional.of(retry.retry());
    return this;
  }

  private Behavior<Command> onProgress(Progress progress) {
    if (progress.connection() != connection) return this;
    SseItems.Batch b = progress.batch();
    state = State.RUNNING;
    failures = 0;
    crashes.succeeded();
    b.position().ifPresent(p -> position = Optional.of(p));
    count(b.published(), b.malformed(), b.filtered(), b.problem());
    if (!b.serverErrors().isEmpty()) {
      lastError =
          "server sent an error event: " + b.serverErrors().get(b.serverErrors().size() - 1);
      getContext().getLog().warn("Source {}: {}", name, lastError);
    }
    return this;
  }

  private Behavior<Command> onEnded(Ended ended) {
    if (ended.connection() != connection) return this;
    if (ended.outcome() instanceof SseConnection.Refused refused)
      return retryLater(redact(refused.reason()), refused.retryAfter());
    return retryLater("the server closed the stream", Duration.ZERO);
  }

  private Behavior<Command> onFailed(Failed failed) {
    if (failed.connection() != connection) return this;
    if (failed.overBound()) deps.metrics().increment(name, BOUNDS_EXCEEDED);
    return retryLater(redact(failed.reason()), failed.atLeast());
  }

  /** Ends what is under way and attempts again after the backoff, at least {@code atLeast}. */
  private Behavior<Command> retryLater(String reason, Duration atLeast) {
    // Every failed attempt (poll, connection, stream, publish, save) ends here: in the profile,
    // a failure of the Attempt message, so failures / attempts is the failing share.
    PROFILE.failure(Attempt.class);
    if (killSwitch != null) killSwitch.shutdown();
    connection++; // late messages of the attempt are ignored from now on
    busy = false;
    failures++;
    long wait = Backoff.waitMillis(deps.settings(), failures, atLeast, serverRetry);
    state = State.BACKING_OFF;
    lastError = reason;
    nextAttemptAt = Instant.now().plusMillis(wait);
    deps.metrics().increment(name, "source_failures");
    getContext()
        .getLog()
        .warn(
            "Source {} failing ({} in a row): {}; next attempt in {} ms",
            name,
            failures,
            reason,
            wait);
    timers.startSingleTimer(Attempt.INSTANCE, Duration.ofMillis(wait));
    return this;
  }

  /** Whatever a server or the network said, without a secret header's value. */
  private String redact(String message) {
    return PollClient.redact(message, secrets);
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    String at =
        spec == null
            ? null
            : spec.kind() == SourceKind.SSE
                ? (position == null ? null : position.orElse(null))
                : etag != null ? etag : lastModified;
    get.replyTo()
        .tell(
            new Status(
                name,
                spec == null ? null : spec.kind(),
                state,
                published,
                malformed,
                filtered,
                lastEventAt,
                lastError,
                nextAttemptAt,
                at));
    return this;
  }

  private Behavior<Command> onStop() {
    getContext().getLog().info("Source {} stops", name);
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    if (killSwitch != null) killSwitch.shutdown();
    return this;
  }
}
