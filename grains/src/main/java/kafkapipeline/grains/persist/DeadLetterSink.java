package kafkapipeline.grains.persist;

import java.util.concurrent.CompletionStage;
import kafkapipeline.grains.cassandra.DeadLetterStore;
import kafkapipeline.grains.cassandra.DeadLetterStore.DeadLetter;

/**
 * Where a {@link TopicPersister} saves the records that cannot become rows ({@link DeadLetterStore}
 * over Cassandra; a list in tests). Saving the same record twice keeps one entry (it is keyed by
 * topic, partition and offset). The stage fails when the entry could not be saved.
 */
public interface DeadLetterSink {
  CompletionStage<Void> save(DeadLetter d);
}
