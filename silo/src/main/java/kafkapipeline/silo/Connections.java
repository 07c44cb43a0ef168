package kafkapipeline.silo;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.cassandra.Consistency;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * This silo's links to Cassandra and Kafka. The Cassandra session is opened on first use and kept;
 * until it opens, every call fails and the next call tries again. Probes never throw: they say
 * whether a server answered, and why not.
 */
public final class Connections implements AutoCloseable {
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

  /** The longest a probe makes its caller wait before the last probe's answer is given. */
  static final Duration PROBE_ANSWER_WITHIN = Duration.ofMillis(500);

  private final AtomicReference<Reachability> lastKafka = new AtomicReference<>();
  private final AtomicReference<Reachability> lastCassandra = new AtomicReference<>();

  private final SiloSettings settings;
  private final Admin kafkaAdmin;
  private volatile CompletableFuture<CqlSession> session;
  private final EngineView engines;

  public Connections(SiloSettings settings, kafkapipeline.silo.sources.SourceRegistry registry) {
    this.settings = settings;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers());
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "silo-admin");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    this.kafkaAdmin = Admin.create(p);
    this.engines =
        new EngineView(
            kafkaAdmin,
            registry::topics,
            settings.kafkaBootstrapServers(),
            settings.cassandraContactPoints(),
            kafkapipeline.grains.cassandra.Schema.KEYSPACE,
            settings.cassandraLocalDatacenter(),
            this::openSession,
            EngineView.Consistency.of(settings.cassandraConsistency()),
            java.time.Clock.systemUTC());
  }

  /**
   * Every broker and node with its state, the keyspace's replication, the consistency ({@link
   * EngineView}).
   */
  EngineView engines() {
    return engines;
  }

  /** The session if it is open now; never waits. */
  private java.util.Optional<CqlSession> openSession() {
    CompletableFuture<CqlSession> current = session;
    return current != null && current.isDone() && !current.isCompletedExceptionally()
        ? java.util.Optional.of(current.join())
        : java.util.Optional.empty();
  }

  /** The shared Kafka admin client (closed with this object): for read-only queries such as lag. */
  Admin kafkaAdmin() {
    return kafkaAdmin;
  }

  public record Reachability(boolean reachable, String detail) {}

  /** The open session, or a new attempt to open one. */
  public synchronized CompletionStage<CqlSession> cassandra() {
    CompletableFuture<CqlSession> current = session;
    if (current != null && !current.isCompletedExceptionally()) return current;
    session = sessionBuilder(settings).buildAsync().toCompletableFuture();
    return session;
  }

  /**
   * How every silo session is built: contact points, local data centre, timeouts and the
   * consistency levels ({@link Consistency}). Public so a test can build the same session with a
   * request tracker added.
   */
  public static CqlSessionBuilder sessionBuilder(SiloSettings settings) {
    List<InetSocketAddress> contactPoints =
        settings.cassandraContactPoints().stream()
            .map(a -> new InetSocketAddress(a.getHostString(), a.getPort()))
            .toList();
    return CqlSession.builder()
        .addContactPoints(contactPoints)
        .withLocalDatacenter(settings.cassandraLocalDatacenter())
        .withConfigLoader(driverConfig(settings));
  }

  /** The driver's configuration of a silo session. */
  static DriverConfigLoader driverConfig(SiloSettings settings) {
    return Consistency.configure(
            DriverConfigLoader.programmaticBuilder(), settings.cassandraConsistency())
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(
            DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
        // Reconnect to a Cassandra that comes back within seconds, not after the driver's
        // default of up to a minute: writes wait (back-pressure) meanwhile.
        .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofSeconds(1))
        .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(5))
        .build();
  }

  /**
   * Creates the topics that do not exist yet, each taking records up to the producer's limit
   * ({@link Topics#MAX_MESSAGE_BYTES}) and with {@link SiloSettings#kafkaMinInsyncReplicas()};
   * existing ones are left as they are.
   */
  public CompletionStage<Void> ensureTopics(List<String> topics) {
    List<NewTopic> wanted = topics.stream().map(t -> newTopic(settings, t)).toList();
    CompletableFuture<?>[] each =
        kafkaAdmin.createTopics(wanted).values().values().stream()
            .map(
                f ->
                    f.toCompletionStage()
                        .toCompletableFuture()
                        .exceptionally(
                            e -> {
                              Throwable cause = e instanceof CompletionException ? e.getCause() : e;
                              if (cause instanceof TopicExistsException) return null;
                              throw new CompletionException(cause);
                            }))
            .toArray(CompletableFuture<?>[]::new);
    return CompletableFuture.allOf(each);
  }

  /** A topic as a silo creates it. */
  static NewTopic newTopic(SiloSettings settings, String topic) {
    return new NewTopic(topic, settings.kafkaPartitions(), settings.kafkaReplicationFactor())
        .configs(
            Map.of(
                "max.message.bytes", String.valueOf(Topics.MAX_MESSAGE_BYTES),
                "min.insync.replicas", String.valueOf(settings.kafkaMinInsyncReplicas())));
  }

  /**
   * Whether Kafka answers. Answers within {@link #PROBE_ANSWER_WITHIN}: when the probe is slower (a
   * broker that is down lets it run to {@link #PROBE_TIMEOUT}), the last probe's answer is given
   * instead, marked as such, so {@code /api/health} never waits on a server that is gone.
   */
  public CompletionStage<Reachability> probeKafka() {
    CompletableFuture<Reachability> probe =
        kafkaAdmin
            .describeCluster(new DescribeClusterOptions().timeoutMs((int) PROBE_TIMEOUT.toMillis()))
            .nodes()
            .toCompletionStage()
            .toCompletableFuture()
            .handle(
                (nodes, error) ->
                    error == null
                        ? new Reachability(true, nodes.size() + " broker(s)")
                        : new Reachability(false, reason(error)));
    return answerSoon(probe, lastKafka);
  }

  /** Whether Cassandra answers; within {@link #PROBE_ANSWER_WITHIN}, as {@link #probeKafka}. */
  public CompletionStage<Reachability> probeCassandra() {
    CompletableFuture<CqlSession> current = session;
    if (current == null || !current.isDone() || current.isCompletedExceptionally()) {
      return CompletableFuture.completedFuture(new Reachability(false, "not connected"));
    }
    CompletableFuture<Reachability> probe =
        current
            .join()
            .executeAsync("SELECT release_version FROM system.local")
            .toCompletableFuture()
            .orTimeout(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .handle(
                (rs, error) ->
                    error == null
                        ? new Reachability(true, "Cassandra " + rs.one().getString(0))
                        : new Reachability(false, reason(error)));
    return answerSoon(probe, lastCassandra);
  }

  private static CompletionStage<Reachability> answerSoon(
      CompletableFuture<Reachability> probe, AtomicReference<Reachability> last) {
    // A plain future of our own: the Kafka client's futures refuse to be completed by anyone else.
    CompletableFuture<Reachability> answer = new CompletableFuture<>();
    probe.whenComplete(
        (r, error) -> {
          Reachability result = error == null ? r : new Reachability(false, reason(error));
          last.set(result);
          answer.complete(result);
        });
    Reachability before = last.get();
    if (before == null) return answer;
    Reachability stale =
        new Reachability(
            before.reachable(),
            before.detail()
                + " (as of the last probe; this one has had no answer within "
                + PROBE_ANSWER_WITHIN.toMillis()
                + " ms)");
    return answer.completeOnTimeout(stale, PROBE_ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
  }

  static String reason(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  @Override
  public void close() {
    kafkaAdmin.close(Duration.ofSeconds(2));
    CompletableFuture<CqlSession> current = session;
    if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
      current.join().close();
    }
  }
}
