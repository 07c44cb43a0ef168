package kafkapipeline.grains.persist;

import com.datastax.oss.driver.api.core.cql.Statement;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where a {@link TopicPersister} writes a batch of rows ({@link RowWriter} over Cassandra; an
 * in-memory writer in tests). The stage completes when every row is written or rejected for good
 * (those come back by index, to be dead-lettered), and fails when a write still fails transiently
 * after its retries: the persister then must not commit past the batch.
 */
public interface RowSink {
  CompletionStage<List<RowWriter.Rejected>> writeAll(
      String table, List<? extends Statement<?>> statements);
}
