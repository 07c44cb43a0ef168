package kafkapipeline.grains.declarative;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;

/**
 * A source's records sent to Kafka one batch at a time: each batch at most {@code maxRecords}
 * records and {@code maxBytes} of keys and values (a single larger record goes alone), the next
 * sent once Kafka acknowledged the one before. So one source has at most one batch in the silo's
 * shared producer buffer and cannot crowd out the other sources' sends. The stage fails with the
 * first batch that fails; the batches before it stay sent (the caller retries the whole poll, which
 * is safe as every record is keyed by its natural id).
 */
final class Batches {
  private Batches() {}

  /** {@code records} cut into batches, in order, none empty. */
  static List<List<KeyedRecord>> split(List<KeyedRecord> records, int maxRecords, long maxBytes) {
    List<List<KeyedRecord>> batches = new ArrayList<>();
    List<KeyedRecord> batch = new ArrayList<>();
    long bytes = 0;
    for (KeyedRecord r : records) {
      long size = r.sizeBytes();
      if (!batch.isEmpty() && (batch.size() == maxRecords || bytes + size > maxBytes)) {
        batches.add(batch);
        batch = new ArrayList<>();
        bytes = 0;
      }
      batch.add(r);
      bytes += size;
    }
    if (!batch.isEmpty()) batches.add(batch);
    return batches;
  }

  static CompletionStage<Void> publish(
      EventPublisher publisher,
      String topic,
      List<KeyedRecord> records,
      int maxRecords,
      long maxBytes) {
    CompletionStage<Void> sent = CompletableFuture.completedFuture(null);
    for (List<KeyedRecord> batch : split(records, maxRecords, maxBytes))
      sent = sent.thenCompose(done -> publisher.publish(topic, batch));
    return sent;
  }
}
