package kafkapipeline.grains.persist;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import kafkapipeline.api.grains.PersisterProtocol;
import kafkapipeline.api.grains.PersisterProtocol.Command;
import kafkapipeline.api.grains.PersisterProtocol.GetStatus;
import kafkapipeline.api.grains.PersisterProtocol.Status;
import kafkapipeline.api.grains.PersisterProtocol.Stop;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.profile.GrainProfiler;
import kafkapipeline.grains.profile.Profiled;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.kafka.ConsumerMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffset;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
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
 * and logs {@code Persister stopped: topic=.. table=.. rows_written=N}. Each step is bounded by
 * {@code drain-timeout}: past it, or after a crash, the next owner reads the uncommitted records
 * again (a replay, never a skip).
 */
public final class TopicPersister extends AbstractBehavior<PersisterProtocol.Command> {

  private record StreamFailed(String error) implements Command {}

  private record Drained(ActorRef<Done> replyTo) implements Command {}

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
                new TopicPersister(
                    ctx, topic, mapper, writer, deadLetters, settings, consumerSettings, metrics)));
  }

  private final String topic;
  private final RowMapper mapper;
  private final BatchWrite batches;
  private final PipelineMetrics metrics;
  private final java.time.Duration drainTimeout;
  private final UniqueKillSwitch killSwitch;
  private final org.apache.pekko.actor.Cancellable shutdownTask;

  /** Completes when the stream has ended for good (stopped, or cut by the kill switch). */
  private final CompletionStage<Done> finished;

  /** The consumer of the stream running now (a restart makes a new one). */
  private final AtomicReference<Consumer.Control> running = new AtomicReference<>();

  /** The running stream's tracker, for the status (a restart makes a new one). */
  private final AtomicReference<DrainTracker> tracker = new AtomicReference<>(new DrainTracker());

  private final String silo;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicBoolean finalCountLogged = new AtomicBoolean();
  private long restarts;
  private String lastError;

  private TopicPersister(
      ActorContext<Command> ctx,
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
    this.metrics = metrics;
    this.drainTimeout = settings.drainTimeout();
    this.silo = ctx.getSystem().address().hostPort();
    ctx.getSystem()
        .receptionist()
        .tell(
            org.apache.pekko.actor.typed.receptionist.Receptionist.register(
                PersisterProtocol.KEY, ctx.getSelf()));
    ActorRef<Command> self = ctx.getSelf();
    RestartSettings restartSettings =
        RestartSettings.create(settings.restartMinBackoff(), settings.restartMaxBackoff(), 0.2);

    Source<Object, NotUsed> consumeWriteCommit =
        RestartSource.onFailuresWithBackoff(
            restartSettings,
            () -> {
              // A stream that failed while the silo stops is not started again.
              if (stopping.get()) return Source.<Object>empty();
              // One tracker per consumer: a restarted stream starts from the committed offsets.
              DrainTracker tracker = new DrainTracker();
              this.tracker.set(tracker);
              RebalanceDrain drain =
                  new RebalanceDrain(topic, tracker, settings.drainTimeout(), metrics);
              return Consumer.committableSource(
                      consumerSettings,
                      Subscriptions.topics(topic).withPartitionAssignmentHandler(drain))
                  .mapMaterializedValue(
                      control -> {
                        running.set(control);
                        return NotUsed.getInstance();
                      })
                  .map(
                      m ->
                          new Admitted(
                              m, tracker.admit(m.record().partition(), m.record().offset())))
                  .filter(a -> a.epoch() >= 0)
                  .groupedWithin(settings.batchSize(), settings.batchWait())
                  .mapAsync(settings.parallelism(), this::writeBatch)
                  // mapAsync emits in order, so here every record up to these offsets is written.
                  .map(
                      w -> {
                        w.progress().forEach(tracker::written);
                        return w;
                      })
                  // Never backpressures the writes: a rebalance waits for them to be counted
                  // while the consumer, blocked in that rebalance, cannot answer a commit.
                  .conflate(Written::merge)
                  .mapAsync(1, w -> commit(tracker, w))
                  .<Object>map(done -> done)
                  .watchTermination(
                      (mat, done) -> {
                        done.whenComplete(
                            (ok, error) -> {
                              tracker.close();
                              if (error != null) self.tell(new StreamFailed(describe(error)));
                            });
                        return mat;
                      });
            });
    Pair<UniqueKillSwitch, CompletionStage<Done>> materialized =
        consumeWriteCommit
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.ignore(), Keep.both())
            .run(Materializer.matFromSystem(ctx.getSystem()));
    this.killSwitch = materialized.first();
    this.finished = materialized.second();
    this.shutdownTask =
        CoordinatedShutdown.get(ctx.getSystem())
            .addCancellableTask(
                CoordinatedShutdown.PhaseBeforeClusterShutdown(),
                "drain-persister-" + topic,
                this::drainAndStop);
    ctx.getLog().info("Persisting topic {} into table {}", topic, mapper.table());
  }

  /** A record the tracker let into the stream, with the epoch of its partition it came in. */
  private record Admitted(CommittableMessage<String, byte[]> message, long epoch) {}

  /**
   * Written batches, per partition: the last record written (with its epoch) and its offset to
   * commit. Merged while a commit is in flight, keeping each partition's latest.
   */
  private record Written(
      Map<Integer, DrainTracker.Progress> progress, Map<Integer, CommittableOffset> offsets) {
    Written merge(Written later) {
      Map<Integer, DrainTracker.Progress> p = new HashMap<>(progress);
      Map<Integer, CommittableOffset> o = new HashMap<>(offsets);
      later.progress.forEach(
          (partition, next) -> {
            DrainTracker.Progress before = p.get(partition);
            if (before == null
                || next.epoch() > before.epoch()
                || (next.epoch() == before.epoch() && next.offset() > before.offset())) {
              p.put(partition, next);
              o.put(partition, later.offsets.get(partition));
            }
          });
      return new Written(p, o);
    }
  }

  /** Commits what the tracker lets through: owned partitions, past their last commit. */
  private static CompletionStage<Done> commit(DrainTracker tracker, Written w) {
    Map<Integer, Long> next = tracker.toCommit(w.progress());
    if (next.isEmpty()) return CompletableFuture.completedFuture(Done.getInstance());
    List<CommittableOffset> offsets = new ArrayList<>();
    for (int partition : next.keySet()) offsets.add(w.offsets().get(partition));
    return ConsumerMessage.createCommittableOffsetBatch(offsets).commitJavadsl();
  }

  /**
   * The silo's graceful stop (a CoordinatedShutdown task, so on any thread): the consumer stops
   * taking records, the stream writes and commits what it has, then the consumer closes (its stop
   * callback drains and commits once more, then it leaves the group). Bounded by {@code
   * drain-timeout}; past it the stream is cut and the rest is replayed by the next owner.
   */
  private CompletionStage<Done> drainAndStop() {
    stopping.set(true);
    Consumer.Control control = running.get();
    CompletionStage<Done> stopped =
        control == null ? CompletableFuture.completedFuture(Done.getInstance()) : control.stop();
    return stopped
        .thenCompose(
            d ->
                finished
                    .toCompletableFuture()
                    .completeOnTimeout(
                        Done.getInstance(),
                        drainTimeout.toMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS))
        .exceptionally(error -> Done.getInstance())
        .thenCompose(
            d -> {
              killSwitch.shutdown();
              return control == null
                  ? CompletableFuture.completedFuture(Done.getInstance())
                  : control.shutdown();
            })
        .exceptionally(error -> Done.getInstance())
        .thenApply(
            d -> {
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

  /**
   * Writes one batch ({@link BatchWrite}); completes with its offsets, per partition the last
   * record's, once every record is a written row, a saved dead letter or a skipped tombstone.
   */
  private CompletionStage<Written> writeBatch(List<Admitted> batch) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(batch.size());
    // Only the last offset of each partition goes into the commit: every record of the batch is
    // written (or dead-lettered) before it, and one offset per partition is all Kafka keeps.
    Map<Integer, DrainTracker.Progress> progress = new HashMap<>();
    Map<Integer, CommittableOffset> lastOffsets = new HashMap<>();
    for (Admitted a : batch) {
      ConsumerRecord<String, byte[]> record = a.message().record();
      records.add(record);
      progress.put(record.partition(), new DrainTracker.Progress(record.offset(), a.epoch()));
      lastOffsets.put(record.partition(), a.message().committableOffset());
    }
    return batches.write(records).thenApply(done -> new Written(progress, lastOffsets));
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
    get.replyTo()
        .tell(new Status(topic, mapper.table(), silo, tracker.get().view(), restarts, lastError));
    return this;
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
    stopping.set(true);
    killSwitch.shutdown();
    logFinalCount();
    return this;
  }
}
