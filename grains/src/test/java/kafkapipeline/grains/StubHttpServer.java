package kafkapipeline.grains;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A local HTTP API stand-in (the JDK's server on a free loopback port): every request is recorded,
 * in arrival order, and answered by the function the test sets, which may change between calls.
 *
 * <p>Answers can be held back ({@link #hold}) until {@link #release}: with {@code ManualTime}, a
 * grain that sets its next timer when an answer arrives must not get it while {@code timePasses} is
 * still running, as that runs each due task at the task's own time and a timer set meanwhile would
 * count from there, not from the time the test moved to.
 */
public final class StubHttpServer implements AutoCloseable {
  /** What to answer: a status and a UTF-8 JSON (or any) body. */
  public record Answer(int status, String body) {}

  private final HttpServer server;
  private final List<URI> requests = new CopyOnWriteArrayList<>();
  private volatile Function<URI, Answer> answers;
  private volatile CountDownLatch gate = new CountDownLatch(0);

  public StubHttpServer(Function<URI, Answer> answers) {
    this.answers = answers;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          URI uri = exchange.getRequestURI();
          requests.add(uri);
          try {
            if (!gate.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("held 30 s");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          Answer a = this.answers.apply(uri);
          byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public void answer(Function<URI, Answer> next) {
    answers = next;
  }

  /** Requests from now on wait for {@link #release} before they are answered. */
  public void hold() {
    gate = new CountDownLatch(1);
  }

  /** Answers the held requests, and the next ones at once. */
  public void release() {
    gate.countDown();
  }

  public List<URI> requests() {
    return List.copyOf(requests);
  }

  public long count(Predicate<URI> which) {
    return requests.stream().filter(which).count();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** A recorded fixture under {@code src/test/resources/fixtures/}, e.g. {@code spacex/x.json}. */
  public static String fixture(String path) {
    try (InputStream in = StubHttpServer.class.getResourceAsStream("/fixtures/" + path)) {
      if (in == null) throw new IllegalArgumentException("no fixture " + path);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
