package kafkapipeline.silo;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.profile.GrainProfile;
import kafkapipeline.grains.profile.GrainProfiler;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: this silo's figures in the Prometheus text exposition format 0.0.4,
 * gathered when scraped: pipeline counters by group and name, the grains' handling times ({@link
 * #profile}), heap, process CPU, uptime, cluster members by status as this silo sees them, the
 * persisters' consumer lag per topic and partition, and the engines ({@link EngineView}): each
 * Kafka broker and Cassandra node up (1) or not (0), the keyspace's replication factor and the
 * consistency levels. If Kafka does not answer, the lag series are left out and {@code
 * pipeline_kafka_lag_up} is 0, and the brokers are as last seen ({@code
 * pipeline_kafka_view_age_seconds} says how long ago); everything else is always there.
 */
final class MetricsRoutes extends AllDirectives {
  static final ContentType CONTENT_TYPE =
      ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

  private final ActorSystem<?> system;
  private final PipelineMetrics metrics;
  private final KafkaLag lag;
  private final EngineView engines;

  MetricsRoutes(ActorSystem<?> system, PipelineMetrics metrics, KafkaLag lag, EngineView engines) {
    this.system = system;
    this.metrics = metrics;
    this.lag = lag;
    this.engines = engines;
  }

  Route routes() {
    return path("metrics", () -> get(() -> onSuccess(scrape(), r -> complete(r))));
  }

  private CompletionStage<HttpResponse> scrape() {
    CompletionStage<EngineView.Engines> seen = engines.view();
    return lag.lagOfEverySource()
        .handle((partitions, error) -> error == null ? partitions : null)
        .thenCombine(
            seen,
            (partitions, view) -> {
              StringBuilder out = new StringBuilder(4096);
              counters(out);
              profile(out, GrainProfiler.global().snapshot());
              jvm(out);
              members(out);
              lag(out, partitions);
              engines(out, view, java.time.Instant.now());
              alerts(out, AlertBoard.get(system).current());
              logEvents(out);
              return HttpResponse.create()
                  .withEntity(
                      HttpEntities.create(
                          CONTENT_TYPE,
                          out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            });
  }

  private void counters(StringBuilder out) {
    header(
        out,
        "pipeline_events_total",
        "counter",
        "Pipeline counters of this silo since it started, by group and name.");
    metrics
        .snapshot()
        .forEach(
            (group, names) ->
                names.forEach(
                    (name, value) ->
                        sample(
                            out,
                            "pipeline_events_total",
                            Map.of("group", group, "name", name),
                            value)));
  }

  /**
   * The grain profile: a histogram of handling seconds per grain type and message (cumulative
   * buckets, as the format wants), failures per grain type and message, active grains per type.
   */
  static void profile(StringBuilder out, GrainProfile profile) {
    String h = "pipeline_grain_handling_seconds";
    header(
        out,
        h,
        "histogram",
        "Time grains of this silo took to handle a message, by grain type and message class.");
    for (GrainProfile.Entry e : profile.grains()) {
      long cumulative = 0;
      for (int i = 0; i < e.buckets().size(); i++) {
        cumulative += e.buckets().get(i);
        String le =
            i < profile.boundsMicros().size() ? seconds(profile.boundsMicros().get(i)) : "+Inf";
        sample(
            out,
            h + "_bucket",
            Map.of("grain", e.grain(), "message", e.message(), "le", le),
            cumulative);
      }
      Map<String, String> labels = Map.of("grain", e.grain(), "message", e.message());
      sample(out, h + "_sum", labels, e.nanos() / 1e9);
      sample(out, h + "_count", labels, e.messages());
    }
    header(
        out,
        "pipeline_grain_failures_total",
        "counter",
        "Messages whose handler threw, or that the grain reported failed, by grain type and message class.");
    for (GrainProfile.Entry e : profile.grains())
      sample(
          out,
          "pipeline_grain_failures_total",
          Map.of("grain", e.grain(), "message", e.message()),
          e.failures());
    header(
        out,
        "pipeline_grain_active",
        "gauge",
        "Grain instances active on this silo (started minus stopped), by grain type.");
    profile
        .active()
        .forEach((grain, n) -> sample(out, "pipeline_grain_active", Map.of("grain", grain), n));
  }

  /** A bound in microseconds as seconds, exactly (1 -> 0.000001, 50000 -> 0.05). */
  private static String seconds(long micros) {
    return java.math.BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
  }

  private static void jvm(StringBuilder out) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    header(out, "jvm_memory_heap_used_bytes", "gauge", "Heap in use.");
    sample(out, "jvm_memory_heap_used_bytes", Map.of(), heap.getUsed());
    header(
        out, "jvm_memory_heap_max_bytes", "gauge", "Largest heap the JVM may use (-1: undefined).");
    sample(out, "jvm_memory_heap_max_bytes", Map.of(), heap.getMax());
    header(
        out,
        "process_cpu_load_ratio",
        "gauge",
        "Recent CPU load of this process, 0..1 of all cores (-1: unknown).");
    sample(out, "process_cpu_load_ratio", Map.of(), SiloVitals.processCpu());
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      header(out, "process_cpu_seconds_total", "counter", "CPU time used by this process.");
      sample(
          out,
          "process_cpu_seconds_total",
          Map.of(),
          os.getProcessCpuTime() / (double) TimeUnit.SECONDS.toNanos(1));
    }
    header(out, "process_uptime_seconds", "gauge", "Time since this silo's JVM started.");
    sample(
        out,
        "process_uptime_seconds",
        Map.of(),
        ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
  }

  private void members(StringBuilder out) {
    Map<String, Long> byStatus = new TreeMap<>();
    for (Member m : Cluster.get(system).state().getMembers())
      byStatus.merge(m.status().toString(), 1L, Long::sum);
    header(
        out,
        "pipeline_cluster_members",
        "gauge",
        "Cluster members as this silo sees them, by status.");
    byStatus.forEach(
        (status, n) -> sample(out, "pipeline_cluster_members", Map.of("status", status), n));
  }

  private static void lag(StringBuilder out, List<KafkaLag.PartitionLag> partitions) {
    header(
        out,
        "pipeline_kafka_lag_up",
        "gauge",
        "1 if Kafka answered the lag queries of this scrape.");
    sample(out, "pipeline_kafka_lag_up", Map.of(), partitions == null ? 0 : 1);
    if (partitions == null) return;
    header(
        out,
        "pipeline_kafka_consumer_lag",
        "gauge",
        "End offset minus the persister group's committed offset.");
    for (KafkaLag.PartitionLag p : partitions)
      sample(out, "pipeline_kafka_consumer_lag", labels(p), p.lag());
    header(out, "pipeline_kafka_end_offset", "gauge", "The partition's end offset.");
    for (KafkaLag.PartitionLag p : partitions)
      sample(out, "pipeline_kafka_end_offset", labels(p), p.endOffset());
  }

  /** The engines' gauges; a state other than up (down, unknown) is 0. */
  static void engines(StringBuilder out, EngineView.Engines view, java.time.Instant now) {
    header(
        out,
        "pipeline_kafka_broker_up",
        "gauge",
        "1 if this silo sees the Kafka broker live, else 0 (broker: its id, empty if known by address only).");
    for (KafkaBrokers.Broker b : view.kafka().brokers()) {
      sample(
          out,
          "pipeline_kafka_broker_up",
          Map.of(
              "broker",
              b.id() == null ? "" : String.valueOf(b.id()),
              "address",
              b.address() == null ? "" : b.address()),
          KafkaBrokers.UP.equals(b.state()) ? 1 : 0);
    }
    header(
        out,
        "pipeline_kafka_controller",
        "gauge",
        "Id of the active KRaft controller as last seen (absent: unknown).");
    if (view.kafka().controller() != null)
      sample(out, "pipeline_kafka_controller", Map.of(), view.kafka().controller());
    header(
        out,
        "pipeline_kafka_view_age_seconds",
        "gauge",
        "Age of the brokers' states: 0 when Kafka answered this scrape in time.");
    sample(
        out,
        "pipeline_kafka_view_age_seconds",
        Map.of(),
        Math.max(0, java.time.Duration.between(view.kafka().asOf(), now).toMillis() / 1000.0));
    EngineView.CassandraView c = view.cassandra();
    header(
        out,
        "pipeline_cassandra_node_up",
        "gauge",
        "1 if the driver sees the Cassandra node up, else 0 (down or unknown).");
    for (CassandraNodes.NodeView n : c.nodes()) {
      sample(
          out,
          "pipeline_cassandra_node_up",
          Map.of("node", n.address(), "datacenter", n.datacenter() == null ? "" : n.datacenter()),
          CassandraNodes.UP.equals(n.state()) ? 1 : 0);
    }
    if (c.replication() != null && c.replication().replicationFactor() != null) {
      header(
          out,
          "pipeline_cassandra_replication_factor",
          "gauge",
          "Replication factor of the pipeline's keyspace (NetworkTopologyStrategy: in the local datacenter).");
      sample(
          out,
          "pipeline_cassandra_replication_factor",
          Map.of("keyspace", c.keyspace(), "strategy", c.replication().strategy()),
          c.replication().replicationFactor());
    }
    header(
        out,
        "pipeline_cassandra_consistency_info",
        "gauge",
        "The configured consistency level of the pipeline's writes and reads (always 1).");
    sample(
        out,
        "pipeline_cassandra_consistency_info",
        Map.of("operation", "write", "level", c.consistency().write()),
        1);
    sample(
        out,
        "pipeline_cassandra_consistency_info",
        Map.of("operation", "read", "level", c.consistency().read()),
        1);
  }

  /**
   * The alerts as last evaluated ({@link AlertBoard}): one {@code pipeline_alert} of 1 per active
   * alert, and {@code pipeline_alerts} for every kind, 0 included.
   */
  static void alerts(StringBuilder out, List<Alerts.Alert> alerts) {
    header(out, "pipeline_alert", "gauge", "1 for each active alert, by kind and subject.");
    for (Alerts.Alert a : alerts)
      sample(out, "pipeline_alert", Map.of("kind", a.kind(), "subject", a.subject()), 1);
    header(out, "pipeline_alerts", "gauge", "Active alerts of each kind (every kind, 0 included).");
    Alerts.counts(alerts)
        .forEach((kind, n) -> sample(out, "pipeline_alerts", Map.of("kind", kind), n));
  }

  /** This silo's log events since start by level ({@link kafkapipeline.silo.logs.LogRing}). */
  static void logEvents(StringBuilder out) {
    var counts = kafkapipeline.silo.logs.RingAppender.RING.counts();
    header(
        out,
        "pipeline_log_events_total",
        "counter",
        "Log events of this silo since it started, by level (also those its ring no longer holds).");
    for (var level : kafkapipeline.silo.logs.LogLevel.values())
      sample(out, "pipeline_log_events_total", Map.of("level", level.name()), counts.of(level));
  }

  private static Map<String, String> labels(KafkaLag.PartitionLag p) {
    return Map.of(
        "topic",
        p.topic(),
        "partition",
        String.valueOf(p.partition()),
        "group",
        KafkaLag.group(p.topic()));
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** One sample line; label values escaped as the format requires (backslash, quote, newline). */
  static void sample(StringBuilder out, String name, Map<String, String> labels, double value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{');
      String sep = "";
      for (var e : new TreeMap<>(labels).entrySet()) {
        String v = e.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        out.append(sep).append(e.getKey()).append("=\"").append(v).append('"');
        sep = ",";
      }
      out.append('}');
    }
    out.append(' ');
    if (value == Math.rint(value) && Math.abs(value) < 1e15) out.append((long) value);
    else out.append(value);
    out.append('\n');
  }
}
