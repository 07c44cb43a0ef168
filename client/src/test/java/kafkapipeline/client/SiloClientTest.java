package kafkapipeline.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which requests go on to the next silo: any request whose silo could not be connected to; a GET
 * whose silo took it and never answered; never a POST that a silo took (it may have been done: a
 * rewind or a replay sent twice would run twice).
 */
class SiloClientTest {
  private ServerSocket silent; // accepts connections, never answers
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private HttpServer good;
  private final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              try {
                while (true) accepted.add(silent.accept());
              } catch (IOException closed) {
                // the test ended
              }
            });
    t.setDaemon(true);
    t.start();
    good = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    good.createContext(
        "/",
        x -> {
          received.add(x.getRequestMethod() + " " + x.getRequestURI().getPath());
          byte[] body = "{\"ok\": true}".getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    good.start();
  }

  @AfterEach
  void stop() throws IOException {
    good.stop(0);
    silent.close();
    for (Socket s : accepted) s.close();
  }

  private String silentUrl() {
    return "http://127.0.0.1:" + silent.getLocalPort();
  }

  private String goodUrl() {
    return "http://127.0.0.1:" + good.getAddress().getPort();
  }

  private static String closedPortUrl() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return "http://127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void aPostTakenButNotAnsweredIsNotSentToTheNextSilo() {
    SiloClient client = new SiloClient(List.of(silentUrl(), goodUrl()));
    SiloClient.Unreachable e =
        assertThrows(
            SiloClient.Unreachable.class,
            () ->
                client.send(
                    "POST", "/api/topics/faker/rewind", "{\"offset\": 0}", Duration.ofMillis(500)));
    assertTrue(e.getMessage().contains("it may have been done"), e.getMessage());
    assertTrue(e.getMessage().contains("POST /api/topics/faker/rewind"), e.getMessage());
    assertEquals(List.of(), received, "the second silo got the POST too");
  }

  @Test
  void aGetNotAnsweredGoesOnToTheNextSilo() {
    SiloClient client = new SiloClient(List.of(silentUrl(), goodUrl()));
    SiloClient.Response r = client.send("GET", "/api/status", null, Duration.ofMillis(500));
    assertEquals(200, r.status());
    assertEquals(List.of("GET /api/status"), received);
  }

  @Test
  void aPostToASiloThatCannotBeConnectedToGoesOnToTheNextSilo() throws IOException {
    SiloClient client = new SiloClient(List.of(closedPortUrl(), goodUrl()));
    SiloClient.Response r =
        client.send("POST", "/api/topics/faker/rewind", "{\"offset\": 0}", Duration.ofSeconds(5));
    assertEquals(200, r.status());
    assertEquals(List.of("POST /api/topics/faker/rewind"), received);
  }
}
