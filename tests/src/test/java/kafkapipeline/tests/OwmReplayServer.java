package kafkapipeline.tests;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves recorded OpenWeatherMap answers on 127.0.0.1: London's recorded current weather (by name
 * or by its id), the recorded 404 for any other city, the recorded 401 for a wrong key, and, when
 * told to, the recorded 429 or a misbehaving answer that echoes the request's URL, key included (as
 * a broken proxy would). Counts the calls it answers.
 */
final class OwmReplayServer implements AutoCloseable {
  static final String KEY = "test-key-123";
  private static final String LONDON_ID = "2643743";

  private final HttpServer server;
  final AtomicInteger calls = new AtomicInteger();

  /** When each recorded 200 was answered (System.nanoTime). */
  final java.util.List<Long> answeredAt = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * The next this-many calls misbehave, in turn: a 500 whose body is the request URL, a 200 whose
   * body is the URL in a JSON string cut short, and a connection closed without an answer.
   */
  final AtomicInteger misbehaveNext = new AtomicInteger();

  private final AtomicInteger misbehaved = new AtomicInteger();

  OwmReplayServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/data/2.5/weather", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    calls.incrementAndGet();
    Map<String, String> query = new HashMap<>();
    for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
      String[] kv = pair.split("=", 2);
      query.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    if (misbehaveNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      String url = "http://127.0.0.1" + exchange.getRequestURI();
      switch (misbehaved.getAndIncrement() % 3) {
        case 0 ->
            ReplayHttp.send(
                exchange,
                500,
                "text/plain",
                ("upstream failed: GET " + url).getBytes(StandardCharsets.UTF_8));
        case 1 ->
            ReplayHttp.send(
                exchange,
                200,
                "application/json",
                ("{\"url\": \"" + url).getBytes(StandardCharsets.UTF_8));
        default -> exchange.close();
      }
    } else if (!KEY.equals(query.get("appid"))) {
      reply(exchange, 401, "http401_invalid_api_key.json");
    } else if (LONDON_ID.equals(query.get("id"))
        || "london,gb".equalsIgnoreCase(query.getOrDefault("q", ""))) {
      answeredAt.add(System.nanoTime());
      reply(exchange, 200, "dblock__weather_weather_name__http200.json");
    } else {
      reply(exchange, 404, "http404_city_not_found.json");
    }
  }

  private static void reply(HttpExchange exchange, int status, String fixture) throws IOException {
    ReplayHttp.send(
        exchange,
        status,
        "application/json; charset=utf-8",
        ReplayHttp.resource("/fixtures/openweathermap/" + fixture));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
