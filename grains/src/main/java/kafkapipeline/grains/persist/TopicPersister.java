package kafkapipeline.grains.persist;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.CborSerializable;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.DeadLetterStore;
import kafkapipeline.grains.cassandra.DeadLetterStore.DeadLetter;
import kafkapipeline.grains.cassandra.RowWriter;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.kafka.CommitterSettings;
import org.apache.pekko.kafka.ConsumerMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffsetBatch;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Committer;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one Kafka topic into one Cassandra table, on every silo, in a consumer group shared by
 * all silos (so the topic's partitions are spread over them).
 *
 * <p>Guarantees: an offset is committed only after every row at or before it is written, in
 * partition order, so a crash or rebalance replays records but never skips one; rows are upserts
 * by primary key, so a replay writes the same rows again. A record that cannot be mapped, or
 * whose row Cassandra rejects for good, is saved to {@code dead_letters} (keyed by topic,
 * partition, offset: once, however often it is read) before its offset is committed, counted
 * and logged, and never blocks its partition: whatever a record holds, it is sorted by
 * {@link BatchTriage} into a row, a dead letter or a skipped tombstone (a null value, counted as
 * {@code tombstones_skipped}), so no input can fail the stream. A write that still fails transiently after its
 * retries fails the stream, which restarts with backoff from the last committed offset: the
 * failed rows are read and written again, never committed past.
 */
public final class TopicPersister extends AbstractBehavior<TopicPersister.Command> {

  public sealed interface Command extends CborSerializable {}

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  public record Status(String topic, String table, long restarts, String lastError)
      implements CborSerializable {}

  private record StreamFailed(String error) implements Command {}

  private static final Logger log = LoggerFactory.getLogger(TopicPersister.class);

  public static Behavior<Command> create(
      String topic,
      RowMapper mapper,
      RowWriter writer,
      DeadLetterStore deadLetters,
      PersisterSettings settings,
      ConsumerSettings<String, byte[]> consumerSettings,
      PipelineMetrics metrics) {
    return Behaviors.setup(
        ctx -> new TopicPersister(ctx, topic, mapper, writer, deadLetters, settings, consumerSettings, metrics));
  }

  private final String topic;
  private final RowMapper mapper;
  private final RowWriter writer;
  private final DeadLetterStore deadLetters;
  private final PipelineMetrics metrics;
  private final int maxRecordBytes;
  private final UniqueKillSwitch killSwitch;
  private long restarts;
  private String lastError;

  private TopicPersister(
      ActorContext<Command> ctx,
      String topic,
      RowMapper mapper,
      RowWriter writer,
      DeadLetterStore deadLetters,
      PersisterSettings settings,
      ConsumerSettings<String, byte[]> consumerSettings,
      PipelineMetrics metrics) {
    super(ctx);
    this.deadLetters = deadLetters;
    this.topic = topic;
    this.mapper = mapper;
    this.writer = writer;
    this.metrics = metrics;
    this.maxRecordBytes = settings.maxRecordBytes();
    ActorRef<Command> self = ctx.getSelf();
    CommitterSettings committerSettings = CommitterSettings.create(ctx.getSystem());
    RestartSettings restartSettings =
        RestartSettings.create(settings.restartMinBackoff(), settings.restartMaxBackoff(), 0.2);

    Source<Object, NotUsed> consumeWriteCommit =
        RestartSource.onFailuresWithBackoff(
            restartSettings,
            () ->
                Consumer.committableSource(consumerSettings, Subscriptions.topics(topic))
                    .groupedWithin(settings.batchSize(), settings.batchWait())
                    .mapAsync(settings.parallelism(), this::writeBatch)
                    .via(Committer.flow(committerSettings))
                    .<Object>map(done -> done)
                    .watchTermination(
                        (mat, done) -> {
                          done.whenComplete(
                              (ok, error) -> {
                                if (error != null) self.tell(new StreamFailed(describe(error)));
                              });
                          return mat;
                        }));
    this.killSwitch =
        consumeWriteCommit
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.ignore(), Keep.left())
            .run(Materializer.matFromSystem(ctx.getSystem()));
    ctx.getLog().info("Persisting topic {} into table {}", topic, mapper.table());
  }

  /**
   * Maps and writes one batch; completes with the batch's offsets once every record is either a
   * written row, a saved dead letter or a skipped tombstone. Fails only when Cassandra itself
   * fails (a write or a dead letter that could not be saved after the retries): never because of
   * what a record holds.
   */
  private CompletionStage<CommittableOffsetBatch> writeBatch(
      List<CommittableMessage<String, byte[]>> batch) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(batch.size());
    // Only the last offset of each partition goes into the commit: every record of the batch is
    // written (or dead-lettered) before it, and one offset per partition is all Kafka keeps.
    // (After a rebalance a partition may come again from an older offset: committing that older
    // one replays rows, never skips them.)
    Map<Integer, ConsumerMessage.Committable> lastOffsets = new HashMap<>();
    for (CommittableMessage<String, byte[]> message : batch) {
      records.add(message.record());
      lastOffsets.put(message.record().partition(), message.committableOffset());
    }
    BatchTriage.Outcome<BoundStatement> sorted =
        BatchTriage.sort(records, mapper::toStatement, maxRecordBytes, Instant.now());
    for (ConsumerRecord<String, byte[]> t : sorted.tombstones()) {
      metrics.increment(PipelineMetrics.TOMBSTONES_SKIPPED, topic);
      log.info("Tombstone skipped (a null value has no row to write): topic={} partition={} offset={} key={}",
          t.topic(), t.partition(), t.offset(), t.key());
    }
    List<DeadLetter> dead = new ArrayList<>(sorted.deadLetters());
    for (int i = 0; i < dead.size(); i++) metrics.increment(PipelineMetrics.MALFORMED_RECORDS, topic);
    List<BoundStatement> rows = sorted.rows();
    return writer
        .writeAll(mapper.table(), rows)
        .thenCompose(
            rejected -> {
              metrics.add(PipelineMetrics.ROWS_WRITTEN, mapper.table(), rows.size() - rejected.size());
              Instant now = Instant.now();
              for (RowWriter.Rejected r : rejected) {
                dead.add(BatchTriage.deadLetter(sorted.rowRecords().get(r.index()), "RejectedByCassandra",
                    "rejected by Cassandra: " + r.error(), now));
              }
              return saveAll(dead);
            })
        .thenApply(saved -> ConsumerMessage.createCommittableOffsetBatch(List.copyOf(lastOffsets.values())));
  }

  private CompletionStage<Void> saveAll(List<DeadLetter> dead) {
    CompletionStage<Void> all = java.util.concurrent.CompletableFuture.completedFuture(null);
    for (DeadLetter d : dead) {
      log.warn("Dead letter: topic={} partition={} offset={}: {}: {}", d.topic(), d.partition(), d.offset(),
          d.errorClass(), d.error());
      all = all.thenCompose(x -> deadLetters.save(d)).thenRun(() -> metrics.increment(PipelineMetrics.DEAD_LETTERS, topic));
    }
    return all;
  }

  private static String describe(Throwable error) {
    Throwable cause = error.getCause() != null && error instanceof java.util.concurrent.CompletionException
        ? error.getCause() : error;
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(StreamFailed.class, this::onStreamFailed)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    get.replyTo().tell(new Status(topic, mapper.table(), restarts, lastError));
    return this;
  }

  private Behavior<Command> onStreamFailed(StreamFailed failed) {
    restarts++;
    lastError = failed.error();
    metrics.increment(PipelineMetrics.CONSUMER_RESTARTS, topic);
    getContext().getLog().warn("Consumer of {} failed, restarting from the last committed offset: {}", topic, failed.error());
    return this;
  }

  private Behavior<Command> onPostStop() {
    killSwitch.shutdown();
    return this;
  }
}
