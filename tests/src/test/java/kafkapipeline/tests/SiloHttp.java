package kafkapipeline.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a silo's HTTP JSON API, as any client would. */
final class SiloHttp {
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper json = new ObjectMapper();

  record Response(int status, JsonNode body) {}

  /** Where a silo's API is: its HTTP host and port, and its bearer token ("" for none). */
  record At(String host, int port, String token) {
    static At loopback(int port) {
      return new At("127.0.0.1", port, "");
    }

    HttpRequest.Builder request(String path) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path));
      return token.isEmpty() ? b : b.header("Authorization", "Bearer " + token);
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  static Response get(int port, String path) {
    return get(At.loopback(port), path);
  }

  static Response get(At silo, String path) {
    try {
      HttpResponse<String> r =
          http.send(
              silo.request(path).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), json.readTree(r.body()));
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " on " + silo + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Response send(int port, String method, String path, String jsonBody) {
    return send(At.loopback(port), method, path, jsonBody);
  }

  static Response send(At silo, String method, String path, String jsonBody) {
    try {
      HttpRequest.BodyPublisher body =
          jsonBody == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(jsonBody);
      HttpResponse<String> r =
          http.send(
              silo.request(path)
                  .timeout(Duration.ofSeconds(20))
                  .header("Content-Type", "application/json")
                  // As the console client: a POST, PUT or DELETE needs a JSON body or this header.
                  .header("X-Requested-With", "tests")
                  .method(method, body)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Response(
          r.statusCode(), r.body().isEmpty() ? json.nullNode() : json.readTree(r.body()));
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " on " + silo + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  record Text(int status, String contentType, String body) {}

  /** A GET whose body is taken as text (HTML, Prometheus), with extra request headers. */
  static Text text(int port, String path, java.util.Map<String, String> headers) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(10))
              .GET();
      headers.forEach(b::header);
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Text(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " on port " + port + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A counter from /api/stats, 0 when the silo has not counted it yet. */
  static long counter(int port, String group, String name) {
    return counter(At.loopback(port), group, name);
  }

  static long counter(At silo, String group, String name) {
    return get(silo, "/api/stats").body().path("counters").path(group).path(name).asLong(0);
  }
}
