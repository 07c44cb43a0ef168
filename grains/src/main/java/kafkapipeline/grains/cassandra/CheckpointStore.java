package kafkapipeline.grains.cassandra;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Durable position of a source grain. A grain saves only positions whose events Kafka has
 * acknowledged, so resuming from a saved position may repeat events but never skips one.
 */
public interface CheckpointStore {
  CompletionStage<Optional<Checkpoint>> load(String source);

  CompletionStage<Void> save(String source, Checkpoint checkpoint);

  /** {@code position} is the next sequence number to produce; {@code seed} names the stream. */
  record Checkpoint(long seed, long position) {}
}
