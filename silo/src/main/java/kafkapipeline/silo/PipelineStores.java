package kafkapipeline.silo;

import com.datastax.oss.driver.api.core.CqlSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.grains.cassandra.CassandraCheckpointStore;
import kafkapipeline.grains.cassandra.DeadLetterStore;
import kafkapipeline.grains.cassandra.StreamPositionStore;
import kafkapipeline.grains.declarative.CassandraSourceClaims;
import kafkapipeline.grains.declarative.SourceClaims;
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
    SourceStore sources,
    SourceClaims claims) {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(PipelineStores.class);

  /**
   * Prepares every store's statements, all at once (the schema exists); fails if one fails. Then
   * starts moving the first dead-letter table's entries into the bucketed one in the background
   * ({@link DeadLetterStore#moveLegacy}; its outcome is logged, a failure is retried at the next
   * start).
   */
  static CompletionStage<PipelineStores> prepare(CqlSession session, String clusterName) {
    var checkpoints = CassandraCheckpointStore.prepare(session).toCompletableFuture();
    var cities = CityStore.prepare(session).toCompletableFuture();
    var membership = CassandraMembership.prepare(session, clusterName).toCompletableFuture();
    var deadLetters = DeadLetterStore.prepare(session).toCompletableFuture();
    var positions = StreamPositionStore.cassandra(session).toCompletableFuture();
    var sources = SourceStore.cassandra(session).toCompletableFuture();
    var claims = CassandraSourceClaims.prepare(session).toCompletableFuture();
    return CompletableFuture.allOf(
            checkpoints, cities, membership, deadLetters, positions, sources, claims)
        .thenApply(
            done -> {
              moveLegacyDeadLetters(deadLetters.join());
              return new PipelineStores(
                  session,
                  checkpoints.join(),
                  cities.join(),
                  membership.join(),
                  deadLetters.join(),
                  positions.join(),
                  sources.join(),
                  claims.join());
            });
  }

  private static void moveLegacyDeadLetters(DeadLetterStore store) {
    store
        .moveLegacy()
        .whenComplete(
            (n, e) -> {
              if (e != null)
                log.warn(
                    "Dead letters: moving table dead_letters stopped (next start retries): {}",
                    e.toString());
              else if (n > 0)
                log.info(
                    "Dead letters: moved {} from table dead_letters into dead_letters_by_day", n);
            });
  }
}
