package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import kafkapipeline.api.grains.DeclarativeSourceProtocol;
import kafkapipeline.api.grains.DeclarativeSourceProtocol.State;
import kafkapipeline.api.grains.DeclarativeSourceProtocol.Status;
import kafkapipeline.api.sources.AddressRule;
import kafkapipeline.api.sources.SecretRef;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.grains.PipelineMetrics;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a declarative source may reach and send, against loopback servers: by default a loopback URL
 * gets no request (http-poll and sse), the attempt fails naming the address and the rule, and is
 * counted; a stored description naming {@code HTTP_TOKEN} sends nothing; a secret file is sent; a
 * name connects to the address its checked lookup gave (a {@code .test} name no DNS knows), or is
 * refused when it resolves to a refused address; a redirect is not followed.
 */
class SourceAccessTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final String TOKEN = "silo-token-" + Long.toHexString(System.nanoTime());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static DeclarativeSource.Dependencies deps(
      MemorySourceStore store,
      Fakes.Publisher publisher,
      PipelineMetrics metrics,
      SourceAccessSettings access) {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_TOKEN", TOKEN); // the silo's own: never to be sent
    env.put("SOURCE_SECRET_LAUNCHES", "launches-key");
    return new DeclarativeSource.Dependencies(
        store, publisher, new Fakes.Positions(), metrics, env::get, Fakes.settings(), access);
  }

  private static Status await(
      ActorRef<DeclarativeSourceProtocol.Command> source,
      java.util.function.Predicate<Status> done) {
    TestProbe<Status> probe = testKit.createTestProbe();
    return probe.awaitAssert(
        Duration.ofSeconds(30),
        Duration.ofMillis(50),
        () -> {
          source.tell(new DeclarativeSourceProtocol.GetStatus(probe.getRef()));
          Status s = probe.receiveMessage();
          assertTrue(done.test(s), String.valueOf(s));
          return s;
        });
  }

  private static void ok(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
    byte[] body = "[{\"id\": \"a\", \"name\": \"A\"}]".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static SourceSpec withSecrets(SourceSpec s, Map<String, String> secretHeaders) {
    return new SourceSpec(
        s.name(),
        s.kind(),
        s.url(),
        s.interval(),
        s.headers(),
        secretHeaders,
        s.query(),
        s.items(),
        s.key(),
        s.filter(),
        s.topic(),
        s.table(),
        s.columns(),
        s.primaryKey());
  }

  /** Runs {@code spec} until it backs off; the server must have had no request. */
  private static Status refusedWithoutARequest(
      Fakes.Server server, SourceSpec spec, SourceAccessSettings access) {
    MemorySourceStore store = new MemorySourceStore();
    store.save(spec);
    PipelineMetrics metrics = new PipelineMetrics();
    Fakes.Publisher publisher = new Fakes.Publisher();
    ActorRef<DeclarativeSourceProtocol.Command> source =
        testKit.spawn(
            DeclarativeSource.create(spec.name(), deps(store, publisher, metrics, access)));
    Status s = await(source, x -> x.state() == State.BACKING_OFF && x.lastError() != null);
    // Two failed attempts in a row: still nothing reached the server.
    await(source, x -> metrics.get(spec.name(), "source_failures") >= 2);
    testKit.stop(source);
    assertEquals(0, server.requests.size(), "no request reached the server");
    assertEquals(0, publisher.batches.size());
    return s;
  }

  @Test
  void byDefaultALoopbackPollAndStreamGetNoRequest() throws Exception {
    try (Fakes.Server server = new Fakes.Server((exchange, i) -> ok(exchange))) {
      String poll =
          refusedWithoutARequest(
                  server,
                  Fakes.launches(server.url("/"), Duration.ofMillis(100)),
                  SourceAccessSettings.defaults())
              .lastError();
      assertTrue(poll.startsWith("request failed: "), poll);
      assertTrue(poll.contains("address 127.0.0.1 is refused: 127.0.0.0/8, loopback"), poll);
      assertTrue(poll.contains(AddressRule.SETTING), poll);
      String sse =
          refusedWithoutARequest(
                  server, Fakes.recentChanges(server.url("/")), SourceAccessSettings.defaults())
              .lastError();
      assertTrue(sse.startsWith("stream failed: "), sse);
      assertTrue(sse.contains("address 127.0.0.1 is refused: 127.0.0.0/8, loopback"), sse);
    }
  }

  @Test
  void aStoredDescriptionNamingTheSilosTokenSendsNothing() throws Exception {
    try (Fakes.Server server = new Fakes.Server((exchange, i) -> ok(exchange))) {
      for (String variable : new String[] {"HTTP_TOKEN", "file:../x", "OWM_API_KEY"}) {
        // As stored before the rule (or in SOURCES_DIR): the grain checks it again.
        SourceSpec spec =
            withSecrets(
                Fakes.launches(server.url("/"), Duration.ofMillis(100)),
                Map.of("X-Leak", variable));
        String why = refusedWithoutARequest(server, spec, Fakes.loopback()).lastError();
        assertTrue(why.startsWith("secretHeaders['X-Leak']: '" + variable + "'"), why);
        assertTrue(why.endsWith(SecretRef.RULE), why);
        assertFalse(why.contains(TOKEN), why);
      }
    }
  }

  @Test
  void aSecretFileIsSentAndAPrefixedVariableToo(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("launches.key"), "file-key\n");
    try (Fakes.Server server = new Fakes.Server((exchange, i) -> ok(exchange))) {
      SourceSpec spec =
          withSecrets(
              Fakes.launches(server.url("/"), Duration.ofSeconds(60)),
              Map.of("X-File", "file:launches.key", "X-Env", "SOURCE_SECRET_LAUNCHES"));
      MemorySourceStore store = new MemorySourceStore();
      store.save(spec);
      SourceAccessSettings access =
          new SourceAccessSettings(Optional.of(dir), AddressRule.parse("127.0.0.0/8"));
      ActorRef<DeclarativeSourceProtocol.Command> source =
          testKit.spawn(
              DeclarativeSource.create(
                  "launches", deps(store, new Fakes.Publisher(), new PipelineMetrics(), access)));
      await(source, s -> s.published() == 1);
      testKit.stop(source);
      assertEquals("file-key", server.requests.get(0).getFirst("X-File"));
      assertEquals("launches-key", server.requests.get(0).getFirst("X-Env"));
    }
  }

  /** A lookup by table: names no DNS knows. */
  private static CheckedResolver table(AddressRule rule, Map<String, String> names) {
    return new CheckedResolver(
        rule,
        host -> {
          String address = names.get(host);
          if (address == null) throw new UnknownHostException(host);
          return new InetAddress[] {InetAddress.getByName(address)};
        },
        ForkJoinPool.commonPool());
  }

  private static PollClient.Result get(CheckedResolver resolver, String url) {
    PollClient client =
        new PollClient(
            // Generous: the first request of a JVM starts pekko-http (seconds on a busy machine).
            new CheckedHttp(testKit.system(), resolver, Duration.ofSeconds(30)),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            1 << 20,
            new PollBudget(1 << 22));
    try (PollBudget.Lease lease = new PollBudget(1 << 22).lease()) {
      return client
          .get(Fakes.launches(url, Duration.ofSeconds(60)), Map.of(), null, null, lease)
          .toCompletableFuture()
          .join();
    }
  }

  @Test
  void aNameConnectsToItsCheckedAddressKeepingTheNameAsHost() throws Exception {
    try (Fakes.Server server = new Fakes.Server((exchange, i) -> ok(exchange))) {
      int port = server.http.getAddress().getPort();
      CheckedResolver loopback =
          table(AddressRule.parse("127.0.0.0/8"), Map.of("source.test", "127.0.0.1"));
      PollClient.Result fresh = get(loopback, "http://source.test:" + port + "/x");
      assertInstanceOf(PollClient.Fresh.class, fresh, fresh.toString());
      assertEquals("source.test:" + port, server.requests.get(0).getFirst("Host"));

      CheckedResolver publicOnly =
          table(AddressRule.publicOnly(), Map.of("rebound.test", "127.0.0.1"));
      PollClient.Result refused = get(publicOnly, "http://rebound.test:" + port + "/x");
      PollClient.Failed failed = assertInstanceOf(PollClient.Failed.class, refused);
      assertTrue(
          failed
              .message()
              .contains(
                  "connection refused: 'rebound.test' resolves to address 127.0.0.1 is refused:"
                      + " 127.0.0.0/8, loopback"),
          failed.message());
      assertEquals(1, server.requests.size(), "the refused name reached nothing");
    }
  }

  @Test
  void aRedirectIsNotFollowed() throws Exception {
    try (Fakes.Server target = new Fakes.Server((exchange, i) -> ok(exchange));
        Fakes.Server redirecting =
            new Fakes.Server(
                (exchange, i) -> {
                  exchange.getResponseHeaders().add("Location", target.url("/metadata"));
                  exchange.sendResponseHeaders(302, -1);
                })) {
      CheckedResolver resolver =
          CheckedResolver.dns(testKit.system(), AddressRule.parse("127.0.0.0/8"));
      PollClient.Result result = get(resolver, redirecting.url("/"));
      PollClient.Failed failed = assertInstanceOf(PollClient.Failed.class, result);
      assertEquals("HTTP 302", failed.message());
      assertEquals(1, redirecting.requests.size());
      assertEquals(0, target.requests.size(), "the redirect's target was never asked");
    }
  }
}
