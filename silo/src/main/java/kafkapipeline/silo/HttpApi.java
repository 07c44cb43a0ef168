package kafkapipeline.silo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.StreamSupport;
import kafkapipeline.grains.PipelineMetrics;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The silo's HTTP JSON API. {@code GET /api/health}: this silo, the cluster's members, whether
 * Kafka and Cassandra answer, and every broker and node with its state, the keyspace's replication
 * and the consistency ({@link EngineView}; a broker or node being down does not make the silo
 * unhealthy, as long as its servers answer); answered within {@link
 * Connections#PROBE_ANSWER_WITHIN} once a first probe has answered; 200 when this silo is Up in the
 * cluster, running its grains and reaching both servers, else 503 with the same body saying what is
 * wrong. With a token configured, a request without it gets only a {@link HealthSummary} (no
 * address of a silo, broker or node). {@code GET /api/stats}: this silo's counters. Cities,
 * sources, status, rows, data views, cluster events and Kafka lag are served by {@link CityRoutes},
 * {@link SourceRoutes}, {@link StatusRoutes}, {@link DataRoutes} and {@link ClusterRoutes}, a
 * topic's rewind by {@link TopicRoutes}; {@code /metrics} by {@link MetricsRoutes}; the dashboard
 * at {@code /} by {@link DashboardRoutes}; {@code GET /api/openapi.json} describes them all. Every
 * request passes {@link RequestChecks} (Host, Origin, state-changing requests), all but {@code
 * /api/health} and {@code /api/openapi.json} then {@link TokenAuth}. Every rejection (unknown path,
 * wrong method, malformed body, a refused request, an exception) is a JSON error ({@link
 * JsonRoutes}). If the port cannot be bound the silo exits (code 3) with the reason, rather than
 * run without its API.
 */
public final class HttpApi extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  private final ActorSystem<?> system;
  private final Connections connections;
  private final PipelineMetrics metrics;
  private final PipelineView pipeline;

  private HttpApi(
      ActorSystem<?> system,
      Connections connections,
      PipelineMetrics metrics,
      PipelineView pipeline) {
    this.system = system;
    this.connections = connections;
    this.metrics = metrics;
    this.pipeline = pipeline;
  }

  public static void start(
      ActorSystem<?> system,
      SiloSettings settings,
      Connections connections,
      PipelineMetrics metrics,
      PipelineView pipeline,
      ActorRef<ClusterEvents.Command> clusterEvents) {
    Route routes = routes(system, settings, connections, metrics, pipeline, clusterEvents);
    Http.get(system)
        .newServerAt(settings.httpHost(), settings.httpPort())
        .bind(routes)
        .whenComplete(
            (binding, error) -> {
              if (error != null) {
                log.error(
                    "Cannot serve the HTTP API on {}:{}: {}",
                    settings.httpHost(),
                    settings.httpPort(),
                    error.getMessage());
                System.exit(3);
              } else {
                log.info(
                    "HTTP API at http://{}:{}/api/health, dashboard at http://{}:{}/ (token {})",
                    settings.httpHost(),
                    settings.httpPort(),
                    settings.httpHost(),
                    settings.httpPort(),
                    settings.httpToken().isEmpty() ? "off" : "on");
              }
            });
  }

  /**
   * Every route of the silo, as {@link #start} binds them (also for tests, which call them without
   * a socket): the {@link RequestChecks} guard first, then health and the OpenAPI description
   * without a token, the rest behind {@link TokenAuth}.
   */
  static Route routes(
      ActorSystem<?> system,
      SiloSettings settings,
      Connections connections,
      PipelineMetrics metrics,
      PipelineView pipeline,
      ActorRef<ClusterEvents.Command> clusterEvents) {
    HttpApi api = new HttpApi(system, connections, metrics, pipeline);
    TokenAuth auth = new TokenAuth(settings.httpToken(), settings.http().sessionMaxAge());
    RequestChecks checks =
        new RequestChecks(
            settings.httpHost(),
            settings.httpPort(),
            settings.httpAllowedHosts(),
            !settings.httpToken().isEmpty(),
            metrics);
    CityRoutes cities =
        new CityRoutes(system, settings.weather(), settings.http(), pipeline, checks);
    KafkaLag lag = new KafkaLag(connections.kafkaAdmin(), pipeline.registry()::topics);
    RewindLog rewindLog = new ReplicatedRewindLog(system, settings.http().askTimeout());
    TopicRewind rewind =
        new TopicRewind(
            system,
            connections.kafkaAdmin(),
            rewindLog,
            settings.http().askTimeout(),
            settings.persisters().drainTimeout());
    TopicRoutes topics =
        new TopicRoutes(
            pipeline,
            checks,
            rewind,
            new RewindProgress(rewindLog, lag::lag, rewind.resumeAfter()));
    // Outermost, so the 503s of the exception and rejection handlers carry Retry-After too.
    return api.mapResponse(
        JsonRoutes::withRetryAfter,
        () ->
            api.handleExceptions(
                JsonRoutes.jsonExceptions(),
                () ->
                    api.handleRejections(
                        JsonRoutes.jsonRejections(),
                        () ->
                            checks.guard(
                                () ->
                                    api.concat(
                                        // Liveness probes carry no token: health answers them
                                        // whether this silo and its servers are up, and the
                                        // addresses only with the token. The API's description
                                        // is public (it names no address of this deployment).
                                        api.pathPrefix(
                                            "api",
                                            () ->
                                                api.concat(
                                                    auth.authorized(api::healthRoute),
                                                    api.openApiRoute())),
                                        auth.guard(
                                            () ->
                                                api.concat(
                                                    api.pathPrefix(
                                                        "api",
                                                        () ->
                                                            api.concat(
                                                                api.statsRoute(),
                                                                cities.routes(),
                                                                new StatusRoutes(
                                                                        system,
                                                                        settings.http(),
                                                                        pipeline,
                                                                        cities)
                                                                    .routes(),
                                                                new SourceRoutes(
                                                                        system,
                                                                        settings.http(),
                                                                        pipeline,
                                                                        checks)
                                                                    .routes(),
                                                                new DeclarativeSourceRoutes(
                                                                        system,
                                                                        settings.http(),
                                                                        pipeline,
                                                                        checks,
                                                                        settings
                                                                            .sourceAccess()
                                                                            .addresses())
                                                                    .routes(),
                                                                new RowRoutes(
                                                                        settings.http(),
                                                                        pipeline,
                                                                        checks)
                                                                    .routes(),
                                                                new DataRoutes(
                                                                        settings.http(), pipeline)
                                                                    .routes(),
                                                                new HistoryRoutes(
                                                                        system, settings.history())
                                                                    .routes(),
                                                                new AlertRoutes(
                                                                        system,
                                                                        settings.http(),
                                                                        settings.history(),
                                                                        pipeline,
                                                                        clusterEvents)
                                                                    .routes(),
                                                                new LogRoutes(system).routes(),
                                                                new ClusterRoutes(
                                                                        system,
                                                                        settings.http(),
                                                                        clusterEvents,
                                                                        lag)
                                                                    .routes(),
                                                                new GrainRoutes(
                                                                        system,
                                                                        settings.http(),
                                                                        pipeline,
                                                                        lag)
                                                                    .routes(),
                                                                topics.routes())),
                                                    new MetricsRoutes(
                                                            system,
                                                            metrics,
                                                            lag,
                                                            connections.engines())
                                                        .routes(),
                                                    new DashboardRoutes().routes())))))));
  }

  public record MemberView(String address, String status, List<String> roles) {}

  public record Health(
      boolean healthy,
      String silo,
      String status,
      String pipeline,
      List<MemberView> members,
      Connections.Reachability kafka,
      Connections.Reachability cassandra,
      EngineView.Engines engines) {}

  /**
   * What {@code /api/health} tells a request without the token when one is configured: up or not,
   * and why in words that name no address (no silo, member, broker or node, no probe's detail).
   */
  public record HealthSummary(
      boolean healthy, String status, String pipeline, Reached kafka, Reached cassandra) {
    static HealthSummary of(Health h) {
      return new HealthSummary(
          h.healthy(),
          h.status(),
          // "waiting for servers: <reason>": the reason is the failure's, which may name one.
          h.pipeline() == null ? null : h.pipeline().split(":", 2)[0],
          new Reached(h.kafka().reachable()),
          new Reached(h.cassandra().reachable()));
    }
  }

  /** Whether a server answered this silo's probe. */
  public record Reached(boolean reachable) {}

  public record Stats(String silo, Map<String, Map<String, Long>> counters) {}

  /** {@code GET /api/health}: the whole {@link Health} if {@code full}, else its summary. */
  Route healthRoute(boolean full) {
    return path(
        "health",
        () ->
            get(
                () ->
                    onSuccess(
                        health(),
                        h ->
                            complete(
                                h.healthy() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
                                full ? h : HealthSummary.of(h),
                                Jackson.marshaller(JsonRoutes.MAPPER)))));
  }

  /**
   * {@code GET /api/openapi.json}: the OpenAPI 3 description of every route, kept true by
   * OpenApiTest.
   */
  Route openApiRoute() {
    return path(
        "openapi.json",
        () -> get(() -> getFromResource("openapi.json", ContentTypes.APPLICATION_JSON)));
  }

  Route statsRoute() {
    return path(
        "stats",
        () -> get(() -> complete(StatusCodes.OK, stats(), Jackson.marshaller(JsonRoutes.MAPPER))));
  }

  private String self() {
    return Cluster.get(system).selfMember().address().hostPort();
  }

  private Stats stats() {
    return new Stats(self(), metrics.snapshot());
  }

  private CompletionStage<Health> health() {
    Member selfMember = Cluster.get(system).selfMember();
    List<MemberView> members =
        StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
            .map(
                m ->
                    new MemberView(
                        m.address().hostPort(), m.status().toString(), List.copyOf(m.getRoles())))
            .toList();
    CompletableFuture<Connections.Reachability> kafka =
        connections.probeKafka().toCompletableFuture();
    CompletableFuture<Connections.Reachability> cassandra =
        connections.probeCassandra().toCompletableFuture();
    CompletableFuture<EngineView.Engines> engines =
        connections.engines().view().toCompletableFuture();
    return CompletableFuture.allOf(kafka, cassandra, engines)
        .thenApply(
            done -> {
              String pipelineNow = pipeline.state();
              boolean healthy =
                  selfMember.status() == MemberStatus.up()
                      && "running".equals(pipelineNow)
                      && kafka.join().reachable()
                      && cassandra.join().reachable();
              return new Health(
                  healthy,
                  self(),
                  selfMember.status().toString(),
                  pipelineNow,
                  members,
                  kafka.join(),
                  cassandra.join(),
                  engines.join());
            });
  }
}
