package kafkapipeline.grains.wikipedia;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import kafkapipeline.grains.wikipedia.RecentChangeFrames.Frame;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * One connection to an SSE endpoint: sends {@code Last-Event-ID} when there is a non-empty
 * position, runs {@code onStreaming} once the server accepts, decodes the body with an {@link
 * SseDecoder} (the WHATWG rules, with the settings' line and event limits) and hands the frames to
 * a handler in batches, one batch at a time (the handler's stage must complete before the next
 * batch is read, which is the back-pressure). A {@code retry:} field goes to {@code onRetry} as
 * soon as it is read. An event over a limit is a frame like any other ({@link
 * RecentChangeFrames.Oversize}), so it never fails the stream. The returned stage completes with
 * {@link Closed} when the server ends the stream, with {@link Refused} when it answers anything but
 * 200, and fails on a network error, a failed handler or a kill switch abort; either only once the
 * last batch handed to the handler has settled, so the caller's view of the saved position is
 * current when it reconnects. pekko-http buffers each HTTP chunk whole, and fails the stream on one
 * over its limit (1 MiB by default, so a server sending a large event as one chunk would be re-read
 * forever); here the limit is {@link #maxChunkBytes}, room for a whole event at the decoder's
 * limits.
 */
public final class SseConnection {
  private static final int MAX_ERROR_BODY = 200;

  public sealed interface Outcome {}

  public record Closed() implements Outcome {}

  public record Refused(String reason, Duration retryAfter) implements Outcome {}

  /**
   * One stream's connection settings.
   *
   * @param url the stream's URL
   * @param headers sent with every request as given (Accept: text/event-stream is added)
   * @param maxLineBytes the longest SSE line kept ({@link SseDecoder})
   * @param maxEventBytes the data of one SSE event buffered ({@link SseDecoder})
   * @param batchSize frames handed to the handler per batch at most
   * @param batchWindow how long a batch waits to fill
   * @param maxBatchWeight the summed weight of a batch's frames at most (a heavier frame goes
   *     alone); {@link Long#MAX_VALUE}: batches are counted only
   * @param idleTimeout a stream with no byte for this long fails; null: never
   * @param maxOpenEventBytes a stream that sends this many bytes without completing an event fails
   *     ({@link StreamBoundException}), as the decoder's own limits only keep its memory bounded;
   *     {@link Long#MAX_VALUE}: never
   */
  public record Settings(
      String url,
      Map<String, String> headers,
      int maxLineBytes,
      int maxEventBytes,
      int batchSize,
      Duration batchWindow,
      long maxBatchWeight,
      Duration idleTimeout,
      long maxOpenEventBytes) {
    /** Batches counted only, no idle timeout, no limit on an open event (Wikipedia's). */
    public Settings(
        String url,
        Map<String, String> headers,
        int maxLineBytes,
        int maxEventBytes,
        int batchSize,
        Duration batchWindow) {
      this(
          url,
          headers,
          maxLineBytes,
          maxEventBytes,
          batchSize,
          batchWindow,
          Long.MAX_VALUE,
          null,
          Long.MAX_VALUE);
    }
  }

  /** The stream passed one of the settings' bounds; the message says which. */
  public static final class StreamBoundException extends RuntimeException {
    public StreamBoundException(String message) {
      super(message, null, false, false);
    }
  }

  private final ActorSystem<?> system;
  private final Settings settings;
  private final Materializer materializer;
  private final ConnectionPoolSettings pool;

  SseConnection(ActorSystem<?> system, WikipediaSettings settings) {
    this(
        system,
        new Settings(
            settings.streamUrl(),
            Map.of("User-Agent", settings.userAgent()),
            settings.maxLineBytes(),
            settings.maxEventBytes(),
            settings.batchSize(),
            settings.batchWindow()));
  }

  public SseConnection(ActorSystem<?> system, Settings settings) {
    this(system, settings, null);
  }

  /**
   * As above, every connection made through {@code transport} (null: plain TCP, the system's DNS);
   * a declarative source gives one that connects to checked addresses only.
   */
  public SseConnection(ActorSystem<?> system, Settings settings, ClientTransport transport) {
    this.system = system;
    this.settings = settings;
    this.materializer = Materializer.matFromSystem(system);
    ConnectionPoolSettings defaults = ConnectionPoolSettings.create(Adapter.toClassic(system));
    ClientConnectionSettings connection = defaults.getConnectionSettings();
    if (transport != null) connection = connection.withTransport(transport);
    this.pool =
        defaults.withConnectionSettings(
            connection.withParserSettings(
                connection.getParserSettings().withMaxChunkSize(maxChunkBytes(settings))));
  }

  /**
   * The largest HTTP chunk accepted: twice an event's data plus a line, so that an event at the
   * limits, sent as one chunk with its field names, passes (and is then skipped if over them).
   */
  static int maxChunkBytes(WikipediaSettings settings) {
    return maxChunkBytes(settings.maxEventBytes(), settings.maxLineBytes());
  }

  private static int maxChunkBytes(Settings settings) {
    return maxChunkBytes(settings.maxEventBytes(), settings.maxLineBytes());
  }

  private static int maxChunkBytes(int maxEventBytes, int maxLineBytes) {
    return (int) Math.min(Integer.MAX_VALUE, 2L * ((long) maxEventBytes + maxLineBytes));
  }

  CompletionStage<Outcome> open(
      Optional<String> lastEventId,
      SharedKillSwitch killSwitch,
      Runnable onStreaming,
      Consumer<Duration> onRetry,
      Function<List<Frame>, CompletionStage<?>> handler) {
    return open(
        lastEventId,
        killSwitch,
        onStreaming,
        onRetry,
        RecentChangeFrames::decode,
        frame -> 1L,
        handler);
  }

  /**
   * As above, each decoder output (never a {@link SseDecoder.Retry}) made a frame by {@code
   * decode}, each frame weighing {@code weight} against the settings' batch weight.
   */
  public <F> CompletionStage<Outcome> open(
      Optional<String> lastEventId,
      SharedKillSwitch killSwitch,
      Runnable onStreaming,
      Consumer<Duration> onRetry,
      Function<SseDecoder.Output, F> decode,
      java.util.function.ToLongFunction<F> weight,
      Function<List<F>, CompletionStage<?>> handler) {
    HttpRequest request = HttpRequest.GET(settings.url());
    for (Map.Entry<String, String> header : settings.headers().entrySet())
      request = request.addHeader(HttpHeader.parse(header.getKey(), header.getValue()));
    request = request.addHeader(HttpHeader.parse("Accept", "text/event-stream"));
    Optional<String> resumeAt = lastEventId.filter(id -> !id.isEmpty());
    if (resumeAt.isPresent())
      request = request.addHeader(RawHeader.create("Last-Event-ID", headerValue(resumeAt.get())));
    Http http = Http.get(system);
    return http.singleRequest(
            request, http.defaultClientHttpsContext(), pool, Adapter.toClassic(system).log())
        .thenCompose(
            response -> {
              if (response.status().intValue() == 200) {
                onStreaming.run();
                // A stream never ends by itself: no size limit on the entity, only the decoder's
                // per event.
                AtomicReference<CompletionStage<?>> lastBatch =
                    new AtomicReference<>(CompletableFuture.completedFuture(null));
                CompletableFuture<Outcome> outcome = new CompletableFuture<>();
                org.apache.pekko.stream.javadsl.Source<ByteString, ?> bytes =
                    response.entity().withoutSizeLimit().getDataBytes();
                if (settings.idleTimeout() != null)
                  bytes = bytes.idleTimeout(settings.idleTimeout());
                bytes
                    .via(killSwitch.flow())
                    .via(
                        outputs(
                            settings.maxLineBytes(),
                            settings.maxEventBytes(),
                            settings.maxOpenEventBytes(),
                            onRetry))
                    .map(decode::apply)
                    .groupedWeightedWithin(
                        settings.maxBatchWeight(),
                        settings.batchSize(),
                        frame -> Math.max(1L, weight.applyAsLong(frame)),
                        settings.batchWindow())
                    .mapAsync(
                        1,
                        batch -> {
                          CompletionStage<?> handled = handler.apply(batch);
                          lastBatch.set(handled);
                          return handled;
                        })
                    .runWith(Sink.ignore(), materializer)
                    // A cut connection fails the stream at once, while its last batch may still be
                    // publishing or saving its position: the outcome waits for that batch, so
                    // whoever
                    // reconnects has heard of the position it saved and resumes after it.
                    .whenComplete(
                        (done, error) ->
                            lastBatch
                                .get()
                                .whenComplete(
                                    (handled, batchError) -> {
                                      if (error == null) outcome.complete(new Closed());
                                      else outcome.completeExceptionally(error);
                                    }));
                return outcome;
              }
              return refused(response);
            });
  }

  /**
   * Bytes to decoder outputs, one decoder per materialization (per connection). {@code retry:}
   * values go to {@code onRetry} instead of downstream.
   */
  static Flow<ByteString, SseDecoder.Output, org.apache.pekko.NotUsed> outputs(
      int maxLineBytes, int maxEventBytes, Consumer<Duration> onRetry) {
    return outputs(maxLineBytes, maxEventBytes, Long.MAX_VALUE, onRetry);
  }

  /** As above; fails once {@code maxOpenEventBytes} arrived since the last output. */
  static Flow<ByteString, SseDecoder.Output, org.apache.pekko.NotUsed> outputs(
      int maxLineBytes, int maxEventBytes, long maxOpenEventBytes, Consumer<Duration> onRetry) {
    return Flow.of(ByteString.class)
        .statefulMapConcat(
            () -> {
              SseDecoder decoder = new SseDecoder(maxLineBytes, maxEventBytes);
              long[] open = {0};
              return chunk -> {
                List<SseDecoder.Output> out = decoder.feed(chunk.toArray());
                open[0] = out.isEmpty() ? open[0] + chunk.size() : 0;
                if (open[0] > maxOpenEventBytes)
                  throw new StreamBoundException(
                      "no event ended within "
                          + maxOpenEventBytes
                          + " bytes (settings max-event-bytes and max-line-bytes)");
                return out;
              };
            })
        .filter(
            output -> {
              if (output instanceof SseDecoder.Retry retry) {
                onRetry.accept(Duration.ofMillis(retry.millis()));
                return false;
              }
              return true;
            });
  }

  /**
   * The standard sends the id UTF-8 encoded; pekko-http writes each char of a header value as one
   * byte (its low eight bits), so a non-ASCII id goes as its UTF-8 bytes, one char each.
   */
  static String headerValue(String id) {
    return new String(id.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  private CompletionStage<Outcome> refused(HttpResponse response) {
    int status = response.status().intValue();
    Duration retryAfter =
        response.getHeader("Retry-After").map(h -> parseSeconds(h.value())).orElse(Duration.ZERO);
    return response
        .entity()
        .toStrict(2_000, materializer)
        .handle(
            (strict, error) -> {
              String body = error != null ? "" : strict.getData().utf8String().strip();
              if (body.length() > MAX_ERROR_BODY) body = body.substring(0, MAX_ERROR_BODY) + "…";
              String what = status == 429 ? "rate limited (429)" : "HTTP " + status;
              return new Refused(body.isEmpty() ? what : what + ": " + body, retryAfter);
            });
  }

  /** Retry-After in seconds; the date form and nonsense count as no advice. */
  static Duration parseSeconds(String value) {
    try {
      long seconds = Long.parseLong(value.strip());
      return seconds > 0 ? Duration.ofSeconds(Math.min(seconds, 3_600)) : Duration.ZERO;
    } catch (NumberFormatException e) {
      return Duration.ZERO;
    }
  }

  /** A failure's cause in one line, without the wrapping of completion stages. */
  public static String describe(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) e = e.getCause();
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
