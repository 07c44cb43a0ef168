package kafkapipeline.silo;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeMetadataQuorumOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Every Kafka broker and Cassandra node this silo knows of, with its state as this silo sees it,
 * the keyspace's replication and the configured consistency levels: what {@code /api/health},
 * {@code /metrics} and the dashboard show.
 *
 * <p>The Cassandra part is read from the driver's metadata (node states, schema), which the driver
 * keeps current by itself: it sends no query and is always as of now. The Kafka part needs three
 * admin requests (cluster, metadata quorum, the pipeline topics); {@link #view} starts one refresh
 * when none is running and answers within {@link Connections#PROBE_ANSWER_WITHIN} with it, or else
 * with the last one (its {@code asOf} says when it was gathered), so a Kafka that is gone never
 * makes a caller wait; the refresh goes on in the background for the next caller. Before the first
 * refresh completes, the bootstrap brokers are listed as {@code unknown}. Never fails: a request
 * that fails or times out (after {@link #REFRESH_TIMEOUT}) leaves the brokers down (none answered)
 * or the parts it was to tell as last known (replica ids of a topic, the controller).
 */
final class EngineView {
  static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(3);

  /**
   * Kafka as this silo saw it at {@code asOf}; {@code controller}: the active KRaft controller's
   * id, null if unknown.
   */
  record KafkaView(
      Instant asOf,
      boolean answered,
      String detail,
      Integer controller,
      List<KafkaBrokers.Broker> brokers) {}

  /** The consistency levels of writes and reads, and where they are set. */
  record Consistency(String write, String read, String source) {
    /**
     * The silo's configured levels (the driver's profiles are built from them, {@link
     * kafkapipeline.grains.cassandra.Consistency}).
     */
    static Consistency of(kafkapipeline.grains.cassandra.Consistency.Levels levels) {
      return new Consistency(
          levels.write().name(),
          levels.read().name(),
          "pipeline.cassandra.write-consistency / read-consistency");
    }
  }

  /**
   * Cassandra as the driver's metadata describes it now; {@code connected} false (and no
   * replication) until the session opens, the contact points then listed as unknown.
   */
  record CassandraView(
      boolean connected,
      List<CassandraNodes.NodeView> nodes,
      String keyspace,
      CassandraNodes.Replication replication,
      Consistency consistency) {}

  record Engines(KafkaView kafka, CassandraView cassandra) {}

  private final Admin admin;
  private final java.util.function.Supplier<List<String>> topics;
  private final List<String> bootstrap;
  private final List<String> contactPoints;
  private final String keyspace;
  private final String localDatacenter;
  private final Supplier<Optional<CqlSession>> session;
  private final Consistency consistency;
  private final Clock clock;
  private final Map<String, String> resolved = new ConcurrentHashMap<>();

  // Guarded by this: the refresh in flight and what the refreshes have learnt.
  private CompletableFuture<KafkaView> inFlight;
  private final Map<Integer, String> seen = new HashMap<>();
  private final Map<String, Set<Integer>> replicaIds = new TreeMap<>();
  private Integer lastController;
  private volatile KafkaView last;

  EngineView(
      Admin admin,
      java.util.function.Supplier<List<String>> topics,
      String bootstrapServers,
      List<InetSocketAddress> contactPoints,
      String keyspace,
      String localDatacenter,
      Supplier<Optional<CqlSession>> session,
      Consistency consistency,
      Clock clock) {
    this.admin = admin;
    this.topics = topics;
    this.bootstrap = HostPorts.list(bootstrapServers, "pipeline.kafka.bootstrap-servers");
    this.contactPoints =
        contactPoints.stream().map(a -> a.getHostString() + ":" + a.getPort()).toList();
    this.keyspace = keyspace;
    this.localDatacenter = localDatacenter;
    this.session = session;
    this.consistency = consistency;
    this.clock = clock;
    this.last =
        new KafkaView(
            clock.instant(),
            false,
            "no answer from Kafka yet",
            null,
            bootstrap.stream()
                .sorted()
                .map(a -> new KafkaBrokers.Broker(null, a, KafkaBrokers.UNKNOWN, false))
                .toList());
  }

  /** The engines now; see the class comment for how long it may take and what it gives then. */
  CompletionStage<Engines> view() {
    CompletableFuture<KafkaView> refresh;
    synchronized (this) {
      if (inFlight == null || inFlight.isDone()) inFlight = refresh();
      refresh = inFlight;
    }
    // A future of our own, so the timeout never completes the shared refresh.
    CompletableFuture<KafkaView> answer = new CompletableFuture<>();
    refresh.whenComplete((k, e) -> answer.complete(k));
    return answer
        .completeOnTimeout(null, Connections.PROBE_ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(k -> new Engines(k != null ? k : last, cassandra()));
  }

  CassandraView cassandra() {
    Optional<CqlSession> open = session.get();
    if (open.isEmpty()) {
      return new CassandraView(
          false,
          contactPoints.stream()
              .sorted()
              .map(a -> new CassandraNodes.NodeView(a, null, CassandraNodes.UNKNOWN))
              .toList(),
          keyspace,
          null,
          consistency);
    }
    Metadata metadata = open.get().getMetadata();
    CassandraNodes.Replication replication =
        metadata
            .getKeyspace(CqlIdentifier.fromInternal(keyspace))
            .map(KeyspaceMetadata::getReplication)
            .map(options -> CassandraNodes.replication(options, localDatacenter))
            .orElse(null);
    return new CassandraView(
        true,
        CassandraNodes.nodes(metadata.getNodes().values()),
        keyspace,
        replication,
        consistency);
  }

  private CompletableFuture<KafkaView> refresh() {
    int timeout = (int) REFRESH_TIMEOUT.toMillis();
    CompletableFuture<Map<Integer, String>> nodes =
        own(admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeout)).nodes())
            // Our own bound too, in case the client lets the call run to its default API timeout
            // (10 s).
            .orTimeout(timeout + 1000, TimeUnit.MILLISECONDS)
            .thenApply(
                list -> {
                  Map<Integer, String> out = new TreeMap<>();
                  for (Node n : list) out.put(n.id(), n.host() + ":" + n.port());
                  return out;
                });
    CompletableFuture<Integer> controller =
        own(admin
                .describeMetadataQuorum(new DescribeMetadataQuorumOptions().timeoutMs(timeout))
                .quorumInfo())
            .<Integer>thenApply(QuorumInfo::leaderId)
            .completeOnTimeout(null, timeout, TimeUnit.MILLISECONDS)
            .exceptionally(e -> null);
    Map<String, CompletableFuture<Collection<Node>>> replicas = new TreeMap<>();
    admin
        .describeTopics(topics.get(), new DescribeTopicsOptions().timeoutMs(timeout))
        .topicNameValues()
        .forEach(
            (topic, f) ->
                replicas.put(
                    topic,
                    own(f)
                        .<Collection<Node>>thenApply(EngineView::replicaNodes)
                        // Some client versions let describeTopics run to the default API timeout
                        // (10 s).
                        .completeOnTimeout(null, timeout, TimeUnit.MILLISECONDS)
                        .exceptionally(e -> null)));
    CompletableFuture<?>[] all =
        java.util.stream.Stream.concat(
                replicas.values().stream(), java.util.stream.Stream.of(controller))
            .toArray(CompletableFuture<?>[]::new);
    return nodes
        .handle(
            (live, error) ->
                CompletableFuture.allOf(all)
                    .thenApplyAsync(
                        done -> {
                          Map<String, Collection<Node>> byTopic = new TreeMap<>();
                          replicas.forEach((t, f) -> byTopic.put(t, f.join()));
                          String why =
                              error == null
                                  ? null
                                  : error instanceof java.util.concurrent.TimeoutException
                                      ? "no answer within " + (timeout + 1000) + " ms"
                                      : Connections.reason(error);
                          return learn(live, why, controller.join(), byTopic);
                        }))
        .thenCompose(f -> f);
  }

  /**
   * A plain future of our own: the Kafka client's futures refuse to be completed (timed out) by
   * anyone else.
   */
  private static <T> CompletableFuture<T> own(KafkaFuture<T> kafka) {
    CompletableFuture<T> out = new CompletableFuture<>();
    kafka.whenComplete(
        (value, error) -> {
          if (error != null) out.completeExceptionally(error);
          else out.complete(value);
        });
    return out;
  }

  private static Collection<Node> replicaNodes(TopicDescription d) {
    List<Node> out = new ArrayList<>();
    for (TopicPartitionInfo p : d.partitions()) out.addAll(p.replicas());
    return out;
  }

  /** Folds one refresh's answers into what is known and gives the resulting view. */
  private synchronized KafkaView learn(
      Map<Integer, String> live,
      String error,
      Integer controller,
      Map<String, Collection<Node>> byTopic) {
    if (live != null) {
      for (var e : live.entrySet()) {
        seen.values().removeIf(e.getValue()::equals);
        seen.put(e.getKey(), e.getValue());
      }
      if (controller != null) lastController = controller;
    }
    byTopic.forEach(
        (topic, nodes) -> {
          if (nodes == null) return; // not answered or not there (yet): keep what was known
          Set<Integer> ids = new TreeSet<>();
          for (Node n : nodes) {
            ids.add(n.id());
            // An offline replica comes without host (""), port -1.
            if (!n.host().isEmpty() && n.port() > 0 && !seen.containsKey(n.id()))
              seen.put(n.id(), n.host() + ":" + n.port());
          }
          replicaIds.put(topic, ids);
        });
    Set<Integer> allReplicas = new TreeSet<>();
    replicaIds.values().forEach(allReplicas::addAll);
    Collection<String> addresses = live != null ? live.values() : seen.values();
    List<String> seeds = bootstrap.stream().map(b -> asAdvertised(b, addresses)).toList();
    Optional<KafkaBrokers.Live> answered =
        live == null
            ? Optional.empty()
            : Optional.of(
                new KafkaBrokers.Live(live, controller != null ? controller : lastController));
    List<KafkaBrokers.Broker> brokers = KafkaBrokers.merge(seeds, answered, allReplicas, seen);
    String detail =
        live == null
            ? error
            : brokers.stream().filter(b -> b.state().equals(KafkaBrokers.UP)).count()
                + " of "
                + brokers.size()
                + " broker(s) up";
    KafkaView view =
        new KafkaView(
            clock.instant(),
            live != null,
            detail,
            answered.map(KafkaBrokers.Live::controller).orElse(null),
            brokers);
    last = view;
    return view;
  }

  /**
   * A bootstrap address written as a broker advertises itself when both name the same address
   * ("localhost:9092" and "127.0.0.1:9092"), so the two count as one broker; else as it is.
   */
  private String asAdvertised(String bootstrapAddress, Collection<String> advertised) {
    String key = key(bootstrapAddress);
    for (String a : advertised) if (key(a).equals(key)) return a;
    return bootstrapAddress;
  }

  // Names are resolved once each and remembered (also when they do not resolve): this runs off
  // the Kafka client's network thread, but should not wait on DNS at every refresh.
  private String key(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) return hostPort;
    String host = hostPort.substring(0, colon);
    String ip =
        resolved.computeIfAbsent(
            host,
            h -> {
              try {
                return InetAddress.getByName(h).getHostAddress();
              } catch (Exception unknown) {
                return h.toLowerCase(java.util.Locale.ROOT);
              }
            });
    return ip + hostPort.substring(colon);
  }
}
