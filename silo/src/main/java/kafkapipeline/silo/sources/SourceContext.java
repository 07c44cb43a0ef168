package kafkapipeline.silo.sources;

import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.CassandraCheckpointStore;
import kafkapipeline.grains.cassandra.StreamPositionStore;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.weather.CityStore;
import kafkapipeline.silo.SiloSettings;
import org.apache.pekko.actor.typed.ActorSystem;

/** What a source needs to start on a silo: the servers are reached, the schema is ready. */
public record SourceContext(
    ActorSystem<?> system,
    SiloSettings settings,
    EventPublisher publisher,
    CassandraCheckpointStore checkpoints,
    CityStore cities,
    StreamPositionStore streamPositions,
    PipelineMetrics metrics) {}
