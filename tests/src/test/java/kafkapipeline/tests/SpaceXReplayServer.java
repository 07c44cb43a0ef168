package kafkapipeline.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serves the recorded SpaceX API v4 answers on 127.0.0.1 (see fixtures/spacex/PROVENANCE.md): the 9
 * upcoming launches, the past launches (derived from the 193 recorded ones), each recorded rocket
 * and launchpad by id, and 404 {@code Not Found} for anything else, payloads included (none is
 * recorded). A test can script the next answers of the upcoming list (a 500, a 429, a broken body)
 * or replace its body. Counts the calls per kind.
 */
final class SpaceXReplayServer implements AutoCloseable {
  static final String DIR = "/fixtures/spacex/";
  private static final ObjectMapper json = new ObjectMapper();

  final JsonNode upcoming = read("v4_launches_upcoming.DERIVED.json");
  final JsonNode allLaunches = read("v4_launches.json");
  final Map<String, JsonNode> rockets = byId(read("v4_rockets.json"));
  final Map<String, JsonNode> launchpads = byId(read("v4_launchpads.json"));
  private final byte[] past = pastLaunches(allLaunches);
  private final AtomicReference<byte[]> upcomingBody =
      new AtomicReference<>(ReplayHttp.resource(DIR + "v4_launches_upcoming.DERIVED.json"));
  private final HttpServer server;

  final AtomicInteger upcomingCalls = new AtomicInteger();
  final AtomicInteger pastCalls = new AtomicInteger();
  final AtomicInteger rocketCalls = new AtomicInteger();
  final AtomicInteger launchpadCalls = new AtomicInteger();
  final AtomicInteger payloadCalls = new AtomicInteger();

  SpaceXReplayServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v4/", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** From now on the upcoming list answers this body. */
  void serveUpcoming(String body) {
    upcomingBody.set(body.getBytes(StandardCharsets.UTF_8));
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/v4/launches/upcoming")) {
      upcomingCalls.incrementAndGet();
      send(exchange, 200, upcomingBody.get());
    } else if (path.equals("/v4/launches/past")) {
      pastCalls.incrementAndGet();
      send(exchange, 200, past);
    } else if (path.startsWith("/v4/rockets/")) {
      rocketCalls.incrementAndGet();
      byId(exchange, rockets, path.substring("/v4/rockets/".length()));
    } else if (path.startsWith("/v4/launchpads/")) {
      launchpadCalls.incrementAndGet();
      byId(exchange, launchpads, path.substring("/v4/launchpads/".length()));
    } else {
      if (path.startsWith("/v4/payloads/")) payloadCalls.incrementAndGet();
      notFound(exchange);
    }
  }

  private static void byId(HttpExchange exchange, Map<String, JsonNode> items, String id)
      throws IOException {
    JsonNode item = items.get(id);
    if (item == null) notFound(exchange);
    else send(exchange, 200, json.writeValueAsBytes(item));
  }

  private static void notFound(HttpExchange exchange) throws IOException {
    ReplayHttp.send(
        exchange, 404, "text/plain; charset=utf-8", "Not Found".getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    ReplayHttp.send(exchange, status, "application/json; charset=utf-8", body);
  }

  static JsonNode read(String fixture) {
    try {
      return json.readTree(ReplayHttp.resource(DIR + fixture));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, JsonNode> byId(JsonNode array) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode item : array) out.put(item.path("id").asText(), item);
    return Map.copyOf(out);
  }

  private static byte[] pastLaunches(JsonNode all) {
    ArrayNode past = json.createArrayNode();
    for (JsonNode launch : all) {
      if (!launch.path("upcoming").asBoolean()) past.add(launch);
    }
    try {
      return json.writeValueAsBytes(past);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
