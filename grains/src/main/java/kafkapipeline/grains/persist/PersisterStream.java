package kafkapipeline.grains.persist;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import kafkapipeline.api.grains.PersisterProtocol;
import kafkapipeline.grains.PipelineMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.kafka.ConsumerMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffset;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One run of a {@link TopicPersister}'s consume-write-commit stream: from the group's committed
 * offsets until {@link #drain} or {@link #cut}. A failed stream restarts with backoff from the last
 * committed offset (each restart a new consumer and a new {@link DrainTracker}) and {@code
 * onFailure} hears why; a drained one is not started again. A persister makes a new run when it
 * resumes after a pause.
 *
 * <p>{@link #drain} is the graceful end (the silo's stop, a {@link PersisterProtocol.Stop} or
 * {@link PersisterProtocol.Pause}): the consumer stops taking records, the stream writes and
 * commits what it has, then the consumer closes (its stop callback drains and commits once more)
 * and leaves the group. Bounded as a whole ({@link #drainBound}): stopping and writing by {@code
 * drain-timeout}, past which the stream is cut and what was not committed is read again (a replay,
 * never a skip); closing the consumer by its stop and close timeouts and a margin, past which the
 * drain ends anyway, incomplete. Thread-safe: the actor and the silo's CoordinatedShutdown may both
 * call it; they share one drain.
 */
final class PersisterStream {
  private final UniqueKillSwitch killSwitch;
  private final CompletionStage<Done> finished;
  private final AtomicReference<org.apache.pekko.kafka.javadsl.Consumer.Control> running =
      new AtomicReference<>();
  private final AtomicReference<DrainTracker> tracker = new AtomicReference<>(new DrainTracker());
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Duration drainTimeout;

  /** Past the consumer's own stop and close timeouts, before a drain gives up on its close. */
  static final Duration CLOSE_MARGIN = Duration.ofSeconds(2);

  private final Duration closeBound;
  private final BatchWrite batches;
  private CompletableFuture<Boolean> drained;

  PersisterStream(
      String topic,
      BatchWrite batches,
      PersisterSettings settings,
      ConsumerSettings<String, byte[]> consumerSettings,
      PipelineMetrics metrics,
      Consumer<Throwable> onFailure,
      Materializer materializer) {
    this.batches = batches;
    this.drainTimeout = settings.drainTimeout();
    this.closeBound =
        Duration.ofMillis(consumerSettings.stopTimeout().toMillis())
            .plus(consumerSettings.getCloseTimeout())
            .plus(CLOSE_MARGIN);
    RestartSettings restartSettings =
        RestartSettings.create(settings.restartMinBackoff(), settings.restartMaxBackoff(), 0.2);
    Source<Object, NotUsed> consumeWriteCommit =
        RestartSource.onFailuresWithBackoff(
            restartSettings,
            () -> {
              // A stream that failed while it drains is not started again.
              if (stopping.get()) return Source.<Object>empty();
              // One tracker per consumer: a restarted stream starts from the committed offsets.
              DrainTracker tracker = new DrainTracker();
              this.tracker.set(tracker);
              RebalanceDrain drain =
                  new RebalanceDrain(topic, tracker, settings.drainTimeout(), metrics);
              return org.apache.pekko.kafka.javadsl.Consumer.committableSource(
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
                              if (error != null) onFailure.accept(error);
                            });
                        return mat;
                      });
            });
    Pair<UniqueKillSwitch, CompletionStage<Done>> materialized =
        consumeWriteCommit
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.ignore(), Keep.both())
            .run(materializer);
    this.killSwitch = materialized.first();
    this.finished = materialized.second();
  }

  /** The partitions of the consumer running now, as the status shows them. */
  List<PersisterProtocol.PartitionState> view() {
    return tracker.get().view();
  }

  /**
   * Ends the run gracefully (see the class comment); completes, never exceptionally, once the
   * consumer is closed, or at the latest after {@link #drainBound}: true if the stream wrote and
   * committed everything before {@code drain-timeout} and the consumer closed in time, false if
   * not. Every call returns the same drain.
   */
  synchronized CompletionStage<Boolean> drain() {
    if (drained != null) return drained;
    stopping.set(true);
    var control = running.get();
    CompletionStage<Done> stopped =
        control == null ? CompletableFuture.completedFuture(Done.getInstance()) : control.stop();
    // Stopping the consumer and writing what it holds: at most drain-timeout, even if the stop
    // itself never answers (a consumer stuck in a poll).
    CompletableFuture<Boolean> written =
        stopped
            .thenCompose(d -> finished.thenApply(done -> true))
            .exceptionally(error -> false)
            .toCompletableFuture()
            .completeOnTimeout(false, drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
    drained =
        written.thenCompose(
            complete -> {
              killSwitch.shutdown();
              if (control == null) return CompletableFuture.completedFuture(complete);
              // Closing the consumer: at most its stop and close timeouts and a margin. Past them
              // it may still be in the group: not a complete drain.
              return control
                  .shutdown()
                  .handle((d, error) -> complete)
                  .toCompletableFuture()
                  .completeOnTimeout(false, closeBound.toMillis(), TimeUnit.MILLISECONDS);
            });
    return drained;
  }

  /**
   * The longest {@link #drain} takes: {@code drain-timeout} to stop and write, then the consumer's
   * stop and close timeouts and {@link #CLOSE_MARGIN} to close it.
   */
  Duration drainBound() {
    return drainTimeout.plus(closeBound);
  }

  /** Ends the run at once, without a drain: what was not committed is read again. */
  void cut() {
    stopping.set(true);
    killSwitch.shutdown();
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
}
