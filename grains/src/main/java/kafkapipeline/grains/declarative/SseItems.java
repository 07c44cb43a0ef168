package kafkapipeline.grains.declarative;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.grains.cassandra.StreamPositionStore;
import kafkapipeline.grains.declarative.ItemExtraction.Extraction;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import kafkapipeline.grains.wikipedia.SseConnection;
import kafkapipeline.grains.wikipedia.SseDecoder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.SharedKillSwitch;

/**
 * What the events of a declarative {@code sse} source become: each decoded event one {@link Frame}
 * (its items, or the filter's drop, or a dead letter), and each batch of frames one publish
 * followed by one save of the stream position, in that order, so the saved position never runs
 * ahead of what Kafka acknowledged. Never throws on input.
 */
final class SseItems {
  private SseItems() {}

  /**
   * One event's outcome and the stream's last event id after it (empty when never set).
   *
   * @param serverError the data of an {@code event: error}, else null
   */
  record Frame(Extraction extraction, Optional<String> position, String serverError) {}

  /** What one batch published and the position saved after it. */
  record Batch(
      int published,
      int malformed,
      int filtered,
      String problem,
      List<String> serverErrors,
      Optional<String> position) {
    int records() {
      return published + malformed;
    }
  }

  private static final int MAX_ERROR_CHARS = 500;

  /**
   * The connection settings of a source's stream: batches of at most {@code batch-size} events and
   * {@code max-batch-bytes} of records (one source's share of the producer buffer), no byte for
   * {@code idle-timeout} fails the stream, and so do twice an event's and a line's limits of bytes
   * without an event ending (an endless event would otherwise hold the stream without progress).
   */
  static SseConnection.Settings connection(
      String url, Map<String, String> headers, DeclarativeSettings s) {
    return new SseConnection.Settings(
        url,
        headers,
        s.maxLineBytes(),
        s.maxEventBytes(),
        s.batchSize(),
        s.batchWindow(),
        s.maxBatchBytes(),
        s.idleTimeout(),
        2L * ((long) s.maxEventBytes() + s.maxLineBytes()));
  }

  /** What one connection of a source's stream reads and resumes from. */
  record Stream(
      String name,
      SourceSpec spec,
      Map<String, String> headers,
      DeclarativeSettings settings,
      Optional<String> position,
      SharedKillSwitch killSwitch,
      CheckedResolver resolver) {}

  /**
   * Opens one connection ({@link SseConnection}, with {@link #connection}'s bounds, to an address
   * the stream's {@link CheckedResolver} allowed): each event decoded within the item limit, each
   * batch published and then its position saved, and the batch handed to {@code onProgress} once
   * both are done.
   */
  static CompletionStage<SseConnection.Outcome> open(
      ActorSystem<?> system,
      Stream stream,
      EventPublisher publisher,
      StreamPositionStore positions,
      Runnable onStreaming,
      Consumer<Duration> onRetry,
      Consumer<Batch> onProgress) {
    DeclarativeSettings s = stream.settings();
    SourceSpec spec = stream.spec();
    return new SseConnection(
            system, connection(spec.url(), stream.headers(), s), stream.resolver().transport())
        .open(
            stream.position(),
            stream.killSwitch(),
            onStreaming,
            onRetry,
            output -> decode(output, spec, s.maxItems()),
            SseItems::weight,
            frames ->
                publish(
                        frames,
                        spec.topicOrName(),
                        positionKey(stream.name()),
                        publisher,
                        positions)
                    .thenApply(
                        batch -> {
                          onProgress.accept(batch);
                          return batch;
                        }));
  }

  /** A frame's weight in a batch: its records' keys and values. */
  static long weight(Frame frame) {
    long bytes = 0;
    for (KeyedRecord r : frame.extraction().records()) bytes += r.sizeBytes();
    return bytes;
  }

  /** Why a stream failed, and whether a bound of the settings ended it. */
  record Failure(String reason, boolean overBound) {}

  static Failure failure(Throwable error, DeclarativeSettings s) {
    Optional<CheckedResolver.RefusedAddressException> refused = CheckedResolver.refusal(error);
    if (refused.isPresent())
      return new Failure("stream failed: " + refused.get().getMessage(), false);
    for (Throwable e = error; e != null; e = e.getCause()) {
      if (e instanceof SseConnection.StreamBoundException bound)
        return new Failure("stream failed: " + bound.getMessage(), true);
      if (e instanceof java.util.concurrent.TimeoutException)
        return new Failure(
            "stream failed: no byte for "
                + s.idleTimeout().toMillis()
                + " ms (setting idle-timeout)",
            true);
    }
    return new Failure("stream failed: " + SseConnection.describe(error), false);
  }

  /** The position-store key of a source. */
  static String positionKey(String sourceName) {
    return "source:" + sourceName;
  }

  /** One decoder output's frame; an event with more than {@code maxItems} items a dead letter. */
  static Frame decode(SseDecoder.Output output, SourceSpec spec, int maxItems) {
    if (output instanceof SseDecoder.Event e) {
      Optional<String> position = position(e.lastEventId());
      if (e.type().equals("error")) {
        String message =
            e.data().length() <= MAX_ERROR_CHARS
                ? e.data()
                : e.data().substring(0, MAX_ERROR_CHARS) + "…";
        return new Frame(Extraction.NONE, position, message);
      }
      return new Frame(
          ItemExtraction.event(
              e.data().getBytes(StandardCharsets.UTF_8), spec, e.lastEventId(), maxItems),
          position,
          null);
    }
    if (output instanceof SseDecoder.Oversize o) {
      String key =
          !o.lastEventId().isEmpty() && o.lastEventId().length() <= ItemExtraction.MAX_KEY_CHARS
              ? o.lastEventId()
              : ItemExtraction.MALFORMED_KEY;
      return new Frame(
          ItemExtraction.deadLetter(key, o.head(), o.reason() + " (the SSE event limit)"),
          position(o.lastEventId()),
          null);
    }
    if (output instanceof SseDecoder.IdOnly id)
      return new Frame(Extraction.NONE, position(id.lastEventId()), null);
    // Retry never reaches here: the connection takes it.
    return new Frame(Extraction.NONE, Optional.empty(), null);
  }

  /**
   * Publishes the batch's records as one call, then saves the last position; fails if either does.
   */
  static CompletionStage<Batch> publish(
      List<Frame> frames,
      String topic,
      String positionKey,
      EventPublisher publisher,
      StreamPositionStore positions) {
    List<KeyedRecord> records = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    int published = 0;
    int malformed = 0;
    int filtered = 0;
    String problem = null;
    Optional<String> last = Optional.empty();
    for (Frame f : frames) {
      records.addAll(f.extraction().records());
      published += f.extraction().published();
      malformed += f.extraction().malformed();
      filtered += f.extraction().filtered();
      if (f.extraction().problem() != null) problem = f.extraction().problem();
      if (f.serverError() != null) errors.add(f.serverError());
      if (f.position().isPresent()) last = f.position();
    }
    Batch batch = new Batch(published, malformed, filtered, problem, errors, last);
    CompletionStage<Void> sent =
        records.isEmpty()
            ? CompletableFuture.completedFuture(null)
            : publisher.publish(topic, records);
    Optional<String> saveAt = last;
    return sent.thenCompose(
            done ->
                saveAt.isPresent()
                    ? positions.save(positionKey, saveAt.get())
                    : CompletableFuture.<Void>completedFuture(null))
        .thenApply(done -> batch);
  }

  private static Optional<String> position(String lastEventId) {
    return lastEventId.isEmpty() ? Optional.empty() : Optional.of(lastEventId);
  }
}
