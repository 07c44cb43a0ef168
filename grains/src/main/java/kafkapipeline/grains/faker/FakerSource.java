package kafkapipeline.grains.faker;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.FakePerson;
import kafkapipeline.api.Topics;
import kafkapipeline.api.grains.FakerProtocol;
import kafkapipeline.api.grains.FakerProtocol.Command;
import kafkapipeline.api.grains.FakerProtocol.GetStatus;
import kafkapipeline.api.grains.FakerProtocol.SetRate;
import kafkapipeline.api.grains.FakerProtocol.Status;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.CheckpointStore;
import kafkapipeline.grains.cassandra.CheckpointStore.Checkpoint;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The fake-person generator: one per cluster (a cluster singleton), publishing to topic {@code
 * faker} at a set rate, keyed by person id.
 *
 * <p>Guarantees: people are numbered positions of a seeded stream ({@link FakePersonGenerator}),
 * and the next position is saved in Cassandra only after Kafka acknowledged everything before it.
 * When the grain restarts or moves to another silo it resumes from the saved position: the last
 * unsaved batch may be published again, as the very same records, so it becomes the same rows; no
 * position is skipped. With a {@code limit}, exactly positions {@code 0..limit-1} are produced. A
 * failed publish is counted, kept as {@code lastError}, and retried from the same position on the
 * next tick; one batch is in flight at a time, so a slow broker slows the source instead of piling
 * up sends. The rate is a token bucket of one second's capacity that fills while a batch is in
 * flight: with round trips under a second the source keeps its rate, in bigger batches. A failed
 * save is kept as {@code lastError} and repeated, with the same position, every {@link
 * #RETRY_DELAY} until it holds; no new batch is published meanwhile, so the saved position never
 * trails the acknowledged people by more than that one batch (not even after the last batch of a
 * {@code limit}).
 */
public final class FakerSource extends AbstractBehavior<FakerProtocol.Command> {
  public static final String SOURCE = "faker";

  /** How long the source waits before it loads or saves its checkpoint again after a failure. */
  static final Duration RETRY_DELAY = Duration.ofSeconds(2);

  enum Tick implements Command {
    INSTANCE
  }

  private record CheckpointLoaded(Optional<Checkpoint> checkpoint) implements Command {}

  private record CheckpointLoadFailed(String error) implements Command {}

  private enum RetryLoad implements Command {
    INSTANCE
  }

  private record Published(long upTo, int count) implements Command {}

  private record PublishFailed(String error) implements Command {}

  private record CheckpointSaved(Checkpoint checkpoint, String errorOrNull) implements Command {}

  private record RetrySave(Checkpoint checkpoint) implements Command {}

  /** The cluster singleton's name (it runs on the oldest silo). */
  public static final String SINGLETON_NAME = "faker-source";

  /** Starts the singleton on the oldest silo (and on the next oldest when that one leaves). */
  public static ActorRef<Command> init(
      ActorSystem<?> system,
      FakerSettings settings,
      EventPublisher publisher,
      CheckpointStore checkpoints,
      PipelineMetrics metrics) {
    return kafkapipeline.grains.SourceSingleton.init(
        system, create(settings, publisher, checkpoints, metrics), SINGLETON_NAME);
  }

  public static Behavior<Command> create(
      FakerSettings settings,
      EventPublisher publisher,
      CheckpointStore checkpoints,
      PipelineMetrics metrics) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new FakerSource(ctx, timers, settings, publisher, checkpoints, metrics)));
  }

  private final TimerScheduler<Command> timers;
  private final FakerSettings settings;
  private final EventPublisher publisher;
  private final CheckpointStore checkpoints;
  private final PipelineMetrics metrics;
  private FakePersonGenerator generator; // null until the checkpoint is loaded
  private long nextPosition;
  private double ratePerSecond;
  private double tokens;
  private boolean inFlight;
  private String lastError;
  private java.time.Instant lastPublished; // when Kafka last acknowledged a batch

  private FakerSource(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      FakerSettings settings,
      EventPublisher publisher,
      CheckpointStore checkpoints,
      PipelineMetrics metrics) {
    super(ctx);
    this.timers = timers;
    this.settings = settings;
    this.publisher = publisher;
    this.checkpoints = checkpoints;
    this.metrics = metrics;
    this.ratePerSecond = settings.ratePerSecond();
    loadCheckpoint();
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tick());
  }

  private void loadCheckpoint() {
    getContext()
        .pipeToSelf(
            checkpoints.load(SOURCE),
            (cp, error) ->
                error == null
                    ? new CheckpointLoaded(cp)
                    : new CheckpointLoadFailed(String.valueOf(error)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Tick.class, t -> onTick())
        .onMessage(SetRate.class, this::onSetRate)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(CheckpointLoaded.class, this::onCheckpointLoaded)
        .onMessage(CheckpointLoadFailed.class, this::onCheckpointLoadFailed)
        .onMessage(
            RetryLoad.class,
            r -> {
              loadCheckpoint();
              return this;
            })
        .onMessage(Published.class, this::onPublished)
        .onMessage(PublishFailed.class, this::onPublishFailed)
        .onMessage(CheckpointSaved.class, this::onCheckpointSaved)
        .onMessage(RetrySave.class, r -> save(r.checkpoint()))
        .build();
  }

  private Behavior<Command> onCheckpointLoaded(CheckpointLoaded loaded) {
    Checkpoint cp =
        loaded
            .checkpoint()
            .orElseGet(
                () ->
                    new Checkpoint(
                        settings.seed().orElseGet(() -> new SecureRandom().nextLong()), 0));
    generator = new FakePersonGenerator(cp.seed());
    nextPosition = cp.position();
    getContext()
        .getLog()
        .info("Faker source resumes at position {} of stream {}", nextPosition, cp.seed());
    return this;
  }

  private Behavior<Command> onCheckpointLoadFailed(CheckpointLoadFailed failed) {
    lastError = "cannot load checkpoint: " + failed.error();
    getContext().getLog().warn("Faker source {}; retrying", lastError);
    timers.startSingleTimer(RetryLoad.INSTANCE, RETRY_DELAY);
    return this;
  }

  private Behavior<Command> onTick() {
    if (generator == null || finished()) return this;
    double tickSeconds = settings.tick().toMillis() / 1000.0;
    // Tokens accrue while a batch is in flight too: the next batch carries what the rate allowed
    // meanwhile, so the source keeps its rate as long as one round trip (Kafka's acknowledgement,
    // then the checkpoint's save) takes less than a second. At most one second's worth: a slow
    // broker lowers the rate, it does not cause a bigger burst.
    tokens = Math.min(tokens + ratePerSecond * tickSeconds, Math.max(ratePerSecond, 1));
    if (inFlight) return this;
    long n = (long) tokens;
    if (settings.limit() > 0) n = Math.min(n, settings.limit() - nextPosition);
    if (n <= 0) return this;
    tokens -= n;
    List<KeyedRecord> records = new ArrayList<>((int) n);
    for (long pos = nextPosition; pos < nextPosition + n; pos++) {
      FakePerson person = generator.generate(pos);
      records.add(new KeyedRecord(person.id().toString(), EventJson.write(person)));
    }
    long upTo = nextPosition + n;
    int count = (int) n;
    inFlight = true;
    getContext()
        .pipeToSelf(
            publisher.publish(Topics.FAKER, records),
            (ok, error) ->
                error == null
                    ? new Published(upTo, count)
                    : new PublishFailed(String.valueOf(error)));
    return this;
  }

  private Behavior<Command> onPublished(Published published) {
    nextPosition = published.upTo();
    lastPublished = java.time.Instant.now();
    metrics.add(PipelineMetrics.PRODUCED, Topics.FAKER, published.count());
    return save(new Checkpoint(generator.seed(), nextPosition));
  }

  /** Saves a position Kafka acknowledged; the batch stays in flight until the save holds. */
  private Behavior<Command> save(Checkpoint checkpoint) {
    getContext()
        .pipeToSelf(
            checkpoints.save(SOURCE, checkpoint),
            (ok, error) ->
                new CheckpointSaved(checkpoint, error == null ? null : String.valueOf(error)));
    return this;
  }

  private Behavior<Command> onPublishFailed(PublishFailed failed) {
    inFlight = false;
    lastError = "publish failed: " + failed.error();
    metrics.increment(PipelineMetrics.PUBLISH_FAILURES, Topics.FAKER);
    getContext()
        .getLog()
        .warn("Faker source {}; retrying from position {}", lastError, nextPosition);
    return this;
  }

  private Behavior<Command> onCheckpointSaved(CheckpointSaved saved) {
    if (saved.errorOrNull() != null) {
      // Not skipped for the next batch's save: after the last batch (or a pause) there is none,
      // and the saved position would trail what Kafka holds until a restart repeats it.
      lastError =
          "cannot save checkpoint " + saved.checkpoint().position() + ": " + saved.errorOrNull();
      getContext().getLog().warn("Faker source {}; retrying in {}", lastError, RETRY_DELAY);
      timers.startSingleTimer(new RetrySave(saved.checkpoint()), RETRY_DELAY);
      return this;
    }
    // The next batch waits for this save, so saves never overtake each other.
    inFlight = false;
    return this;
  }

  private Behavior<Command> onSetRate(SetRate set) {
    if (set.perSecond() >= 0 && Double.isFinite(set.perSecond())) {
      ratePerSecond = set.perSecond();
      tokens = 0;
    }
    return onGetStatus(new GetStatus(set.replyTo()));
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    String state =
        generator == null
            ? "starting"
            : finished() ? "finished" : ratePerSecond == 0 ? "paused" : "running";
    long seed = generator == null ? 0 : generator.seed();
    get.replyTo()
        .tell(
            new Status(
                state,
                seed,
                nextPosition,
                ratePerSecond,
                settings.limit(),
                lastError,
                lastPublished));
    return this;
  }

  private boolean finished() {
    return settings.limit() > 0 && nextPosition >= settings.limit();
  }
}
