package kafkapipeline.tests;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * What the replay servers share: reading a recorded body from the test resources, and answering.
 */
final class ReplayHttp {
  private ReplayHttp() {}

  /** A resource of this module's test classpath, e.g. {@code /fixtures/spacex/v4_rockets.json}. */
  static byte[] resource(String path) {
    try (InputStream in = ReplayHttp.class.getResourceAsStream(path)) {
      if (in == null) throw new IllegalArgumentException("no test resource " + path);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
