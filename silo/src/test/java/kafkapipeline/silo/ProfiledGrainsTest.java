package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.grains.CityWeatherProtocol;
import kafkapipeline.api.grains.DeclarativeSourceProtocol;
import kafkapipeline.api.grains.PersisterProtocol;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.CassandraCheckpointStore;
import kafkapipeline.grains.cassandra.StreamPositionStore;
import kafkapipeline.grains.declarative.DeclarativeSource;
import kafkapipeline.grains.declarative.DeclarativeSourceKeeper;
import kafkapipeline.grains.declarative.SourceStore;
import kafkapipeline.grains.persist.RowMapper;
import kafkapipeline.grains.persist.TopicPersister;
import kafkapipeline.grains.profile.GrainProfile;
import kafkapipeline.grains.profile.GrainProfiler;
import kafkapipeline.grains.weather.CityStore;
import kafkapipeline.grains.weather.CityWeather;
import kafkapipeline.silo.sources.BuiltInSource;
import kafkapipeline.silo.sources.BuiltInSources;
import kafkapipeline.silo.sources.SourceContext;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.kafka.ConsumerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of grain the silo creates is profiled: on a one-node cluster, with every Cassandra
 * query failing and Kafka unreachable, the grains are started as the {@link Guardian} starts them
 * (each built-in source of {@link BuiltInSources#ALL} through its own {@code start}, the
 * declarative sources' sharding and keeper, a persister), each one handles at least one message
 * (its own start-up messages, or a status request for the sharded ones), and then every one of them
 * is in the JVM's {@link GrainProfiler} under its type: each singleton a built-in source names, and
 * the grains outside the registry by their constants.
 *
 * <p>Not covered: the {@code Guardian} itself (it needs Cassandra and Kafka), so a grain it would
 * start without going through these entry points would be missed here; the tests module's real
 * servers reach that.
 */
class ProfiledGrainsTest {
  private static final Config CONFIG =
      ConfigFactory.parseString(
              "pekko.actor.provider = cluster\n"
                  + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                  + "pekko.remote.artery.canonical.port = 0\n"
                  + "pekko.coordinated-shutdown.exit-jvm = off\n"
                  + "pekko.loglevel = WARNING\n"
                  + "pipeline.kafka.bootstrap-servers = \"127.0.0.1:1\"\n"
                  + "pipeline.sources.weather.base-url = \"http://127.0.0.1:1\"\n"
                  + "pipeline.sources.spacex.base-url = \"http://127.0.0.1:1\"\n"
                  + "pipeline.sources.wikipedia.stream-url = \"http://127.0.0.1:1/stream\"\n")
          .withFallback(ConfigFactory.load())
          .resolve();

  private static final ActorTestKit testKit = ActorTestKit.create("profiled-grains", CONFIG);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /**
   * A driver session where statements prepare and bind, and every execution fails at once: each
   * store is built as on a silo, and every read or write of it fails as with Cassandra down.
   */
  private static <T> T noCassandra(Class<T> type) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          Class<?> returns = method.getReturnType();
          return switch (method.getName()) {
            case "toString" -> "no Cassandra " + type.getSimpleName();
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "prepareAsync" ->
                CompletableFuture.completedFuture(
                    noCassandra(com.datastax.oss.driver.api.core.cql.PreparedStatement.class));
            default -> {
              if (CompletionStage.class.isAssignableFrom(returns))
                yield CompletableFuture.failedFuture(
                    new DriverTimeoutException("no Cassandra in this test"));
              if (returns.isInterface()) yield noCassandra(returns);
              if (returns == boolean.class) yield false;
              if (returns == int.class) yield 0;
              if (returns == long.class) yield 0L;
              yield null;
            }
          };
        };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  @Test
  void everyGrainTheSiloCreatesIsProfiled() {
    var system = testKit.system();
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    // Messages before: another test of this JVM cannot make a grain look profiled.
    Map<String, Long> before = handled(GrainProfiler.global().snapshot());
    SiloSettings settings = SiloSettings.fromConfig(CONFIG);
    PipelineMetrics metrics = new PipelineMetrics();
    CqlSession session = noCassandra(CqlSession.class);
    SourceContext context =
        new SourceContext(
            system,
            settings,
            (topic, records) ->
                CompletableFuture.failedFuture(new IllegalStateException("no Kafka in this test")),
            CassandraCheckpointStore.prepare(session).toCompletableFuture().join(),
            CityStore.prepare(session).toCompletableFuture().join(),
            StreamPositionStore.cassandra(session).toCompletableFuture().join(),
            metrics);
    List<String> expected = new ArrayList<>();
    List<BuiltInSource.Running> running = new ArrayList<>();
    for (BuiltInSource source : BuiltInSources.ALL) {
      running.add(source.start(context));
      expected.addAll(source.singletons());
    }
    SourceStore sources = SourceStore.cassandra(session).toCompletableFuture().join();
    DeclarativeSource.init(
        system,
        new DeclarativeSource.Dependencies(
            sources,
            context.publisher(),
            context.streamPositions(),
            metrics,
            name -> null,
            settings.declarative(),
            settings.sourceAccess()));
    DeclarativeSourceKeeper.init(system, sources, Duration.ofMillis(200));
    ActorRef<PersisterProtocol.Command> persister =
        testKit.spawn(
            TopicPersister.create(
                "profiled-topic",
                new RowMapper() {
                  @Override
                  public String table() {
                    return "profiled_table";
                  }

                  @Override
                  public BoundStatement toStatement(String key, byte[] value, long writeTime) {
                    throw new AssertionError("no record ever arrives");
                  }
                },
                (table, rows) -> CompletableFuture.failedFuture(new AssertionError("no rows")),
                d -> CompletableFuture.failedFuture(new AssertionError("no dead letters")),
                settings.persisters(),
                ConsumerSettings.create(
                        system, new StringDeserializer(), new ByteArrayDeserializer())
                    .withBootstrapServers("127.0.0.1:1")
                    .withGroupId("profiled-test"),
                metrics));
    // The grains outside the registry, by the constants their creation sites name them with.
    expected.addAll(
        List.of(
            CityWeather.TYPE_KEY.name(),
            DeclarativeSource.TYPE_KEY.name(),
            DeclarativeSourceKeeper.SINGLETON_NAME,
            TopicPersister.GRAIN_TYPE));

    TestProbe<Object> replies = testKit.createTestProbe();
    persister.tell(new PersisterProtocol.GetStatus(replies.getRef().narrow()));
    ClusterSharding sharding = ClusterSharding.get(system);
    replies.awaitAssert(
        Duration.ofSeconds(30),
        () -> {
          // Sharding and singletons start once the node is Up: asked again until each answers.
          // A source's state asks its grain (the weather's asks the call budget).
          for (BuiltInSource.Running r : running) r.state(Duration.ofSeconds(1));
          sharding
              .entityRefFor(CityWeather.TYPE_KEY, "nowhere,xx")
              .tell(new CityWeatherProtocol.GetStatus(replies.getRef().narrow()));
          sharding
              .entityRefFor(DeclarativeSource.TYPE_KEY, "nothing")
              .tell(new DeclarativeSourceProtocol.GetStatus(replies.getRef().narrow()));
          GrainProfile profile = GrainProfiler.global().snapshot();
          Map<String, Long> handled = handled(profile);
          for (String type : expected) {
            assertTrue(
                handled.getOrDefault(type, 0L) > before.getOrDefault(type, 0L),
                type + " handled no profiled message; profiled: " + handled);
            assertTrue(profile.active().containsKey(type), type + " never activated");
          }
          return null;
        });
    testKit.stop(persister);
  }

  /** Grain type to the messages it handled, all message classes together. */
  private static Map<String, Long> handled(GrainProfile profile) {
    Map<String, Long> handled = new java.util.TreeMap<>();
    for (GrainProfile.Entry e : profile.grains()) handled.merge(e.grain(), e.messages(), Long::sum);
    return handled;
  }
}
