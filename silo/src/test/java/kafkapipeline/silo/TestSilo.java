package kafkapipeline.silo;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kafkapipeline.api.grains.CallBudgetProtocol;
import kafkapipeline.api.grains.FakerProtocol;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.weather.OwmClient;
import kafkapipeline.silo.sources.FakerSourceEntry;
import kafkapipeline.silo.sources.WeatherSourceEntry;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * The silo's real routes ({@link HttpApi#routes}) bound on a free port of 127.0.0.1, without Kafka
 * or Cassandra: the faker and the call budget are stub actors (the faker takes any rate, the budget
 * grants every call), OpenWeatherMap is a local server answering 404 to every city, and every
 * Cassandra query fails at once with a driver timeout. Requests go over a plain socket, so a test
 * can send any Host, Content-Type and bytes.
 */
final class TestSilo implements AutoCloseable {
  final ActorSystem<Void> system;
  final PipelineMetrics metrics = new PipelineMetrics();

  /** While set, the stub budget denies every call with this wait; else it grants every call. */
  final java.util.concurrent.atomic.AtomicReference<java.time.Duration> budgetDenies =
      new java.util.concurrent.atomic.AtomicReference<>();

  final int port;
  private final HttpServer owm;
  private final ServerBinding binding;
  private final Connections connections;

  record Response(int status, String contentType, String body, String headers) {
    Response(int status, String contentType, String body) {
      this(status, contentType, body, "");
    }

    @Override
    public String toString() {
      return "Response[status=" + status + ", contentType=" + contentType + ", body=" + body + "]";
    }
  }

  TestSilo(Map<String, Object> settingsOverrides) throws Exception {
    Config pekko =
        ConfigFactory.parseString(
                "pekko.actor.provider = cluster\n"
                    + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                    + "pekko.remote.artery.canonical.port = 0\n"
                    + "pekko.loglevel = WARNING\n"
                    + "pekko.http.server.request-timeout = 20s\n")
            .withFallback(
                ConfigFactory.parseResources("http.conf")) // the silo's own HTTP server settings
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    system = ActorSystem.create(Behaviors.empty(), "http-test", pekko);
    owm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    owm.createContext(
        "/",
        exchange -> {
          byte[] body =
              "{\"cod\":\"404\",\"message\":\"city not found\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(404, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    owm.start();
    try (java.net.ServerSocket free =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("pipeline.http.port", port);
    overrides.put("pipeline.kafka.bootstrap-servers", "127.0.0.1:1");
    overrides.putAll(settingsOverrides);
    ConfigFactory.invalidateCaches();
    SiloSettings settings =
        SiloSettings.fromConfig(
            ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()).resolve());
    ActorRef<FakerProtocol.Command> faker =
        system.systemActorOf(
            Behaviors.<FakerProtocol.Command>receiveMessage(
                m -> {
                  if (m instanceof FakerProtocol.SetRate set) {
                    set.replyTo()
                        .tell(
                            new FakerProtocol.Status(
                                "running", 1, 0, set.perSecond(), 0, null, null));
                  } else if (m instanceof FakerProtocol.GetStatus get) {
                    get.replyTo().tell(new FakerProtocol.Status("running", 1, 0, 1, 0, null, null));
                  }
                  return Behaviors.same();
                }),
            "faker",
            Props.empty());
    ActorRef<CallBudgetProtocol.Command> budget =
        system.systemActorOf(
            Behaviors.<CallBudgetProtocol.Command>receiveMessage(
                m -> {
                  java.time.Duration denies = budgetDenies.get();
                  if (m instanceof CallBudgetProtocol.Acquire a)
                    a.replyTo()
                        .tell(
                            denies == null
                                ? new CallBudgetProtocol.Granted()
                                : new CallBudgetProtocol.Denied(denies));
                  if (m instanceof CallBudgetProtocol.GetUsage u)
                    u.replyTo().tell(new CallBudgetProtocol.Usage(60, 60, 0, 0));
                  return Behaviors.same();
                }),
            "budget",
            Props.empty());
    kafkapipeline.silo.sources.SourceRegistry registry =
        new kafkapipeline.silo.sources.SourceRegistry();
    connections = new Connections(settings, registry);
    OwmClient owmClient =
        new OwmClient("http://127.0.0.1:" + owm.getAddress().getPort(), "test-key");
    // Only the faker and the weather source stand in here; the others show as not started.
    Grains grains =
        new Grains(
            failingSession(),
            null,
            null,
            registry,
            Map.of(
                "faker",
                new FakerSourceEntry.Running(faker, system.scheduler()),
                "weather",
                new WeatherSourceEntry.Running(budget, null, owmClient, system.scheduler())),
            null);
    PipelineState pipeline = new PipelineState(registry);
    pipeline.running(grains);
    binding =
        Http.get(system)
            .newServerAt("127.0.0.1", port)
            .bind(
                HttpApi.routes(
                    system,
                    settings,
                    connections,
                    metrics,
                    pipeline,
                    system.systemActorOf(ClusterEvents.create(), "cluster-events", Props.empty())))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  /** A session whose every query fails at once, as a Cassandra that does not answer. */
  private static CqlSession failingSession() {
    return (CqlSession)
        java.lang.reflect.Proxy.newProxyInstance(
            CqlSession.class.getClassLoader(),
            new Class<?>[] {CqlSession.class},
            (proxy, method, args) -> {
              if (method.getName().equals("executeAsync")) {
                return CompletableFuture.failedFuture(
                    new DriverTimeoutException("no Cassandra in this test"));
              }
              if (method.getName().equals("toString")) return "failing session";
              throw new UnsupportedOperationException(method.getName());
            });
  }

  Response send(String method, String path, Map<String, String> headers, byte[] body) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Host", "127.0.0.1:" + port);
    all.putAll(headers);
    return raw(method, path, all, body);
  }

  /** One HTTP/1.1 request with exactly these headers (a null value leaves the header out). */
  Response raw(String method, String path, Map<String, String> headers, byte[] body) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
      headers.forEach(
          (k, v) -> {
            if (v != null) head.append(k).append(": ").append(v).append("\r\n");
          });
      head.append("Connection: close\r\n");
      if (body != null) head.append("Content-Length: ").append(body.length).append("\r\n");
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) out.write(body);
      out.flush();
      return parse(socket.getInputStream());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + ": " + e, e);
    }
  }

  private static Response parse(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    // Latin-1 keeps one char per byte, so chunk sizes count right; the body is decoded at the end.
    String text = all.toString(StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) throw new IOException("no HTTP response: " + text);
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    String contentType = "";
    boolean chunked = false;
    for (String line : lines) {
      String lower = line.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("content-type:")) contentType = line.substring(13).strip();
      if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
    }
    String body = text.substring(end + 4);
    String bytes = chunked ? dechunk(body) : body;
    return new Response(
        status,
        contentType,
        new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
        text.substring(0, end) + "\r\n");
  }

  private static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < body.length()) {
      int eol = body.indexOf("\r\n", i);
      int size = Integer.parseInt(body.substring(i, eol).split(";")[0].strip(), 16);
      if (size == 0) break;
      out.append(body, eol + 2, eol + 2 + size);
      i = eol + 2 + size + 2;
    }
    return out.toString();
  }

  @Override
  public void close() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    owm.stop(0);
    connections.close();
  }

  /**
   * One TestSilo for all the tests of a class, started before the first and closed after the last:
   * {@code @RegisterExtension static final TestSilo.PerClass silo = new TestSilo.PerClass();}. A
   * silo that fails to start fails every test of the class.
   */
  static final class PerClass
      implements org.junit.jupiter.api.extension.BeforeAllCallback,
          org.junit.jupiter.api.extension.AfterAllCallback {
    private TestSilo silo;

    @Override
    public void beforeAll(org.junit.jupiter.api.extension.ExtensionContext context)
        throws Exception {
      silo = new TestSilo(Map.of());
    }

    @Override
    public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context)
        throws Exception {
      if (silo != null) silo.close();
    }

    TestSilo get() {
      return silo;
    }

    Response send(String method, String path, Map<String, String> headers, byte[] body) {
      return silo.send(method, path, headers, body);
    }
  }

  static Duration timeout() {
    return Duration.ofSeconds(30);
  }
}
