package kafkapipeline.silo;

import com.datastax.oss.driver.api.core.CqlSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.grains.cassandra.CassandraCheckpointStore;
import kafkapipeline.grains.cassandra.DeadLetterStore;
import kafkapipeline.grains.cassandra.StreamPositionStore;
import kafkapipeline.grains.declarative.SourceStore;
import kafkapipeline.grains.weather.CityStore;

/** The pipeline's own tables in Cassandra, their statements prepared. */
record PipelineStores(
    CqlSession session,
    CassandraCheckpointStore checkpoints,
    CityStore cities,
    CassandraMembership membership,
    DeadLetterStore deadLetters,
    StreamPositionStore streamPositions,
    SourceStore sources) {

  /** Prepares every store's statements, all at once (the schema exists); fails if one fails. */
  static CompletionStage<PipelineStores> prepare(CqlSession session, String clusterName) {
    var checkpoints = CassandraCheckpointStore.prepare(session).toCompletableFuture();
    var cities = CityStore.prepare(session).toCompletableFuture();
    var membership = CassandraMembership.prepare(session, clusterName).toCompletableFuture();
    var deadLetters = DeadLetterStore.prepare(session).toCompletableFuture();
    var positions = StreamPositionStore.cassandra(session).toCompletableFuture();
    var sources = SourceStore.cassandra(session).toCompletableFuture();
    return CompletableFuture.allOf(checkpoints, cities, membership, deadLetters, positions, sources)
        .thenApply(
            done ->
                new PipelineStores(
                    session,
                    checkpoints.join(),
                    cities.join(),
                    membership.join(),
                    deadLetters.join(),
                    positions.join(),
                    sources.join()));
  }
}
