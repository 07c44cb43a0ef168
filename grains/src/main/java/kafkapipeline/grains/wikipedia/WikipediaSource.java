package kafkapipeline.grains.wikipedia;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import kafkapipeline.api.Topics;
import kafkapipeline.api.grains.WikipediaProtocol;
import kafkapipeline.api.grains.WikipediaProtocol.Command;
import kafkapipeline.api.grains.WikipediaProtocol.GetStatus;
import kafkapipeline.api.grains.WikipediaProtocol.Status;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.cassandra.StreamPositionStore;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import kafkapipeline.grains.wikipedia.RecentChangeFrames.Frame;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;

/**
 * Wikipedia recent changes: one per cluster (a cluster singleton) reading Wikimedia EventStreams
 * over SSE and publishing each change to topic {@code wikipedia}, keyed by the event's {@code
 * meta.id}, as the JSON the server sent.
 *
 * <p>Guarantees: the stream position ({@code Last-Event-ID}) is saved in Cassandra only after Kafka
 * acknowledged every event before it, and every connection resumes from the saved position, also on
 * another silo after this one dies. A failure therefore re-reads at most the last unsaved batch,
 * whose rows are the same rows again (keyed by event id); nothing is skipped. Canary events are
 * discarded. A message that is not a usable change (not JSON, not an object, no wiki or {@code
 * meta.id}) is counted as malformed, and an event over the SSE event limit or over {@link
 * Topics#MAX_EVENT_BYTES} as oversize; each is published as one dead-letter marker ({@link
 * KeyedRecord#deadLetter}, keyed by its {@code meta.id}, else its SSE id), so it ends in {@code
 * dead_letters} and the position moves past it: no input makes the source read the same event
 * forever. An id without data moves the position too. A refused connection (429, 5xx, anything but
 * 200), a network failure, a server-side close or a failed publish or save all end the connection;
 * the source then reconnects after an exponential, jittered backoff (reset by the first batch that
 * gets through), waiting at least {@code Retry-After} and the server's last {@code retry:} (kept
 * within the backoff bounds). One batch is in flight at a time, so a slow broker slows the reading
 * instead of piling up events.
 */
public final class WikipediaSource extends AbstractBehavior<WikipediaProtocol.Command> {
  public static final String SOURCE = "wikipedia";
  private static final Duration RATE_WINDOW = Duration.ofSeconds(60);

  enum Connect implements Command {
    INSTANCE
  }

  private enum LoadPosition implements Command {
    INSTANCE
  }

  private record PositionLoaded(Optional<String> position) implements Command {}

  private record Connected(long connection, CompletionStage<SseConnection.Outcome> outcome)
      implements Command {}

  private record Ended(long connection, SseConnection.Outcome outcome) implements Command {}

  private record Progress(long connection, Batch batch) implements Command {}

  private record Streaming(long connection) implements Command {}

  /** The server's {@code retry:}: its reconnection time. */
  private record ServerRetry(long connection, Duration retry) implements Command {}

  /** What one published batch held, and the position saved after it. */
  record Batch(
      int published,
      int canaries,
      int malformed,
      int oversize,
      List<String> serverErrors,
      Optional<String> position) {
    int records() {
      return published + malformed + oversize;
    }
  }

  private record Failed(long connection, String reason, Duration retryAfter) implements Command {}

  /** The cluster singleton's name (it runs on the oldest silo). */
  public static final String SINGLETON_NAME = "wikipedia-source";

  public static ActorRef<Command> init(
      ActorSystem<?> system,
      WikipediaSettings settings,
      EventPublisher publisher,
      StreamPositionStore positions,
      PipelineMetrics metrics) {
    return kafkapipeline.grains.SourceSingleton.init(
        system, create(settings, publisher, positions, metrics), SINGLETON_NAME);
  }

  public static Behavior<Command> create(
      WikipediaSettings settings,
      EventPublisher publisher,
      StreamPositionStore positions,
      PipelineMetrics metrics) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new WikipediaSource(ctx, timers, settings, publisher, positions, metrics)));
  }

  private final TimerScheduler<Command> timers;
  private final WikipediaSettings settings;
  private final EventPublisher publisher;
  private final StreamPositionStore positions;
  private final PipelineMetrics metrics;
  private final SseConnection sse;
  private final ArrayDeque<long[]> recent = new ArrayDeque<>(); // {epoch millis, events}
  private String state;
  private Optional<String> position = Optional.empty();
  private long connection; // which connection's messages are current
  private SharedKillSwitch killSwitch;
  private int failures;
  private long published, canaries, malformed, oversize, serverErrors, connections;
  private Optional<Duration> serverRetry = Optional.empty();
  private Instant lastEventTime;
  private String lastError;

  private WikipediaSource(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      WikipediaSettings settings,
      EventPublisher publisher,
      StreamPositionStore positions,
      PipelineMetrics metrics) {
    super(ctx);
    this.timers = timers;
    this.settings = settings;
    this.publisher = publisher;
    this.positions = positions;
    this.metrics = metrics;
    this.sse = new SseConnection(ctx.getSystem(), settings);
    if (settings.enabled()) {
      state = "starting";
      loadPosition();
    } else {
      state = "disabled";
    }
  }

  private void loadPosition() {
    getContext()
        .pipeToSelf(
            positions.load(SOURCE),
            (p, error) ->
                error == null
                    ? new PositionLoaded(p)
                    : new Failed(
                        connection, "cannot read the stream position: " + error, Duration.ZERO));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(PositionLoaded.class, this::onPositionLoaded)
        .onMessageEquals(Connect.INSTANCE, this::onConnect)
        .onMessageEquals(
            LoadPosition.INSTANCE,
            () -> {
              loadPosition();
              return this;
            })
        .onMessage(Connected.class, this::onConnected)
        .onMessage(Progress.class, this::onProgress)
        .onMessage(
            Streaming.class,
            streaming -> {
              if (streaming.connection() == connection) state = "streaming";
              return this;
            })
        .onMessage(
            ServerRetry.class,
            retry -> {
              if (retry.connection() == connection) serverRetry = Optional.of(retry.retry());
              return this;
            })
        .onMessage(Ended.class, this::onEnded)
        .onMessage(Failed.class, this::onFailed)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onSignal(
            PostStop.class,
            signal -> {
              if (killSwitch != null) killSwitch.shutdown();
              return this;
            })
        .build();
  }

  private Behavior<Command> onPositionLoaded(PositionLoaded loaded) {
    position = loaded.position();
    getContext()
        .getLog()
        .info(
            "Wikipedia stream starts {}",
            position.map(p -> "after " + p).orElse("at the live edge"));
    return onConnect();
  }

  private Behavior<Command> onConnect() {
    long id = ++connection;
    connections++;
    state = "connecting";
    killSwitch = KillSwitches.shared("wikipedia-" + id);
    ActorRef<Command> self = getContext().getSelf();
    CompletionStage<SseConnection.Outcome> outcome =
        sse.open(
            position,
            killSwitch,
            () -> self.tell(new Streaming(id)),
            retry -> self.tell(new ServerRetry(id, retry)),
            frames ->
                publish(frames)
                    .thenApply(
                        batch -> {
                          self.tell(new Progress(id, batch));
                          return batch;
                        }));
    getContext().getSelf().tell(new Connected(id, outcome));
    return this;
  }

  private Behavior<Command> onConnected(Connected connected) {
    if (connected.connection() != connection) return this;
    getContext()
        .pipeToSelf(
            connected.outcome(),
            (outcome, error) ->
                error == null
                    ? new Ended(connected.connection(), outcome)
                    : new Failed(
                        connected.connection(),
                        "stream failed: " + SseConnection.describe(error),
                        Duration.ZERO));
    return this;
  }

  /** Publishes one batch and then saves the position after it; fails if either fails. */
  private CompletionStage<Batch> publish(List<Frame> frames) {
    List<KeyedRecord> records = new ArrayList<>();
    int canaryCount = 0;
    int malformedCount = 0;
    int oversizeCount = 0;
    List<String> errors = new ArrayList<>();
    Optional<String> last = Optional.empty();
    for (Frame frame : frames) {
      if (frame instanceof RecentChangeFrames.Change c) {
        records.add(new KeyedRecord(c.key(), c.json()));
      } else if (frame instanceof RecentChangeFrames.Canary) {
        canaryCount++;
      } else if (frame instanceof RecentChangeFrames.Malformed m) {
        malformedCount++;
        records.add(KeyedRecord.deadLetter(m.key(), m.data(), m.reason()));
      } else if (frame instanceof RecentChangeFrames.Oversize o) {
        oversizeCount++;
        records.add(KeyedRecord.deadLetter(o.key(), o.head(), o.reason()));
      } else if (frame instanceof RecentChangeFrames.ServerError e) {
        errors.add(e.message());
      }
      // PositionOnly: nothing to publish, only the position below.
      if (frame.position().isPresent()) last = frame.position();
    }
    Batch batch =
        new Batch(
            records.size() - malformedCount - oversizeCount,
            canaryCount,
            malformedCount,
            oversizeCount,
            errors,
            last);
    CompletionStage<Void> sent =
        records.isEmpty()
            ? CompletableFuture.completedFuture(null)
            : publisher.publish(Topics.WIKIPEDIA, records);
    Optional<String> saveAt = last;
    return sent.thenCompose(
            done ->
                saveAt.isPresent()
                    ? positions.save(SOURCE, saveAt.get())
                    : CompletableFuture.<Void>completedFuture(null))
        .thenApply(done -> batch);
  }

  private Behavior<Command> onProgress(Progress progress) {
    if (progress.connection() != connection) return this;
    Batch b = progress.batch();
    state = "streaming";
    failures = 0;
    b.position().ifPresent(p -> position = Optional.of(p));
    published += b.published();
    canaries += b.canaries();
    malformed += b.malformed();
    oversize += b.oversize();
    metrics.add(SOURCE, PipelineMetrics.PRODUCED, b.records());
    if (b.malformed() > 0) metrics.add(SOURCE, PipelineMetrics.MALFORMED_EVENTS, b.malformed());
    if (b.oversize() > 0) {
      metrics.add(SOURCE, PipelineMetrics.OVERSIZE_EVENTS, b.oversize());
      getContext()
          .getLog()
          .warn("Wikipedia stream: {} oversize event(s) published as dead letters", b.oversize());
    }
    if (!b.serverErrors().isEmpty()) {
      serverErrors += b.serverErrors().size();
      lastError =
          "server sent an error event: " + b.serverErrors().get(b.serverErrors().size() - 1);
      getContext().getLog().warn("Wikipedia stream: {}", lastError);
    }
    if (b.records() > 0) {
      lastEventTime = Instant.now();
      recent.addLast(new long[] {lastEventTime.toEpochMilli(), b.records()});
    }
    return this;
  }

  private Behavior<Command> onEnded(Ended ended) {
    if (ended.connection() != connection) return this;
    if (ended.outcome() instanceof SseConnection.Refused refused) {
      return retryLater(refused.reason(), refused.retryAfter(), Connect.INSTANCE);
    }
    return retryLater("the server closed the stream", Duration.ZERO, Connect.INSTANCE);
  }

  private Behavior<Command> onFailed(Failed failed) {
    if (failed.connection() != connection) return this;
    // Without its position the source must not start at the live edge: read it again first.
    Command next = state.equals("starting") ? LoadPosition.INSTANCE : Connect.INSTANCE;
    return retryLater(failed.reason(), failed.retryAfter(), next);
  }

  /** Ends the current connection and sends {@code next} after the backoff. */
  private Behavior<Command> retryLater(String reason, Duration retryAfter, Command next) {
    if (killSwitch != null) killSwitch.shutdown();
    connection++; // late messages of the old connection are ignored from now on
    failures++;
    metrics.increment(SOURCE, "reconnects");
    long wait =
        reconnectWaitMillis(
            settings, failures, retryAfter, serverRetry, ThreadLocalRandom.current().nextDouble());
    lastError = reason;
    if (!state.equals("starting")) state = "backing off";
    getContext().getLog().warn("Wikipedia stream: {}; trying again in {} ms", reason, wait);
    timers.startSingleTimer(next, Duration.ofMillis(wait));
    return this;
  }

  /**
   * The wait before reconnecting after {@code failures} failures in a row: exponential from min
   * backoff, jittered by {@code jitter} (in [0, 1)) over its upper half, capped at max backoff;
   * never less than {@code Retry-After}, nor than the server's {@code retry:} kept within the
   * backoff bounds.
   */
  static long reconnectWaitMillis(
      WikipediaSettings settings,
      int failures,
      Duration retryAfter,
      Optional<Duration> serverRetry,
      double jitter) {
    long min = settings.minBackoff().toMillis();
    long max = settings.maxBackoff().toMillis();
    long exp = Math.min(max, min << Math.min(Math.max(failures, 1) - 1, 20));
    long backoff = exp / 2 + (long) (jitter * (exp / 2 + 1));
    long asked = serverRetry.map(r -> Math.min(max, Math.max(min, r.toMillis()))).orElse(0L);
    return Math.max(retryAfter.toMillis(), Math.max(backoff, asked));
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    long now = System.currentTimeMillis();
    while (!recent.isEmpty() && recent.peekFirst()[0] < now - RATE_WINDOW.toMillis())
      recent.removeFirst();
    long inWindow = recent.stream().mapToLong(e -> e[1]).sum();
    get.replyTo()
        .tell(
            new Status(
                state,
                inWindow / (double) RATE_WINDOW.toSeconds(),
                lastEventTime,
                published,
                canaries,
                malformed,
                oversize,
                serverErrors,
                connections,
                position.orElse(null),
                lastError));
    return this;
  }
}
