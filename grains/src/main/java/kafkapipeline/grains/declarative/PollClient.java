package kafkapipeline.grains.declarative;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import kafkapipeline.api.sources.SourceSpec;

/**
 * The conditional GET of an {@code http-poll} source, non-blocking. Every outcome is a {@link
 * Result}, never a failed stage. It sends the spec's headers, the secret headers' values it is
 * given, and {@code If-None-Match} / {@code If-Modified-Since} from the last good answer's {@code
 * ETag} / {@code Last-Modified}. A secret value never appears in a result: every message has each
 * one replaced by {@value #REDACTED}, whatever the server echoed. It connects through {@link
 * CheckedHttp}: only to an address the source's rule allows, redirects not followed.
 *
 * <p>Bounded ({@link BoundedBody}): a body over {@code maxBodyBytes}, or one whose bytes the silo's
 * {@link PollBudget} cannot hold, is not read further, and a GET not done within {@code deadline}
 * (headers and the whole body: the JDK client's own timeout ends with the headers, so a server
 * trickling bytes after them would hold the poll forever) is cut off at the deadline, its
 * connection dropped: each is an {@link OverBound} naming the bound and its setting. So is a body
 * with a {@code Content-Encoding} (it asks for {@code identity}; nothing is decompressed). The
 * deadline runs on one shared timer thread that only cancels; no poll blocks a thread.
 */
final class PollClient {
  static final String REDACTED = "<redacted>";
  private static final int MAX_ERROR_BODY = 200;
  private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

  sealed interface Result {}

  /** A 200: the body and the validators to send next time (null when the server gave none). */
  record Fresh(byte[] body, String etag, String lastModified) implements Result {}

  /** A 304: nothing new since the validators sent. */
  record NotModified() implements Result {}

  /** A 429; {@code retryAfter} zero when the server gave no usable Retry-After. */
  record RateLimited(Duration retryAfter, String message) implements Result {}

  /** Anything else: a 5xx or other status, a network error, a timeout of the headers. */
  record Failed(String message) implements Result {}

  /** A bound of the settings stopped the GET: the body's size, the silo's budget, the deadline. */
  record OverBound(String message) implements Result {}

  private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

  private static ScheduledThreadPoolExecutor deadlines() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "declarative-poll-deadlines");
              t.setDaemon(true);
              return t;
            });
    // A poll done long before its deadline takes its task (and what it holds) off at once.
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  private final CheckedHttp http;
  private final Duration requestTimeout;
  private final Duration deadline;
  private final int maxBodyBytes;
  private final PollBudget budget;

  /** A client of the settings' timeouts and body limit, connecting through {@code resolver}. */
  static PollClient over(
      org.apache.pekko.actor.typed.ActorSystem<?> system,
      CheckedResolver resolver,
      DeclarativeSettings settings,
      PollBudget budget) {
    return new PollClient(
        new CheckedHttp(system, resolver, settings.requestTimeout()),
        settings.requestTimeout(),
        settings.pollDeadline(),
        settings.maxBodyBytes(),
        budget);
  }

  PollClient(
      CheckedHttp http,
      Duration requestTimeout,
      Duration deadline,
      int maxBodyBytes,
      PollBudget budget) {
    this.http = http;
    this.requestTimeout = requestTimeout;
    this.deadline = deadline;
    this.maxBodyBytes = maxBodyBytes;
    this.budget = budget;
  }

  /**
   * One GET of the spec's URL and query. {@code secrets}: header name to its value, already read
   * from the environment. The body's bytes are reserved in {@code lease}, which the caller closes
   * once done with the body.
   */
  CompletionStage<Result> get(
      SourceSpec spec,
      Map<String, String> secrets,
      String etag,
      String lastModified,
      PollBudget.Lease lease) {
    HttpRequest request;
    try {
      HttpRequest.Builder builder = HttpRequest.newBuilder(uri(spec)).timeout(requestTimeout).GET();
      if (spec.headers() != null) spec.headers().forEach(builder::header);
      secrets.forEach(builder::header);
      if (spec.headers() == null
          || spec.headers().keySet().stream().noneMatch("Accept-Encoding"::equalsIgnoreCase))
        builder.header("Accept-Encoding", "identity");
      if (etag != null) builder.header("If-None-Match", etag);
      if (lastModified != null) builder.header("If-Modified-Since", lastModified);
      request = builder.build();
    } catch (IllegalArgumentException e) {
      // A header the JDK client refuses (Host, Connection, ...), or a URL it cannot send.
      return CompletableFuture.completedFuture(
          new Failed(redact("cannot build the request: " + e.getMessage(), secrets)));
    }
    BoundedBody body = new BoundedBody(maxBodyBytes, lease, budget.capacity());
    CompletableFuture<Result> result =
        http.sendAsync(
                request,
                info -> {
                  encodingRefusal(info.headers()).ifPresent(body::abort);
                  return body;
                })
            .handle(
                (response, error) ->
                    error != null
                        ? failure(error, secrets)
                        : interpret(response, secrets, Instant.now()));
    String late =
        "the poll took over "
            + deadline.toMillis()
            + " ms, headers and body (setting poll-deadline); cut off";
    ScheduledFuture<?> timer =
        DEADLINES.schedule(
            () -> {
              body.abort(late);
              result.complete(new OverBound(late));
            },
            deadline.toMillis(),
            TimeUnit.MILLISECONDS);
    result.whenComplete((done, error) -> timer.cancel(false));
    return result;
  }

  /**
   * Why a body with these headers is not read: any {@code Content-Encoding} but {@code identity}.
   * Decompression is refused rather than bounded: a few KiB of gzip can expand to GiB, and the
   * request asked for {@code identity}, so an encoded body is the server not listening.
   */
  static java.util.Optional<String> encodingRefusal(java.net.http.HttpHeaders headers) {
    return headers.allValues("Content-Encoding").stream()
        .map(String::strip)
        .filter(v -> !v.isEmpty() && !v.equalsIgnoreCase("identity"))
        .findFirst()
        .map(
            v ->
                "the body is "
                    + kafkapipeline.api.sources.Show.quote(v)
                    + "-encoded (Content-Encoding): polls read identity bodies only, decompression"
                    + " is refused (a small encoded body can expand without bound)");
  }

  private static Result failure(Throwable error, Map<String, String> secrets) {
    // The client may wrap what the body subscriber failed with.
    for (Throwable e = error; e != null; e = e.getCause())
      if (e instanceof BoundedBody.PollBoundException bound)
        return new OverBound(bound.getMessage());
    return new Failed(redact(describe(error), secrets));
  }

  static URI uri(SourceSpec spec) {
    StringBuilder url = new StringBuilder(spec.url());
    if (spec.query() != null && !spec.query().isEmpty()) {
      char sep = spec.url().contains("?") ? '&' : '?';
      for (Map.Entry<String, String> q : new java.util.TreeMap<>(spec.query()).entrySet()) {
        url.append(sep)
            .append(URLEncoder.encode(q.getKey(), StandardCharsets.UTF_8))
            .append('=')
            .append(URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8));
        sep = '&';
      }
    }
    return URI.create(url.toString());
  }

  static Result interpret(HttpResponse<byte[]> response, Map<String, String> secrets, Instant now) {
    int status = response.statusCode();
    if (status == 200) {
      return new Fresh(
          response.body(),
          response.headers().firstValue("ETag").orElse(null),
          response.headers().firstValue("Last-Modified").orElse(null));
    }
    if (status == 304) return new NotModified();
    String body = errorBody(response.body());
    String what = status == 429 ? "rate limited (429)" : "HTTP " + status;
    String message = redact(body.isEmpty() ? what : what + ": " + body, secrets);
    if (status == 429) {
      return new RateLimited(
          response
              .headers()
              .firstValue("Retry-After")
              .map(v -> retryAfter(v, now))
              .orElse(Duration.ZERO),
          message);
    }
    return new Failed(message);
  }

  /**
   * Retry-After as delay-seconds or an HTTP date (RFC 9110), from {@code now}; kept within one
   * hour; a date in the past, a negative or unreadable value is zero (no advice).
   */
  static Duration retryAfter(String value, Instant now) {
    String v = value.strip();
    Duration wait;
    try {
      wait = Duration.ofSeconds(Long.parseLong(v));
    } catch (NumberFormatException notSeconds) {
      try {
        wait = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
      } catch (DateTimeParseException notADate) {
        return Duration.ZERO;
      }
    }
    if (wait.isNegative()) return Duration.ZERO;
    return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
  }

  static String redact(String message, Map<String, String> secrets) {
    String out = message;
    for (String secret : secrets.values())
      if (secret != null && !secret.isEmpty()) out = out.replace(secret, REDACTED);
    return out;
  }

  private static String errorBody(byte[] body) {
    String text = body == null ? "" : new String(body, StandardCharsets.UTF_8).strip();
    return text.length() <= MAX_ERROR_BODY ? text : text.substring(0, MAX_ERROR_BODY) + "…";
  }

  private static String describe(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) e = e.getCause();
    if (e instanceof HttpTimeoutException) return "request timed out: " + e.getMessage();
    return "request failed: "
        + e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
