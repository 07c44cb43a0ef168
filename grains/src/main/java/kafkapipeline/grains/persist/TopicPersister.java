package kafkapipeline.grains.persist;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import kafkapipeline.api.grains.PersisterProtocol;
import kafkapipeline.api.grains.PersisterProtocol.Command;
import kafkapipeline.api.grains.PersisterProtocol.GetStatus;
import kafkapipeline.api.grains.PersisterProtocol.Pause;
import kafkapipeline.api.grains.PersisterProtocol.Paused;
import kafkapipeline.api.grains.PersisterProtocol.Phase;
import kafkapipeline.api.grains.PersisterProtocol.Resume;
import kafkapipeline.api.grains.PersisterProtocol.Resumed;
import kafkapipeline.api.grains.PersisterProtocol.Status;
import kafkapipeline.api.grains.PersisterProtocol.Stop;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.profile.GrainProfiler;
import kafkapipeline.grains.profile.Profiled;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one Kafka topic into one Cassandra table, on every silo, in a consumer group shared by all
 * silos (so the topic's partitions are spread over them).
 *
 * <p>Guarantees: an offset is committed only after every row at or before it is written, in
 * partition order, so a crash or rebalance replays records but never skips one; rows are upserts by
 * primary key, so a replay writes the same rows again. A record that cannot be mapped, or whose row
 * Cassandra rejects for good, is saved to {@code dead_letters} (keyed by topic, partition, offset:
 * once, however often it is read) before its offset is committed, counted and logged, and never
 * blocks its partition: whatever a record holds, it is sorted by {@link BatchTriage} into a row, a
 * dead letter or a skipped tombstone (a null value, counted as {@code tombstones_skipped}), so no
 * input can fail the stream. A write that still fails transiently after its retries fails the
 * stream, which restarts with backoff from the last committed offset: the failed rows are read and
 * written again, never committed past.
 *
 * <p>Handover without replay: a partition given up gracefully (revoked in a rebalance when a silo
 * joins or leaves, or all of them when this silo stops) is drained first: its records in flight are
 * written and committed before the group hands it on, and none of it is written afterwards ({@link
 * DrainTracker}, {@link RebalanceDrain}), so its next owner starts exactly after the last row
 * written here. A graceful stop of the silo (CoordinatedShutdown, phase before-cluster-shutdown)
 * stops taking records, lets the stream write and commit what it holds, then closes the consumer,
 * and logs {@code Persister stopped: topic=.. table=.. rows_written=N}. Every step is bounded:
 * stopping and writing by {@code drain-timeout}, closing the consumer by its stop and close
 * timeouts and a margin ({@link PersisterStream#drainBound}); past them, or after a crash, the next
 * owner reads the uncommitted records again (a replay, never a skip).
 *
 * <p>Pause and resume, for a rewind of its topic ({@link Pause}, {@link Resume}): a pause drains
 * the stream as a graceful stop does and closes its consumer, so it leaves the group, and the actor
 * stays alive, {@link Phase#PAUSED}, until told to resume (or by itself {@code resumeAfterMillis}
 * after the pause arrived, or once its drain ends if that is later: the drain is bounded, {@link
 * PersisterStream#drainBound}, so a coordinator that died or a hung drain never leaves the topic
 * unread); a resume starts a new stream ({@link PersisterStream}) from the group's committed
 * offsets. A stop or the silo's stop while paused has nothing to drain.
 */
public final class TopicPersister extends AbstractBehavior<PersisterProtocol.Command> {

  private record StreamFailed(String error) implements Command {}

  private record Drained(ActorRef<Done> replyTo) implements Command {}

  private record PauseDrained(boolean complete) implements Command {}

  private enum AutoResume implements Command {
    INSTANCE
  }

  private static final Logger log = LoggerFactory.getLogger(TopicPersister.class);

  /** Its grain type in the {@link kafkapipeline.grains.profile.GrainProfiler}: every topic's. */
  public static final String GRAIN_TYPE = "persister";

  private static final GrainProfiler.Grain PROFILE = GrainProfiler.global().grain(GRAIN_TYPE);

  /**
   * Not a message: the name each written batch is timed under in the profile. A persister's work is
   * its stream's, not its mailbox's: without this it would show active and idle.
   */
  private record WriteBatch() {}

  private static final GrainProfiler.Recorder BATCHES = PROFILE.recorder(WriteBatch.class);

  public static Behavior<Command> create(
      String topic,
      RowMapper mapper,
      RowSink writer,
      DeadLetterSink deadLetters,
      PersisterSettings settings,
      ConsumerSettings<String, byte[]> consumerSettings,
      PipelineMetrics metrics) {
    return Profiled.behavior(
        GRAIN_TYPE,
        Behaviors.setup(
            ctx ->
                Behaviors.withTimers(
                    timers ->
                        new TopicPersister(
                            ctx,
                            timers,
                            topic,
                            mapper,
                            writer,
                            deadLetters,
                            settings,
                            consumerSettings,
                            metrics))));
  }

  private final String topic;
  private final RowMapper mapper;
  private final BatchWrite batches;
  private final PersisterSettings settings;
  private final ConsumerSettings<String, byte[]> consumerSettings;
  private final PipelineMetrics metrics;
  private final TimerScheduler<Command> timers;
  private final org.apache.pekko.actor.Cancellable shutdownTask;

  /** The stream running now; null while paused (read by the silo's stop, on its own thread). */
  private final StreamSlot<PersisterStream> stream = new StreamSlot<>();

  private final String silo;
  private final AtomicBoolean finalCountLogged = new AtomicBoolean();
  private Phase phase = Phase.RUNNING;
  private final List<ActorRef<Paused>> pauseWaiters = new ArrayList<>();
  private Resume resumeAfterPause;

  /** The rewind this persister is paused (or pausing) for; null while it runs. */
  private PersisterProtocol.RewindId pausedFor;

  /** Whether the self-resume timer fired while a pause drained: resume once the drain ends. */
  private enum Overdue {
    NO,
    YES
  }

  private Overdue overdue = Overdue.NO;
  private PersisterProtocol.Rewound lastRewind;
  private long restarts;
  private String lastError;

  private TopicPersister(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      String topic,
      RowMapper mapper,
      RowSink writer,
      DeadLetterSink deadLetters,
      PersisterSettings settings,
      ConsumerSettings<String, byte[]> consumerSettings,
      PipelineMetrics metrics) {
    super(ctx);
    this.topic = topic;
    this.mapper = mapper;
    this.batches =
        new BatchWrite(
            topic,
            mapper,
            writer,
            deadLetters,
            metrics,
            settings.maxRecordBytes(),
            settings.writeTime(),
            PROFILE);
    this.settings = settings;
    this.consumerSettings = consumerSettings;
    this.metrics = metrics;
    this.timers = timers;
    this.silo = ctx.getSystem().address().hostPort();
    var receptionist = ctx.getSystem().receptionist();
    receptionist.tell(
        org.apache.pekko.actor.typed.receptionist.Receptionist.register(
            PersisterProtocol.KEY, ctx.getSelf()));
    // A rewind finds the topic's persisters by this key, without asking every persister.
    receptionist.tell(
        org.apache.pekko.actor.typed.receptionist.Receptionist.register(
            PersisterProtocol.keyOf(topic), ctx.getSelf()));
    stream.set(newStream());
    this.shutdownTask =
        CoordinatedShutdown.get(ctx.getSystem())
            .addCancellableTask(
                CoordinatedShutdown.PhaseBeforeClusterShutdown(),
                "drain-persister-" + topic,
                this::drainAndStop);
    ctx.getLog().info("Persisting topic {} into table {}", topic, mapper.table());
  }

  private PersisterStream newStream() {
    ActorRef<Command> self = getContext().getSelf();
    return new PersisterStream(
        topic,
        batches,
        settings,
        consumerSettings,
        metrics,
        error -> self.tell(new StreamFailed(describe(error))),
        Materializer.matFromSystem(getContext().getSystem()));
  }

  /**
   * The silo's graceful stop (a CoordinatedShutdown task, so on any thread) or a {@link Stop}: the
   * running stream, if any, is drained ({@link PersisterStream#drain}) and none is started again.
   */
  private CompletionStage<Done> drainAndStop() {
    PersisterStream running = stream.stop();
    CompletionStage<Boolean> drained =
        running == null ? CompletableFuture.completedFuture(true) : running.drain();
    return drained.thenApply(
        complete -> {
          logFinalCount();
          return Done.getInstance();
        });
  }

  /** Once, when this silo's persister has stopped for good: what it wrote (tests read it). */
  private void logFinalCount() {
    if (finalCountLogged.compareAndSet(false, true)) {
      log.info(
          "Persister stopped: topic={} table={} rows_written={}",
          topic,
          mapper.table(),
          metrics.get(PipelineMetrics.ROWS_WRITTEN, mapper.table()));
    }
  }

  private static String describe(Throwable error) {
    Throwable cause =
        error.getCause() != null && error instanceof java.util.concurrent.CompletionException
            ? error.getCause()
            : error;
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(StreamFailed.class, this::onStreamFailed)
        .onMessage(Pause.class, this::onPause)
        .onMessage(PauseDrained.class, this::onPauseDrained)
        .onMessage(Resume.class, this::onResume)
        .onMessageEquals(AutoResume.INSTANCE, this::onAutoResume)
        .onMessage(
            Stop.class,
            stop -> {
              getContext().pipeToSelf(drainAndStop(), (done, error) -> new Drained(stop.replyTo()));
              return this;
            })
        .onMessage(
            Drained.class,
            drained -> {
              shutdownTask.cancel(); // stopped already: nothing to drain at the silo's stop
              drained.replyTo().tell(Done.getInstance());
              return Behaviors.stopped();
            })
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    PersisterStream running = stream.get();
    get.replyTo()
        .tell(
            new Status(
                topic,
                mapper.table(),
                silo,
                phase,
                running == null ? List.of() : running.view(),
                restarts,
                lastError,
                lastRewind));
    return this;
  }

  private Behavior<Command> onPause(Pause pause) {
    // From the pause's arrival, whatever its drain does: a coordinator that died (or a drain that
    // hangs) never leaves the topic unread.
    timers.startSingleTimer(
        AutoResume.INSTANCE, AutoResume.INSTANCE, Duration.ofMillis(pause.resumeAfterMillis()));
    if (phase != Phase.RUNNING && !pause.rewind().equals(pausedFor)) {
      // Another rewind holds it: this one must not move the group nor resume it.
      log.warn(
          "Persister of {}: pause for rewind {} by {} refused, paused for rewind {} by {}",
          topic,
          pause.rewind().id(),
          pause.rewind().coordinator(),
          pausedFor.id(),
          pausedFor.coordinator());
      pause.replyTo().tell(new Paused(topic, silo, false, pausedFor));
      return this;
    }
    // From the pause's arrival, whatever its drain does: a coordinator that died (or a drain that
    // hangs) never leaves the topic unread.
    timers.startSingleTimer(
        AutoResume.INSTANCE, AutoResume.INSTANCE, Duration.ofMillis(pause.resumeAfterMillis()));
    switch (phase) {
      case PAUSED -> pause.replyTo().tell(new Paused(topic, silo, true, null));
      case PAUSING -> pauseWaiters.add(pause.replyTo());
      case RUNNING -> {
        phase = Phase.PAUSING;
        pausedFor = pause.rewind();
        overdue = Overdue.NO;
        pauseWaiters.add(pause.replyTo());
        // Bounded (PersisterStream#drainBound): it always ends.
        getContext()
            .pipeToSelf(
                stream.get().drain(),
                (complete, error) -> new PauseDrained(complete != null && complete));
      }
    }
    return this;
  }

  private Behavior<Command> onPauseDrained(PauseDrained drained) {
    phase = Phase.PAUSED;
    stream.clear();
    log.info(
        "Persister of {} paused (consumer closed, out of the group), drained {}",
        topic,
        drained.complete() ? "completely" : "until its timeout: the rest is read again");
    for (ActorRef<Paused> waiter : pauseWaiters)
      waiter.tell(new Paused(topic, silo, drained.complete(), null));
    pauseWaiters.clear();
    if (resumeAfterPause != null) {
      Resume resume = resumeAfterPause;
      resumeAfterPause = null;
      return onResume(resume);
    }
    if (overdue == Overdue.YES) {
      overdue = Overdue.NO;
      return onAutoResume();
    }
    return this;
  }

  private Behavior<Command> onResume(Resume resume) {
    if (phase != Phase.RUNNING && !resume.rewind().equals(pausedFor)) {
      // Another rewind's (a coordinator that gave up on this persister, which then resumed by
      // itself and was paused again): not its to end. The self-resume timer still runs.
      log.warn(
          "Persister of {}: resume for rewind {} ignored, paused for rewind {} by {}",
          topic,
          resume.rewind().id(),
          pausedFor.id(),
          pausedFor.coordinator());
      resume.replyTo().tell(new Resumed(topic, silo, false));
      return this;
    }
    if (resume.rewound() != null) lastRewind = resume.rewound();
    switch (phase) {
      case PAUSING -> resumeAfterPause = resume;
      case RUNNING -> resume.replyTo().tell(new Resumed(topic, silo, true));
      case PAUSED -> {
        start("resumed");
        resume.replyTo().tell(new Resumed(topic, silo, true));
      }
    }
    return this;
  }

  private Behavior<Command> onAutoResume() {
    if (phase == Phase.PAUSING) overdue = Overdue.YES;
    else if (phase == Phase.PAUSED) {
      log.warn("Persister of {} was not told to resume in time: resuming by itself", topic);
      start("resumed by itself");
    }
    return this;
  }

  /** A new stream from the group's committed offsets, unless the silo stops. */
  private void start(String why) {
    timers.cancel(AutoResume.INSTANCE);
    if (stream.stopped()) return;
    PersisterStream started = newStream();
    if (!stream.set(started)) {
      // The silo's stop began meanwhile and drained what ran then (nothing): end this one too.
      log.info("Persister of {} not {}: the silo stops", topic, why);
      started.drain();
      return;
    }
    pausedFor = null;
    phase = Phase.RUNNING;
    log.info("Persister of {} {}: reading from the group's committed offsets", topic, why);
  }

  private Behavior<Command> onStreamFailed(StreamFailed failed) {
    // A write batch that failed after its retries, or a failed consumer: a failure in the profile.
    PROFILE.failure(StreamFailed.class);
    restarts++;
    lastError = failed.error();
    metrics.increment(PipelineMetrics.CONSUMER_RESTARTS, topic);
    getContext()
        .getLog()
        .warn(
            "Consumer of {} failed, restarting from the last committed offset: {}",
            topic,
            failed.error());
    return this;
  }

  private Behavior<Command> onPostStop() {
    // Without a graceful stop before (the system terminates anyway): cut the stream; what was
    // not committed is read again by the next owner.
    PersisterStream running = stream.stop();
    if (running != null) running.cut();
    logFinalCount();
    return this;
  }
}
