package kafkapipeline.launcher;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Stands in for the silo in {@link SiloProcessTest}: serves {@code GET /api/health} with 200 on
 * 127.0.0.1 (or {@code FAKE_SILO_HTTP_HOST}), port from the environment variable {@code
 * FAKE_SILO_HTTP_PORT}, after half a second.
 */
public final class FakeSilo {
  private FakeSilo() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getenv("FAKE_SILO_HTTP_PORT"));
    Thread.sleep(500);
    String host = System.getenv().getOrDefault("FAKE_SILO_HTTP_HOST", "127.0.0.1");
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.createContext(
        "/api/health",
        exchange -> {
          byte[] body = "{\"status\":\"up\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    System.out.println("fake silo serving on port " + port);
  }
}
