package kafkapipeline.grains.persist;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.DeadLetterStore.DeadLetter;
import kafkapipeline.grains.profile.GrainProfiler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one batch of a persister's records: each becomes a written row (at its record's {@link
 * WriteTime}, so batches may be written in any order, again and in parallel, and every row still
 * ends as the last record of its key), a saved dead letter ({@link BatchTriage}: a record no mapper
 * can read, too big, or a row Cassandra rejected) or a skipped tombstone, counted in the pipeline's
 * metrics and timed in the persister's profile (as {@link WriteBatch}). Completes once all of them
 * are, and fails only when Cassandra itself fails (a write or a dead letter that could not be saved
 * after the retries): never because of what a record holds. Safe to call from several stream stages
 * at once.
 */
final class BatchWrite {
  // The persister's logger: its dead-letter and tombstone lines keep the name they always had.
  private static final Logger log = LoggerFactory.getLogger(TopicPersister.class);

  /**
   * Not a message: the name each written batch is timed under in the profile. A persister's work is
   * its stream's, not its mailbox's: without this it would show active and idle.
   */
  record WriteBatch() {}

  private final String topic;
  private final RowMapper mapper;
  private final RowSink writer;
  private final DeadLetterSink deadLetters;
  private final PipelineMetrics metrics;
  private final int maxRecordBytes;
  private final PersisterSettings.WriteTimes writeTimes;
  private final GrainProfiler.Recorder timing;

  BatchWrite(
      String topic,
      RowMapper mapper,
      RowSink writer,
      DeadLetterSink deadLetters,
      PipelineMetrics metrics,
      int maxRecordBytes,
      PersisterSettings.WriteTimes writeTimes,
      GrainProfiler.Grain profile) {
    this.topic = topic;
    this.mapper = mapper;
    this.writer = writer;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.maxRecordBytes = maxRecordBytes;
    this.writeTimes = writeTimes;
    this.timing = profile.recorder(WriteBatch.class);
  }

  CompletionStage<Void> write(List<ConsumerRecord<String, byte[]>> records) {
    long started = System.nanoTime();
    return untimed(records)
        .whenComplete((done, error) -> timing.record(System.nanoTime() - started, error != null));
  }

  private CompletionStage<Void> untimed(List<ConsumerRecord<String, byte[]>> records) {
    BatchTriage.Outcome<BoundStatement> sorted =
        BatchTriage.sort(
            records,
            r -> mapper.toStatement(r.key(), r.value(), writeTime(r)),
            maxRecordBytes,
            Instant.now());
    for (ConsumerRecord<String, byte[]> t : sorted.tombstones()) {
      metrics.increment(PipelineMetrics.TOMBSTONES_SKIPPED, topic);
      log.info(
          "Tombstone skipped (a null value has no row to write): topic={} partition={} offset={} key={}",
          t.topic(),
          t.partition(),
          t.offset(),
          t.key());
    }
    List<DeadLetter> dead = new ArrayList<>(sorted.deadLetters());
    for (int i = 0; i < dead.size(); i++)
      metrics.increment(PipelineMetrics.MALFORMED_RECORDS, topic);
    List<BoundStatement> rows = sorted.rows();
    return writer
        .writeAll(mapper.table(), rows)
        .thenCompose(
            rejected -> {
              metrics.add(
                  PipelineMetrics.ROWS_WRITTEN, mapper.table(), rows.size() - rejected.size());
              Instant now = Instant.now();
              for (RowWriter.Rejected r : rejected) {
                dead.add(
                    BatchTriage.deadLetter(
                        sorted.rowRecords().get(r.index()),
                        "RejectedByCassandra",
                        "rejected by Cassandra: " + r.error(),
                        now));
              }
              return saveAll(dead);
            });
  }

  private long writeTime(ConsumerRecord<String, byte[]> record) {
    return writeTimes == PersisterSettings.WriteTimes.OFFSET
        ? WriteTime.of(record)
        : System.currentTimeMillis() * 1_000;
  }

  /** Saves every dead letter of the batch, several at once ({@link DeadLetterSink#saveAll}). */
  private CompletionStage<Void> saveAll(List<DeadLetter> dead) {
    for (DeadLetter d : dead) {
      log.warn(
          "Dead letter: topic={} partition={} offset={}: {}: {}",
          d.topic(),
          d.partition(),
          d.offset(),
          d.errorClass(),
          d.error());
    }
    if (dead.isEmpty()) return CompletableFuture.completedFuture(null);
    return deadLetters
        .saveAll(dead)
        .thenRun(() -> metrics.add(PipelineMetrics.DEAD_LETTERS, topic, dead.size()));
  }
}
