package kafkapipeline.silo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import kafkapipeline.api.grains.PersisterProtocol;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.Schema;
import kafkapipeline.grains.declarative.DeclarativeSettings;
import kafkapipeline.grains.declarative.DeclarativeSource;
import kafkapipeline.grains.declarative.DeclarativeSourceKeeper;
import kafkapipeline.grains.kafka.KafkaEventPublisher;
import kafkapipeline.grains.persist.RowMapper;
import kafkapipeline.grains.persist.RowWriter;
import kafkapipeline.grains.persist.TopicPersister;
import kafkapipeline.silo.logs.SiloLogs;
import kafkapipeline.silo.sources.BuiltInSource;
import kafkapipeline.silo.sources.BuiltInSources;
import kafkapipeline.silo.sources.SourceContext;
import kafkapipeline.silo.sources.SourceRegistry;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.kafka.ConsumerSettings;

/**
 * The silo's root actor. Serves the HTTP API at once, then starts the pipeline over the source
 * registry: connect to Cassandra, migrate the schema, create every source's topic, prepare the
 * stores and every source's row mapper, and only then start a persister per topic and every
 * source's grains. A step that fails is logged with its reason and the whole start is tried again
 * with exponential backoff (1 s up to 30 s): a silo that cannot reach a server waits for it,
 * visibly, and {@code /api/health} says what it is waiting for.
 */
public final class Guardian {
  public sealed interface Command {}

  private enum Attempt implements Command {
    INSTANCE
  }

  /** The servers are reached, the schema and topics exist, and the statements are prepared. */
  private record Ready(PipelineStores stores, List<Persisted> persisted) implements Command {}

  /** A topic and the mapper of its rows. */
  private record Persisted(String topic, RowMapper mapper) {}

  private record NotReady(String reason) implements Command {}

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final SiloSettings settings;
  private final Connections connections;
  private final PipelineMetrics metrics = new PipelineMetrics();
  private final SourceRegistry registry = new SourceRegistry();
  private final PipelineState state = new PipelineState(registry);

  private Guardian(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, SiloSettings settings) {
    this.ctx = ctx;
    this.timers = timers;
    this.settings = settings;
    this.connections = new Connections(settings, registry);
  }

  public static Behavior<Command> create(SiloSettings settings) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new Guardian(ctx, timers, settings).start()));
  }

  private Behavior<Command> start() {
    ctx.spawn(SiloVitals.create(metrics), "silo-vitals");
    ctx.spawn(
        SiloHistory.create(
            metrics,
            registry,
            new KafkaLag(connections.kafkaAdmin(), registry::topics),
            settings.history().interval()),
        "silo-history");
    ctx.spawn(
        SiloLogs.create(List.of(settings.weather().apiKey(), settings.httpToken())), "silo-logs");
    HttpApi.start(
        ctx.getSystem(),
        settings,
        connections,
        metrics,
        state,
        ctx.spawn(ClusterEvents.create(), "cluster-events"));
    onShutdown("close-connections", connections::close);
    ctx.getSelf().tell(Attempt.INSTANCE);
    return starting(1);
  }

  private Behavior<Command> starting(int attempt) {
    return Behaviors.receive(Command.class)
        .onMessage(Attempt.class, a -> onAttempt())
        .onMessage(NotReady.class, failed -> onNotReady(failed, attempt))
        .onMessage(Ready.class, this::onReady)
        .build();
  }

  private Behavior<Command> onAttempt() {
    ctx.pipeToSelf(
        prepare(),
        (ready, error) -> error == null ? ready : new NotReady(Connections.reason(error)));
    return Behaviors.same();
  }

  private Behavior<Command> onNotReady(NotReady failed, int attempt) {
    Duration backoff =
        Duration.ofSeconds(
            Math.min(settings.startupRetryMax().toSeconds(), 1L << Math.min(attempt - 1, 5)));
    state.waiting(failed.reason());
    ctx.getLog()
        .warn(
            "Cannot start the pipeline yet (attempt {}): {}; retrying in {} s",
            attempt,
            failed.reason(),
            backoff.toSeconds());
    timers.startSingleTimer(Attempt.INSTANCE, backoff);
    return starting(attempt + 1);
  }

  private Behavior<Command> onReady(Ready ready) {
    if (settings.discoveryThroughCassandra()) {
      ctx.spawn(ClusterJoiner.create(ready.stores().membership()), "cluster-joiner");
    }
    state.running(startGrains(ready));
    return Behaviors.ignore();
  }

  /** Connect, migrate, create topics, prepare statements: each step only after the one before. */
  private CompletionStage<Command> prepare() {
    String self = Cluster.get(ctx.getSystem()).selfMember().address().hostPort();
    // Taken here: the steps below run on the driver's and Kafka's threads, not the actor's.
    org.slf4j.Logger log = ctx.getLog();
    return connections
        .cassandra()
        .thenCompose(
            session ->
                Schema.migrate(session, settings.schema(), "silo " + self)
                    .thenCompose(migrated -> connections.ensureTopics(registry.topics()))
                    .thenCompose(topics -> PipelineStores.prepare(session, ctx.getSystem().name()))
                    .thenCompose(
                        stores ->
                            SourceFilesAdder.addAll(
                                    settings.sourceFiles(),
                                    stores,
                                    settings.schema().agreementTimeout(),
                                    log)
                                .thenApply(added -> stores))
                    .thenCompose(
                        stores -> prepareMappers(stores).thenApply(p -> new Ready(stores, p))));
  }

  /** Every built-in source's row mapper, prepared on the session. */
  private static CompletionStage<List<Persisted>> prepareMappers(PipelineStores stores) {
    List<CompletableFuture<Persisted>> each = new ArrayList<>();
    for (BuiltInSource source : BuiltInSources.ALL) {
      each.add(
          source
              .rowMapper(stores.session())
              .thenApply(mapper -> new Persisted(source.info().topic(), mapper))
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(done -> each.stream().map(CompletableFuture::join).toList());
  }

  private Grains startGrains(Ready ready) {
    ActorSystem<Void> system = ctx.getSystem();
    PipelineStores stores = ready.stores();
    KafkaEventPublisher publisher = new KafkaEventPublisher(settings.kafkaBootstrapServers());
    onShutdown("close-publisher", publisher::close);
    RowWriter writer = new RowWriter(stores.session(), metrics, settings.persisters());
    BiFunction<String, RowMapper, Behavior<PersisterProtocol.Command>> persister =
        (topic, mapper) -> persister(topic, mapper, writer, stores);
    for (Persisted p : ready.persisted()) {
      ctx.spawn(persister.apply(p.topic(), p.mapper()), "persister-" + p.topic());
    }
    SourceContext context =
        new SourceContext(
            system,
            settings,
            publisher,
            stores.checkpoints(),
            stores.cities(),
            stores.streamPositions(),
            metrics);
    Map<String, BuiltInSource.Running> running = new LinkedHashMap<>();
    for (BuiltInSource source : BuiltInSources.ALL) {
      running.put(source.info().name(), source.start(context));
    }
    DeclarativeSettings declarative = settings.declarative();
    DeclarativeSource.init(
        system,
        new DeclarativeSource.Dependencies(
            stores.sources(),
            publisher,
            stores.streamPositions(),
            metrics,
            System::getenv,
            declarative,
            settings.sourceAccess()));
    DeclarativeSourceKeeper.init(system, stores.sources(), declarative.wakeInterval());
    var persisters =
        ctx.spawn(
            DeclarativePersisters.create(
                stores.sources(),
                registry,
                stores.session(),
                connections,
                persister,
                declarative.refreshInterval()),
            "declarative-persisters");
    ctx.getLog()
        .info(
            "Pipeline started: schema ready, topics ready, grains started; weather {}",
            settings.weather());
    return new Grains(
        stores.session(),
        stores.deadLetters(),
        publisher,
        registry,
        running,
        new Grains.Declarative(
            stores.sources(),
            stores.claims(),
            persisters,
            settings.schema().agreementTimeout(),
            declarative.maxSources()));
  }

  /** A persister of {@code topic} on this silo, in the topic's consumer group. */
  private Behavior<PersisterProtocol.Command> persister(
      String topic, RowMapper mapper, RowWriter writer, PipelineStores stores) {
    String self = Cluster.get(ctx.getSystem()).selfMember().address().hostPort();
    ConsumerSettings<String, byte[]> consumer =
        ConsumerSettings.create(
                ctx.getSystem(), new StringDeserializer(), new ByteArrayDeserializer())
            .withBootstrapServers(settings.kafkaBootstrapServers())
            .withGroupId(KafkaLag.group(topic))
            // The silo in the client id, so the lag view can say which silo reads a partition.
            .withClientId("persister-" + topic + "@" + self);
    return TopicPersister.create(
        topic, mapper, writer, stores.deadLetters(), settings.persisters(), consumer, metrics);
  }

  /** Runs {@code close} once, before the actor system terminates. */
  private void onShutdown(String name, Runnable close) {
    CoordinatedShutdown.get(ctx.getSystem())
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            name,
            () -> {
              close.run();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
  }
}
