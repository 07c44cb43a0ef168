package kafkapipeline.grains.declarative;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import kafkapipeline.api.sources.SourceSpec;

/**
 * The conditional GET of an {@code http-poll} source, non-blocking (JDK HTTP client). Every outcome
 * is a {@link Result}, never a failed stage. It sends the spec's headers, the secret headers'
 * values it is given, and {@code If-None-Match} / {@code If-Modified-Since} from the last good
 * answer's {@code ETag} / {@code Last-Modified}. A secret value never appears in a result: every
 * message has each one replaced by {@value #REDACTED}, whatever the server echoed. A body over
 * {@code maxBodyBytes} is not read further and is a {@link Failed}. It connects through {@link
 * CheckedHttp}: only to an address the source's rule allows, redirects not followed.
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

  /** Anything else: a 5xx or other status, a network error, a timeout, a body too large. */
  record Failed(String message) implements Result {}

  private final CheckedHttp http;
  private final Duration requestTimeout;
  private final int maxBodyBytes;

  /** A client of the settings' timeout and body limit, connecting through {@code resolver}. */
  static PollClient over(
      org.apache.pekko.actor.typed.ActorSystem<?> system,
      CheckedResolver resolver,
      DeclarativeSettings settings) {
    return new PollClient(
        new CheckedHttp(system, resolver, settings.requestTimeout()),
        settings.requestTimeout(),
        settings.maxBodyBytes());
  }

  PollClient(CheckedHttp http, Duration requestTimeout, int maxBodyBytes) {
    this.http = http;
    this.requestTimeout = requestTimeout;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * One GET of the spec's URL and query. {@code secrets}: header name to its value, already read
   * from the environment.
   */
  CompletionStage<Result> get(
      SourceSpec spec, Map<String, String> secrets, String etag, String lastModified) {
    HttpRequest request;
    try {
      HttpRequest.Builder builder = HttpRequest.newBuilder(uri(spec)).timeout(requestTimeout).GET();
      if (spec.headers() != null) spec.headers().forEach(builder::header);
      secrets.forEach(builder::header);
      if (etag != null) builder.header("If-None-Match", etag);
      if (lastModified != null) builder.header("If-Modified-Since", lastModified);
      request = builder.build();
    } catch (IllegalArgumentException e) {
      // A header the JDK client refuses (Host, Connection, ...), or a URL it cannot send.
      return CompletableFuture.completedFuture(
          new Failed(redact("cannot build the request: " + e.getMessage(), secrets)));
    }
    return http.sendAsync(request, info -> limited(maxBodyBytes))
        .handle(
            (response, error) ->
                error != null
                    ? new Failed(redact(describe(error), secrets))
                    : interpret(response, secrets, Instant.now()));
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

  /** A body read whole, but failed (and the connection dropped) once over {@code max} bytes. */
  static HttpResponse.BodySubscriber<byte[]> limited(int max) {
    return new HttpResponse.BodySubscriber<>() {
      private final CompletableFuture<byte[]> result = new CompletableFuture<>();
      private final ByteArrayOutputStream out = new ByteArrayOutputStream();
      private Flow.Subscription subscription;

      @Override
      public CompletionStage<byte[]> getBody() {
        return result;
      }

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) return;
        for (ByteBuffer b : buffers) {
          if ((long) out.size() + b.remaining() > max) {
            subscription.cancel();
            result.completeExceptionally(
                new IllegalStateException("the body is over " + max + " bytes"));
            return;
          }
          byte[] chunk = new byte[b.remaining()];
          b.get(chunk);
          out.writeBytes(chunk);
        }
      }

      @Override
      public void onError(Throwable error) {
        result.completeExceptionally(error);
      }

      @Override
      public void onComplete() {
        result.complete(out.toByteArray());
      }
    };
  }
}
