package kafkapipeline.silo;

import com.datastax.oss.driver.api.core.CqlSession;
import java.util.concurrent.CompletionStage;
import kafkapipeline.grains.cassandra.CassandraCheckpointStore;
import kafkapipeline.grains.cassandra.DeadLetterStore;
import kafkapipeline.grains.cassandra.StreamPositionStore;
import kafkapipeline.grains.weather.CityStore;

/** The pipeline's own tables in Cassandra, their statements prepared. */
record PipelineStores(
    CqlSession session,
    CassandraCheckpointStore checkpoints,
    CityStore cities,
    CassandraMembership membership,
    DeadLetterStore deadLetters,
    StreamPositionStore streamPositions) {

  /** Prepares every store's statements (the schema exists). */
  static CompletionStage<PipelineStores> prepare(CqlSession session, String clusterName) {
    return CassandraCheckpointStore.prepare(session)
        .thenCompose(
            checkpoints ->
                CityStore.prepare(session)
                    .thenCompose(
                        cities ->
                            CassandraMembership.prepare(session, clusterName)
                                .thenCompose(
                                    membership ->
                                        DeadLetterStore.prepare(session)
                                            .thenCombine(
                                                StreamPositionStore.cassandra(session),
                                                (dead, positions) ->
                                                    new PipelineStores(
                                                        session,
                                                        checkpoints,
                                                        cities,
                                                        membership,
                                                        dead,
                                                        positions)))));
  }
}
