package kafkapipeline.silo;

import com.datastax.oss.driver.api.core.CqlSession;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.CassandraCheckpointStore;
import kafkapipeline.grains.cassandra.DeadLetterStore;
import kafkapipeline.grains.cassandra.Schema;
import kafkapipeline.grains.cassandra.StreamPositionStore;
import kafkapipeline.grains.faker.FakerSource;
import kafkapipeline.grains.kafka.KafkaEventPublisher;
import kafkapipeline.grains.persist.FakerRowMapper;
import kafkapipeline.grains.persist.RowMapper;
import kafkapipeline.grains.persist.RowWriter;
import kafkapipeline.grains.persist.SpaceXRowMapper;
import kafkapipeline.grains.persist.TopicPersister;
import kafkapipeline.grains.persist.WeatherRowMapper;
import kafkapipeline.grains.persist.WikipediaRowMapper;
import kafkapipeline.grains.spacex.SpaceXClient;
import kafkapipeline.grains.spacex.SpaceXSource;
import kafkapipeline.grains.weather.CallBudget;
import kafkapipeline.grains.weather.CityKeeper;
import kafkapipeline.grains.weather.CityStore;
import kafkapipeline.grains.weather.CityWeather;
import kafkapipeline.grains.weather.OwmClient;
import kafkapipeline.grains.wikipedia.WikipediaSource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.kafka.ConsumerSettings;

/**
 * The silo's root actor. Serves the HTTP API at once, then starts the pipeline: connect to
 * Cassandra, migrate the schema, create the Kafka topics, and only then start the grains. A step
 * that fails is logged with its reason and the whole start is tried again with exponential backoff
 * (1 s up to 30 s): a silo that cannot reach a server waits for it, visibly, and {@code
 * /api/health} says what it is waiting for.
 */
public final class Guardian {
  public sealed interface Command {}

  private enum Attempt implements Command {
    INSTANCE
  }

  private record Ready(
      CqlSession session,
      List<Persisted> persisted,
      CassandraCheckpointStore checkpoints,
      CityStore cities,
      CassandraMembership membership,
      DeadLetterStore deadLetters,
      StreamPositionStore streamPositions)
      implements Command {}

  /** A topic and the mapper of its rows. */
  private record Persisted(String topic, RowMapper mapper) {}

  private record NotReady(String reason) implements Command {}

  public static Behavior<Command> create(SiloSettings settings) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  PipelineMetrics metrics = new PipelineMetrics();
                  Connections connections = new Connections(settings);
                  AtomicReference<String> state = new AtomicReference<>("starting");
                  AtomicReference<Grains> grains = new AtomicReference<>();
                  ctx.spawn(SiloVitals.create(metrics), "silo-vitals");
                  HttpApi.start(
                      ctx.getSystem(),
                      settings,
                      connections,
                      metrics,
                      state,
                      grains,
                      ctx.spawn(ClusterEvents.create(), "cluster-events"));
                  CoordinatedShutdown.get(ctx.getSystem())
                      .addTask(
                          CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
                          "close-connections",
                          () -> {
                            connections.close();
                            return CompletableFuture.completedFuture(Done.getInstance());
                          });
                  ctx.getSelf().tell(Attempt.INSTANCE);
                  return starting(ctx, timers, settings, connections, metrics, state, grains, 1);
                }));
  }

  private static Behavior<Command> starting(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      SiloSettings settings,
      Connections connections,
      PipelineMetrics metrics,
      AtomicReference<String> state,
      AtomicReference<Grains> grains,
      int attempt) {
    return Behaviors.receive(Command.class)
        .onMessage(
            Attempt.class,
            a -> {
              ctx.pipeToSelf(
                  prepare(
                      settings,
                      connections,
                      ctx.getSystem().name(),
                      org.apache.pekko.cluster.typed.Cluster.get(ctx.getSystem())
                          .selfMember()
                          .address()
                          .hostPort()),
                  (ready, error) ->
                      error == null ? ready : new NotReady(Connections.reason(error)));
              return Behaviors.same();
            })
        .onMessage(
            NotReady.class,
            failed -> {
              Duration backoff =
                  Duration.ofSeconds(
                      Math.min(
                          settings.startupRetryMax().toSeconds(), 1L << Math.min(attempt - 1, 5)));
              state.set("waiting for servers: " + failed.reason());
              ctx.getLog()
                  .warn(
                      "Cannot start the pipeline yet (attempt {}): {}; retrying in {} s",
                      attempt,
                      failed.reason(),
                      backoff.toSeconds());
              timers.startSingleTimer(Attempt.INSTANCE, backoff);
              return starting(
                  ctx, timers, settings, connections, metrics, state, grains, attempt + 1);
            })
        .onMessage(
            Ready.class,
            ready -> {
              if (settings.discoveryThroughCassandra()) {
                ctx.spawn(ClusterJoiner.create(ready.membership()), "cluster-joiner");
              }
              grains.set(startGrains(ctx, settings, ready, metrics));
              state.set("running");
              return Behaviors.ignore();
            })
        .build();
  }

  /** Connect, migrate, create topics, prepare statements: each step only after the one before. */
  private static CompletionStage<Command> prepare(
      SiloSettings settings, Connections connections, String clusterName, String selfAddress) {
    return connections
        .cassandra()
        .thenCompose(
            session ->
                Schema.migrate(session, settings.schema(), "silo " + selfAddress)
                    .thenCompose(migrated -> connections.ensureTopics(Topics.ALL))
                    .thenCompose(topics -> FakerRowMapper.prepare(session))
                    .thenCompose(
                        faker ->
                            WeatherRowMapper.prepare(session)
                                .thenCombine(
                                    WikipediaRowMapper.prepare(session),
                                    (weather, wikipedia) ->
                                        List.of(
                                            new Persisted(Topics.FAKER, faker),
                                            new Persisted(Topics.WEATHER, weather),
                                            new Persisted(Topics.WIKIPEDIA, wikipedia))))
                    .thenCompose(
                        persisted ->
                            SpaceXRowMapper.prepare(session)
                                .thenApply(
                                    spacex ->
                                        Stream.concat(
                                                persisted.stream(),
                                                Stream.of(new Persisted(Topics.SPACEX, spacex)))
                                            .toList()))
                    .thenCompose(
                        persisted ->
                            CassandraCheckpointStore.prepare(session)
                                .thenCompose(
                                    checkpoints ->
                                        CityStore.prepare(session)
                                            .thenCompose(
                                                cities ->
                                                    CassandraMembership.prepare(
                                                            session, clusterName)
                                                        .thenCompose(
                                                            membership ->
                                                                DeadLetterStore.prepare(session)
                                                                    .thenCombine(
                                                                        StreamPositionStore
                                                                            .cassandra(session),
                                                                        (dead, positions) ->
                                                                            new Ready(
                                                                                session,
                                                                                persisted,
                                                                                checkpoints,
                                                                                cities,
                                                                                membership,
                                                                                dead,
                                                                                positions)))))));
  }

  private static Grains startGrains(
      ActorContext<Command> ctx, SiloSettings settings, Ready ready, PipelineMetrics metrics) {
    ActorSystem<Void> system = ctx.getSystem();
    KafkaEventPublisher publisher = new KafkaEventPublisher(settings.kafkaBootstrapServers());
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-publisher",
            () -> {
              publisher.close();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    RowWriter writer = new RowWriter(ready.session(), metrics, settings.persisters());
    for (Persisted p : ready.persisted()) {
      ConsumerSettings<String, byte[]> consumer =
          ConsumerSettings.create(system, new StringDeserializer(), new ByteArrayDeserializer())
              .withBootstrapServers(settings.kafkaBootstrapServers())
              .withGroupId(KafkaLag.group(p.topic()))
              // The silo in the client id, so the lag view can say which silo reads a partition.
              .withClientId(
                  "persister-"
                      + p.topic()
                      + "@"
                      + org.apache.pekko.cluster.typed.Cluster.get(system)
                          .selfMember()
                          .address()
                          .hostPort());
      ctx.spawn(
          TopicPersister.create(
              p.topic(),
              p.mapper(),
              writer,
              ready.deadLetters(),
              settings.persisters(),
              consumer,
              metrics),
          "persister-" + p.topic());
    }
    ActorRef<FakerSource.Command> faker =
        FakerSource.init(system, settings.faker(), publisher, ready.checkpoints(), metrics);
    OwmClient owm = new OwmClient(settings.weather().baseUrl(), settings.weather().apiKey());
    ActorRef<CallBudget.Command> budget =
        CallBudget.init(system, settings.weather().callsPerMinute());
    CityWeather.init(
        system,
        new CityWeather.Dependencies(
            settings.weather(), owm, budget, publisher, ready.cities(), metrics));
    CityKeeper.init(system, ready.cities(), settings.weather().wakeInterval());
    ActorRef<WikipediaSource.Command> wikipedia =
        WikipediaSource.init(
            system, settings.wikipedia(), publisher, ready.streamPositions(), metrics);
    ActorRef<SpaceXSource.Command> spacex =
        SpaceXSource.init(
            system,
            settings.spacex(),
            new SpaceXClient(settings.spacex().baseUrl()),
            publisher,
            metrics);
    ctx.getLog()
        .info(
            "Pipeline started: schema ready, topics ready, grains started; weather {}",
            settings.weather());
    return new Grains(
        ready.session(),
        faker,
        budget,
        ready.cities(),
        owm,
        ready.deadLetters(),
        publisher,
        wikipedia,
        spacex);
  }
}
