package kafkapipeline.grains.kafka;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where source grains hand their events. The returned stage completes once every record of the
 * call is acknowledged by the broker, and fails if any one is not; callers never block on it.
 */
public interface EventPublisher {
  CompletionStage<Void> publish(String topic, List<KeyedRecord> records);

  /** A record's key (its natural id, so one key always lands on one partition) and JSON value. */
  record KeyedRecord(String key, byte[] value) {}
}
