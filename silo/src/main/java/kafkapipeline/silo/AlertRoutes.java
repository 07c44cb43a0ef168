package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.json;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.grains.DeclarativeSourceProtocol;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.grains.declarative.DeclarativeSource;
import kafkapipeline.silo.sources.BuiltInSource;
import kafkapipeline.silo.sources.BuiltInSources;
import kafkapipeline.silo.sources.SourceState;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/alerts}: the {@link Alerts} of this moment, computed by the asked silo from every
 * source's state (its grain asked, wherever it runs), this silo's {@link SiloHistory}, the members
 * it sees unreachable ({@link ClusterEvents} says since when) and the dead letters of table {@code
 * dead_letters_by_day} (at most {@link #DEAD_LETTERS_READ} read, the newest days first). An input
 * that does not answer (a grain, the history, Cassandra) gives no alert of its own and is logged;
 * the route still answers. 503 while the pipeline starts. Each evaluation is also kept in the
 * {@link AlertBoard} for {@code /metrics}, which the board refreshes every history interval.
 */
final class AlertRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(AlertRoutes.class);

  /**
   * At most this many dead letters are read per evaluation (the newest days' buckets first: the
   * rule asks for the last 10 minutes, which are in today's, or just after midnight yesterday's).
   */
  static final int DEAD_LETTERS_READ = 1000;

  private final ActorSystem<?> system;
  private final HttpSettings http;
  private final PipelineView pipeline;
  private final ActorRef<ClusterEvents.Command> clusterEvents;
  private final Clock clock = Clock.systemUTC();

  record AlertsView(List<Alerts.Alert> alerts) {}

  AlertRoutes(
      ActorSystem<?> system,
      HttpSettings http,
      HistorySettings history,
      PipelineView pipeline,
      ActorRef<ClusterEvents.Command> clusterEvents) {
    this.system = system;
    this.http = http;
    this.pipeline = pipeline;
    this.clusterEvents = clusterEvents;
    AlertBoard.get(system).evaluateWith(this::evaluate, history.interval());
  }

  Route routes() {
    return path("alerts", () -> get(() -> onSuccess(alerts(), r -> complete(r))));
  }

  private CompletionStage<HttpResponse> alerts() {
    if (pipeline.grains() == null) return Params.starting();
    return AlertBoard.get(system)
        .evaluate()
        .thenApply(list -> json(StatusCodes.OK, new AlertsView(list)));
  }

  /** Every alert now; empty while the pipeline starts. Never fails. */
  CompletionStage<List<Alerts.Alert>> evaluate() {
    Grains g = pipeline.grains();
    if (g == null) return CompletableFuture.completedFuture(List.of());
    CompletableFuture<List<Alerts.Source>> sources = sources(g).toCompletableFuture();
    CompletableFuture<SiloHistory.Samples> history =
        HistoryRoutes.local(system, HistoryRoutes.MAX_MINUTES)
            .toCompletableFuture()
            .exceptionally(e -> soft("the history", e, null));
    CompletableFuture<List<Alerts.Unreachable>> unreachable = unreachable().toCompletableFuture();
    CompletableFuture<List<Alerts.DeadLetter>> letters = deadLetters(g).toCompletableFuture();
    return CompletableFuture.allOf(sources, history, unreachable, letters)
        .thenApply(
            done ->
                Alerts.all(
                    sources.join(),
                    history.join(),
                    unreachable.join(),
                    letters.join(),
                    clock.instant()));
  }

  /** Every source of the registry with its last event and expected interval, asked in parallel. */
  private CompletionStage<List<Alerts.Source>> sources(Grains g) {
    Duration timeout = http.askTimeout();
    List<CompletableFuture<Alerts.Source>> each = new ArrayList<>();
    for (BuiltInSource source : BuiltInSources.ALL) {
      BuiltInSource.Running running = g.sources().get(source.info().name());
      if (running == null) continue;
      each.add(
          running
              .state(timeout)
              .thenApply(s -> source(source.info().name(), s))
              .toCompletableFuture());
    }
    for (SourceSpec spec : g.registry().declarative()) {
      each.add(
          ClusterSharding.get(system)
              .entityRefFor(DeclarativeSource.TYPE_KEY, spec.name())
              .<DeclarativeSourceProtocol.Status>ask(
                  DeclarativeSourceProtocol.GetStatus::new, timeout)
              .handle(
                  (s, e) ->
                      e != null
                          ? soft(
                              "source " + spec.name(),
                              e,
                              new Alerts.Source(spec.name(), null, null))
                          : declarative(spec, s))
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(done -> each.stream().map(CompletableFuture::join).toList());
  }

  private static Alerts.Source source(String name, SourceState s) {
    return new Alerts.Source(name, s.lastEventTime(), s.expectedInterval());
  }

  /**
   * A declarative source is expected to publish every interval of its spec (an sse one: 60 s, the
   * spec's default) unless stopped.
   */
  static Alerts.Source declarative(SourceSpec spec, DeclarativeSourceProtocol.Status s) {
    boolean expected = s.state() != DeclarativeSourceProtocol.State.STOPPED;
    return new Alerts.Source(
        spec.name(), s.lastEventAt(), expected ? spec.intervalOrDefault() : null);
  }

  private CompletionStage<List<Alerts.Unreachable>> unreachable() {
    List<String> addresses = new ArrayList<>();
    for (Member m : Cluster.get(system).state().getUnreachable())
      addresses.add(m.address().hostPort());
    if (addresses.isEmpty()) return CompletableFuture.completedFuture(List.of());
    return AskPattern.<ClusterEvents.Command, List<ClusterEvents.Event>>ask(
            clusterEvents, ClusterEvents.Get::new, http.askTimeout(), system.scheduler())
        .exceptionally(e -> soft("the cluster events", e, List.of()))
        .thenApply(events -> unreachableSince(addresses, events));
  }

  /** Each address with the newest "unreachable" event of it (events come newest first). */
  static List<Alerts.Unreachable> unreachableSince(
      List<String> addresses, List<ClusterEvents.Event> events) {
    List<Alerts.Unreachable> out = new ArrayList<>();
    for (String a : addresses) {
      Instant seen =
          events.stream()
              .filter(e -> e.silo().equals(a) && e.event().equals("unreachable"))
              .map(ClusterEvents.Event::at)
              .findFirst()
              .orElse(null);
      out.add(new Alerts.Unreachable(a, seen));
    }
    return out;
  }

  /** Topic and time of up to DEAD_LETTERS_READ dead letters, newest days first, no payloads. */
  private CompletionStage<List<Alerts.DeadLetter>> deadLetters(Grains g) {
    if (g.deadLetters() == null) return CompletableFuture.completedFuture(List.of());
    return g.deadLetters()
        .failures(DEAD_LETTERS_READ)
        .thenApply(
            list ->
                list.stream()
                    .map(l -> new Alerts.DeadLetter(l.head().topic(), l.head().failedAt()))
                    .toList())
        .exceptionally(e -> soft("the dead letters", e, List.of()));
  }

  private static <T> T soft(String what, Throwable e, T instead) {
    log.warn("Alerts: {} did not answer, no alert of it this time: {}", what, e.toString());
    return instead;
  }
}
