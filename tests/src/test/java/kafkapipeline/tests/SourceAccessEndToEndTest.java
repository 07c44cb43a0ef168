package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A source description is untrusted input, on live silos (issue 21, items 1 to 3):
 *
 * <ul>
 *   <li>by default (no {@code SOURCES_ALLOWED_NETWORKS}) cloud metadata, loopback and private IP
 *       literals are refused with a 400 naming the address and the rule, and a name that resolves
 *       to loopback is refused when connecting: the server there never gets a request;
 *   <li>a secret header naming the silo's own {@code HTTP_TOKEN} is a 400, and even with loopback
 *       opened the token never reaches the capture server, while a {@code SOURCE_SECRET_*} value
 *       does (so the capture would see a leak);
 *   <li>a 30 MiB array, a document of millions of items and a body trickling after its headers each
 *       fail their attempt with the bound and its setting, counted; both silos stay up and healthy,
 *       fake people keep being written, and the trickling source polls again after its deadline.
 * </ul>
 */
@Timeout(300)
class SourceAccessEndToEndTest {
  private final Engines engines = Engines.shared();

  static String source(String name, String url, String secretHeaders) {
    return """
        {
          "name": "%s",
          "kind": "http-poll",
          "url": "%s",
          "interval": "PT1S",
          "secretHeaders": %s,
          "items": "",
          "key": "/id",
          "columns": [{"name": "id", "pointer": "/id", "type": "text", "required": true}],
          "primaryKey": {"partition": ["id"], "clustering": []}
        }
        """
        .formatted(name, url, secretHeaders);
  }

  private static String suffix() {
    return Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
  }

  @Test
  void byDefaultMetadataLoopbackAndPrivateAddressesAreRefusedAndNoRequestIsMade() throws Exception {
    try (Capture capture = new Capture();
        SiloCluster silos =
            new SiloCluster(
                engines,
                "access-default",
                1,
                Map.of(
                    "FAKER_RATE",
                    "0",
                    "SPACEX_ENABLED",
                    "false",
                    "SOURCES_ALLOWED_NETWORKS",
                    ""))) {
      silos.startAll();
      silos.awaitAllHealthy();
      SiloHttp.At api = silos.api(0);
      String s = suffix();
      Map<String, String> refused =
          Map.of(
              "http://169.254.169.254/latest/meta-data/",
              "169.254.0.0/16",
              "http://[fd00:ec2::254]/latest/meta-data/",
              "fc00::/7",
              "http://127.0.0.1:" + capture.port() + "/",
              "127.0.0.0/8",
              "http://[::1]:" + capture.port() + "/",
              "::1",
              "http://[::ffff:127.0.0.1]:" + capture.port() + "/",
              "127.0.0.0/8",
              "http://10.1.2.3/",
              "10.0.0.0/8",
              "http://100.64.0.1/",
              "100.64.0.0/10",
              "http://[::10.1.2.3]/",
              "it embeds 10.1.2.3 (IPv4-compatible",
              "http://[64:ff9b::a9fe:a9fe]/",
              "it embeds 169.254.169.254 (NAT64");
      for (Map.Entry<String, String> url : refused.entrySet()) {
        SiloHttp.Response r =
            SiloHttp.send(api, "POST", "/api/sources", source("refused_" + s, url.getKey(), "{}"));
        assertEquals(400, r.status(), url.getKey() + ": " + r.body());
        String problems = r.body().path("problems").toString();
        assertTrue(
            problems.contains("is refused: " + url.getValue()), url.getKey() + ": " + problems);
        assertTrue(problems.contains("SOURCES_ALLOWED_NETWORKS"), problems);
      }
      assertTrue(entry(SiloHttp.get(api, "/api/sources").body(), "refused_" + s).isMissingNode());

      // A name is checked when connecting, every time: localhost is accepted as a URL, and each
      // attempt fails saying what it resolved to, without a byte sent to the server there.
      String named = "named_" + s;
      SiloHttp.Response added =
          SiloHttp.send(
              api,
              "POST",
              "/api/sources",
              source(named, "http://localhost:" + capture.port() + "/", "{}"));
      assertEquals(201, added.status(), added.body().toString());
      Await.until(
          Duration.ofSeconds(60),
          () -> silos.sum(named, "source_failures") >= 2,
          () -> "two failed attempts of " + named + ": " + sources(api));
      String lastError = entry(SiloHttp.get(api, "/api/sources").body(), named).toString();
      assertTrue(lastError.contains("'localhost' resolves to address"), lastError);
      assertTrue(lastError.contains("loopback"), lastError);
      assertEquals(List.of(), capture.requests, "no request may reach a refused address");
      // Stored sources outlive the cluster: later tests' silos would run this one.
      remove(api, named);
    }
  }

  @Test
  void noSiloSecretLeavesAndNoSourceTakesASiloDown() throws Exception {
    String token = "token-" + suffix() + suffix();
    String secret = "secret-" + suffix();
    String s = suffix();
    try (Capture capture = new Capture();
        SiloCluster silos =
            new SiloCluster(
                    engines,
                    "access-bounds",
                    2,
                    Map.of(
                        "SPACEX_ENABLED",
                        "false",
                        "SOURCE_SECRET_CAPTURE",
                        secret,
                        // As short as it may be (the request timeout), so the trickling source
                        // fails soon.
                        "SOURCES_POLL_DEADLINE",
                        "10s"))
                .withToken(token)) {
      silos.startAll();
      silos.awaitAllHealthy();
      SiloHttp.At api = silos.api(0);
      long[] pids = {silos.pid(0), silos.pid(1)};

      // The silo's own token may not be named, even with loopback open (SiloCluster opens it).
      String leak = "leak_" + s;
      SiloHttp.Response refused =
          SiloHttp.send(
              api,
              "POST",
              "/api/sources",
              source(leak, capture.url("/leak"), "{\"X-Leak\": \"HTTP_TOKEN\"}"));
      assertEquals(400, refused.status(), refused.body().toString());
      assertTrue(
          refused.body().path("problems").toString().contains("SOURCE_SECRET_"),
          refused.body().toString());
      String scoped = "scoped_" + s;
      assertEquals(
          201,
          SiloHttp.send(
                  api,
                  "POST",
                  "/api/sources",
                  source(scoped, capture.url("/scoped"), "{\"X-Leak\": \"SOURCE_SECRET_CAPTURE\"}"))
              .status());

      // Three bad servers: a 30 MiB array, 3 million items in 6 MiB, a body trickling forever.
      String huge = "huge_" + s, many = "many_" + s, trickle = "trickle_" + s;
      for (String[] src :
          new String[][] {
            {huge, capture.url("/huge")},
            {many, capture.url("/many")},
            {trickle, capture.url("/trickle")}
          }) {
        SiloHttp.Response r =
            SiloHttp.send(api, "POST", "/api/sources", source(src[0], src[1], "{}"));
        assertEquals(201, r.status(), r.body().toString());
      }
      long rowsAtStart = silos.sum("rows_written", "fakerdata");

      Await.until(
          Duration.ofSeconds(120),
          () ->
              silos.sum(huge, "source_bounds_exceeded") >= 2
                  && silos.sum(many, "source_bounds_exceeded") >= 2
                  && silos.sum(trickle, "source_bounds_exceeded") >= 2
                  && capture.count("/trickle") >= 2
                  && capture.count("/scoped") >= 3,
          () -> "each bad source failing twice on its bound: " + sources(api));
      JsonNode listed = SiloHttp.get(api, "/api/sources").body();
      assertTrue(
          entry(listed, huge).toString().contains("setting max-body-bytes"),
          entry(listed, huge).toString());
      assertTrue(
          entry(listed, many).toString().contains("max-items"), entry(listed, many).toString());
      assertTrue(
          entry(listed, trickle).toString().contains("setting poll-deadline"),
          entry(listed, trickle).toString());

      // Every silo is the same process as before, healthy, and fake people are still written.
      for (int i = 0; i < 2; i++) {
        assertTrue(silos.isAlive(i), "silo " + i + " died");
        assertEquals(pids[i], silos.pid(i), "silo " + i + " was restarted");
        SiloHttp.Response health = SiloHttp.get(silos.api(i), "/api/health");
        assertEquals(200, health.status(), "silo " + i + ": " + health.body());
      }
      Await.until(
          Duration.ofSeconds(30),
          () -> silos.sum("rows_written", "fakerdata") > rowsAtStart + 20,
          () -> "fake people written since the bad sources came: " + rowsAtStart);

      // The scoped secret reached the capture server: it would have seen the token too.
      assertTrue(
          capture.requests.stream().anyMatch(r -> r.contains("x-leak: " + secret)),
          capture.requests.toString());
      for (String request : capture.requests)
        assertFalse(request.contains(token), "the silo's token left it: " + request);
      for (String name : List.of(scoped, huge, many, trickle)) remove(api, name);
    }
  }

  private static void remove(SiloHttp.At api, String name) {
    SiloHttp.Response r = SiloHttp.send(api, "DELETE", "/api/sources/" + name, null);
    assertEquals(200, r.status(), name + ": " + r.body());
  }

  private static JsonNode entry(JsonNode sources, String name) {
    for (JsonNode s : sources) if (name.equals(s.path("name").asText())) return s;
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static String sources(SiloHttp.At api) {
    return SiloHttp.get(api, "/api/sources").body().toString();
  }

  /**
   * A loopback server that keeps every request (line and headers, lower-cased names) and answers by
   * path: {@code /huge} a 30 MiB array, {@code /many} 3 million items, {@code /trickle} headers
   * then a byte every second until the connection drops, anything else one item.
   */
  static final class Capture implements AutoCloseable {
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> counts =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    Capture() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(threads);
      server.createContext("/", this::handle);
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    String url(String path) {
      return "http://127.0.0.1:" + port() + path;
    }

    int count(String path) {
      AtomicInteger n = counts.get(path);
      return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
      String path = exchange.getRequestURI().getPath();
      StringBuilder seen =
          new StringBuilder(exchange.getRequestMethod() + " " + exchange.getRequestURI());
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) ->
                  values.forEach(
                      v -> seen.append('\n').append(name.toLowerCase()).append(": ").append(v)));
      requests.add(seen.toString());
      counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      try (OutputStream out = exchange.getResponseBody()) {
        switch (path) {
          case "/huge" -> numbers(exchange, out, 30 << 20);
          case "/many" -> numbers(exchange, out, 6 << 20);
          case "/trickle" -> {
            exchange.sendResponseHeaders(200, 0);
            out.write('[');
            out.flush();
            // Until the silo drops the connection (writing then fails) or the server stops.
            for (int i = 0; i < 600; i++) {
              Thread.sleep(1000);
              out.write(' ');
              out.flush();
            }
          }
          default -> {
            byte[] one = "[{\"id\":\"a\"}]".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, one.length);
            out.write(one);
          }
        }
      } catch (IOException | InterruptedException dropped) {
        // The silo cut the body off: what the bounds are for.
      }
    }

    /** A JSON array of about {@code bytes} bytes: {@code [1,1,...,1]}. */
    private static void numbers(HttpExchange exchange, OutputStream out, int bytes)
        throws IOException {
      int chunks = bytes >> 16;
      byte[] chunk = new byte[1 << 16];
      for (int i = 0; i < chunk.length; i += 2) {
        chunk[i] = '1';
        chunk[i + 1] = ',';
      }
      exchange.sendResponseHeaders(200, 1L + (long) chunks * chunk.length + 2);
      out.write('[');
      for (int i = 0; i < chunks; i++) out.write(chunk);
      out.write(new byte[] {'1', ']'});
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }
}
