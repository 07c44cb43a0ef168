package kafkapipeline.silo;

import com.datastax.oss.driver.api.core.DriverException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON responses, and every way a request can fail as {@code {"error": ...}}: Pekko HTTP's own
 * rejections (bad path, method, parameter) with their status codes, and exceptions of a route: a
 * body over the size limit is a 413, a malformed request a 400, an actor or a server that did not
 * answer in time (ask timeout, Cassandra driver error) a 503 naming it, and anything else a 500
 * whose cause is logged. No answer of the API is ever HTML or plain text by accident.
 */
final class JsonRoutes {
  private static final Logger log = LoggerFactory.getLogger(JsonRoutes.class);

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private JsonRoutes() {}

  static HttpResponse json(StatusCode status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(
              HttpEntities.create(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse error(StatusCode status, String message) {
    return json(status, new ApiModel.Error(message));
  }

  /** How long a 503 or 429 that names no time of its own tells the client to wait. */
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

  /** An error that tells the client when to try again: {@code Retry-After} in whole seconds. */
  static HttpResponse error(StatusCode status, String message, Duration retryAfter) {
    return error(status, message).addHeader(retryAfter(retryAfter));
  }

  /**
   * {@code Retry-After} of {@code d} rounded up to whole seconds, at least 1 (RFC 9110 10.2.3 asks
   * for a non-negative integer; 0 would invite a client to come back at once), for any {@code d}:
   * zero, negative or as long as a Duration gets.
   */
  static HttpHeader retryAfter(Duration d) {
    // Seconds and nanoseconds apart: toMillis() overflows past 292 million years, and rounding
    // at milliseconds would round 1.0000001 s down.
    long whole = d.getSeconds();
    long seconds = Math.max(1, d.getNano() > 0 && whole < Long.MAX_VALUE ? whole + 1 : whole);
    return RawHeader.create("Retry-After", Long.toString(seconds));
  }

  /**
   * Every 503 and 429 of the API carries {@code Retry-After}: the one its route set, else {@link
   * #DEFAULT_RETRY_AFTER}, so a client that honours it never has to guess.
   */
  static HttpResponse withRetryAfter(HttpResponse response) {
    int status = response.status().intValue();
    if ((status == 503 || status == 429) && response.getHeader("Retry-After").isEmpty())
      return response.addHeader(retryAfter(DEFAULT_RETRY_AFTER));
    return response;
  }

  /**
   * Pekko HTTP's own rejection messages, with their status codes, as JSON errors; a 405 also names
   * the allowed methods in {@code Allow}, as RFC 9110 asks.
   */
  static RejectionHandler jsonRejections() {
    RejectionHandler methods =
        RejectionHandler.newBuilder()
            .handleAll(
                MethodRejection.class,
                rejections -> {
                  List<HttpMethod> allowed =
                      rejections.stream().map(MethodRejection::supported).distinct().toList();
                  String names = String.join(", ", allowed.stream().map(HttpMethod::name).toList());
                  return Directives.complete(
                      error(
                              StatusCodes.METHOD_NOT_ALLOWED,
                              "HTTP method not allowed, supported methods: " + names)
                          .addHeader(Allow.create(allowed.toArray(HttpMethod[]::new))));
                })
            .build();
    return methods
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(
            response -> {
              if (response.entity()
                      instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict
                  && !strict.getContentType().equals(ContentTypes.APPLICATION_JSON)) {
                String text = strict.getData().utf8String();
                return error(response.status(), text);
              }
              return response;
            });
  }

  /**
   * Exceptions of a route (also a failed future it waited on) as JSON errors; see the class
   * comment.
   */
  static ExceptionHandler jsonExceptions() {
    return ExceptionHandler.newBuilder()
        .matchAny(thrown -> Directives.complete(response(unwrap(thrown))))
        .build();
  }

  static HttpResponse response(Throwable e) {
    if (e instanceof EntityStreamSizeException size) {
      return error(
          StatusCodes.PAYLOAD_TOO_LARGE,
          "the body is too large: at most " + size.limit() + " bytes");
    }
    if (e instanceof IllegalRequestException bad) {
      return error(bad.status(), bad.info().formatPretty());
    }
    if (e instanceof AskTimeoutException || e instanceof TimeoutException) {
      return error(StatusCodes.SERVICE_UNAVAILABLE, "no answer in time: " + e.getMessage());
    }
    if (e instanceof DriverException) {
      return error(StatusCodes.SERVICE_UNAVAILABLE, "Cassandra did not answer: " + e.getMessage());
    }
    log.error("HTTP request failed", e);
    return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + e);
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
