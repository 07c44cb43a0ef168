package kafkapipeline.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * HTTP JSON to the first silo that answers: a silo that refuses the connection or times out is
 * skipped for the next one. Only when none answers does a call fail, with {@link Unreachable}. With
 * {@code HTTP_TOKEN} set in the environment every request carries it as a bearer token.
 */
final class SiloClient {
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param retryAfter the answer's {@code Retry-After} in whole seconds (RFC 9110 delta-seconds),
   *     empty when it sent none or sent a date
   */
  record Response(int status, JsonNode body, Optional<Duration> retryAfter) {
    Response(int status, JsonNode body) {
      this(status, body, Optional.empty());
    }

    boolean ok() {
      return status / 100 == 2;
    }

    /** The server's {@code error} message, or the status when it sent none. */
    String error() {
      String message = body.path("error").asText("");
      return message.isBlank() ? "HTTP " + status : message;
    }

    /** The server's {@code problems} (each thing wrong with a refused body), else none. */
    List<String> problems() {
      List<String> problems = new ArrayList<>();
      body.path("problems").forEach(p -> problems.add(p.asText()));
      return problems;
    }
  }

  static class Unreachable extends RuntimeException {
    Unreachable(List<String> tried) {
      super("no silo reachable (tried " + String.join(", ", tried) + ")");
    }

    Unreachable(String message) {
      super(message);
    }
  }

  /**
   * A POST a silo took but gave no answer to: it may have been done, so it was sent to no other
   * silo. Look (a GET) before sending it again.
   */
  static final class MaybeDone extends Unreachable {
    MaybeDone(String message) {
      super(message);
    }
  }

  private final List<String> silos;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String token = System.getenv().getOrDefault("HTTP_TOKEN", "").strip();

  SiloClient(List<String> silos) {
    this.silos =
        silos.stream().map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s).toList();
  }

  Response get(String path) {
    return send("GET", path, null);
  }

  /** {@code body}: null for none, bytes sent as they are, anything else written as JSON. */
  Response send(String method, String path, Object body) {
    return send(method, path, body, Duration.ofSeconds(20));
  }

  /**
   * As {@link #send(String, String, Object)}, waiting up to {@code timeout} for the answer. A silo
   * that cannot be connected to is skipped for the next one; so is one that does not answer in
   * time, except for a POST, which may have been done: then {@link Unreachable} says so and no
   * other silo gets it.
   */
  Response send(String method, String path, Object body, Duration timeout) {
    for (String silo : silos) {
      try {
        HttpRequest.BodyPublisher publisher =
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(
                    body instanceof byte[] bytes ? bytes : JSON.writeValueAsBytes(body));
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create(silo + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                // The silo takes a POST, PUT or DELETE without a JSON body only with this header
                // (RequestChecks: a cross-site form cannot send it).
                .header("X-Requested-With", "pipeline-client")
                .method(method, publisher);
        if (!token.isEmpty()) request.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isBlank() ? JSON.nullNode() : parse(r.body());
        return new Response(r.statusCode(), json, retryAfter(r));
      } catch (IOException e) {
        // A POST (a rewind, a replay) is not idempotent: sent again to the next silo only when
        // this one never got it (no connection). Any method is when the connection failed.
        if (method.equals("POST") && !neverConnected(e))
          throw new MaybeDone(
              silo
                  + " took "
                  + method
                  + " "
                  + path
                  + " but gave no answer ("
                  + e.getClass().getSimpleName()
                  + (e.getMessage() == null ? "" : ": " + e.getMessage())
                  + "): it may have been done, so it is not sent to another silo; look before"
                  + " trying again");
        // next silo
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new Unreachable(silos);
  }

  /** The request cannot have reached the silo: no connection was made. */
  static boolean neverConnected(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause())
      if (t instanceof java.net.ConnectException
          || t instanceof java.net.http.HttpConnectTimeoutException
          || t instanceof java.net.UnknownHostException
          || t instanceof java.net.NoRouteToHostException) return true;
    return false;
  }

  /** Delta-seconds only: the silo sends no dates, and a date would need the clocks to agree. */
  static Optional<Duration> retryAfter(HttpResponse<?> r) {
    return r.headers()
        .firstValue("Retry-After")
        .map(String::strip)
        .filter(v -> v.matches("[0-9]{1,9}"))
        .map(v -> Duration.ofSeconds(Long.parseLong(v)));
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException notJson) {
      return JSON.createObjectNode().put("error", text.strip());
    }
  }
}
