package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kafkapipeline.silo.logs.LogLevel;
import kafkapipeline.silo.logs.LogRing;
import kafkapipeline.silo.logs.Redactor;
import kafkapipeline.silo.logs.RingAppender;
import kafkapipeline.silo.logs.SiloLogs;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@code GET /api/logs} over a socket, with two silos' services in one local actor system: a bad
 * level or limit is a 400 naming it, good ones filter and merge both silos' lines in the documented
 * shape. And /metrics exports the process's log counts.
 */
class LogRoutesTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseString(
                  "pekko.actor.provider = local, pekko.coordinated-shutdown.exit-jvm = off")
              .withFallback(ConfigFactory.load()));
  private static final HttpClient client = HttpClient.newHttpClient();
  private static final Instant T0 = Instant.parse("2026-12-01T22:40:00.123Z");
  private static ServerBinding binding;

  @BeforeAll
  static void start() throws Exception {
    LogRing one = new LogRing(() -> Redactor.of(List.of()));
    LogRing two = new LogRing(() -> Redactor.of(List.of()));
    // Silo one: TRACE..ERROR at 0..4 ms; silo two: the same at 10..14 ms.
    for (LogLevel level : LogLevel.values()) {
      one.add(T0.plusMillis(level.ordinal()), level, "kafkapipeline.One", "one " + level);
      two.add(T0.plusMillis(10 + level.ordinal()), level, "kafkapipeline.Two", "two " + level);
    }
    testKit.spawn(SiloLogs.serve("127.0.0.1:25520", one));
    testKit.spawn(SiloLogs.serve("127.0.0.1:25521", two));
    var probe = testKit.<Receptionist.Listing>createTestProbe();
    probe.awaitAssert(
        () -> {
          testKit.system().receptionist().tell(Receptionist.find(SiloLogs.KEY, probe.getRef()));
          assertEquals(2, probe.receiveMessage().getServiceInstances(SiloLogs.KEY).size());
          return null;
        });
    AllDirectives d = new AllDirectives() {};
    binding =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(
                d.handleRejections(
                    JsonRoutes.jsonRejections(),
                    () -> d.pathPrefix("api", () -> new LogRoutes(testKit.system()).routes())))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    // Closes the client's kept-alive connections too, rather than wait for them to idle out.
    binding
        .terminate(java.time.Duration.ofSeconds(1))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    testKit.shutdownTestKit();
  }

  private record Reply(int status, JsonNode body) {}

  /** GET /api/logs with these parameters, each value percent-encoded (a null one left out). */
  private static Reply get(String level, String limit) throws Exception {
    StringBuilder q = new StringBuilder();
    if (level != null) q.append("&level=").append(encode(level));
    if (limit != null) q.append("&limit=").append(encode(limit));
    String query = q.length() == 0 ? "" : "?" + q.substring(1);
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + binding.localAddress().getPort()
                            + "/api/logs"
                            + query))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), JsonRoutes.MAPPER.readTree(r.body()));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** What the server receives: URLEncoder writes a lone surrogate as '?'. */
  private static String received(String s) {
    return java.net.URLDecoder.decode(encode(s), StandardCharsets.UTF_8);
  }

  private static List<String> messages(Reply r) {
    List<String> out = new java.util.ArrayList<>();
    r.body().path("lines").forEach(l -> out.add(l.path("message").asText()));
    return out;
  }

  @Test
  void levelsAndLimitsFilterAndMergeBothSilos() throws Exception {
    Reply all = get(null, null);
    assertEquals(200, all.status());
    // Default INFO and above, 100 lines: both silos, by time.
    assertEquals(
        List.of("one INFO", "one WARN", "one ERROR", "two INFO", "two WARN", "two ERROR"),
        messages(all));
    assertEquals(List.of("lines", "silos", "warnings", "errors"), fieldNames(all.body()));
    JsonNode first = all.body().path("lines").get(0);
    assertEquals(List.of("at", "silo", "level", "logger", "message"), fieldNames(first));
    assertEquals("2026-12-01T22:40:00.125Z", first.path("at").asText());
    assertEquals("127.0.0.1:25520", first.path("silo").asText());
    assertEquals("INFO", first.path("level").asText());
    assertEquals("kafkapipeline.One", first.path("logger").asText());
    assertEquals("[\"127.0.0.1:25520\",\"127.0.0.1:25521\"]", all.body().path("silos").toString());
    assertEquals(2, all.body().path("warnings").asLong());
    assertEquals(2, all.body().path("errors").asLong());
    assertEquals(List.of("one ERROR", "two ERROR"), messages(get("eRRoR", null)));
    assertEquals(List.of("two WARN", "two ERROR"), messages(get("warn", "2")));
    assertEquals(10, messages(get("TRACE", "500")).size());
    assertEquals(List.of("two ERROR"), messages(get("Debug", "1")));
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> out = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void aLevelThatNamesNoneIsA400NamingLevel() {
    Gen<String> near =
        Generate.pick(
            List.of(
                "", " INFO", "INFO ", "WARNING", "FATAL", "ınfo", "İNFO", "warn\n", "ALL", "OFF",
                "0", "3"));
    qt().withExamples(500)
        .forAll(Generate.oneOf(near, strings().allPossible().ofLengthBetween(0, 20)))
        // Independent of LogLevel.parse: a level's name in ASCII letters of any case.
        .assuming(
            s ->
                !(received(s).matches("[A-Za-z]+")
                    && List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR")
                        .contains(received(s).toUpperCase(java.util.Locale.ROOT))))
        .checkAssert(
            level -> {
              Reply r = uncheck(() -> get(level, "5"));
              assertEquals(400, r.status(), () -> level + " -> " + r);
              assertTrue(
                  r.body()
                      .path("error")
                      .asText()
                      .startsWith("level must be one of TRACE, DEBUG, INFO, WARN, ERROR"),
                  r::toString);
            });
  }

  @Test
  void aLimitOtherThanAWholeNumberFrom1To500IsA400NamingLimit() {
    Gen<String> numbers =
        Generate.oneOf(
            longs().between(Long.MIN_VALUE / 2, 0).map((Long l) -> String.valueOf(l)),
            longs().between(501, Long.MAX_VALUE).map((Long l) -> String.valueOf(l)),
            integers().between(1, 500).map(i -> i + ".0"),
            integers().between(1, 500).map(i -> "+" + i),
            integers().between(1, 500).map(i -> " " + i),
            Generate.pick(List.of("", "٥", "５", "1e2", "0x10", "007 ", "NaN", "-0", "0")));
    qt().withExamples(500)
        .forAll(Generate.oneOf(numbers, strings().allPossible().ofLengthBetween(0, 12)))
        .assuming(
            s ->
                !received(s).matches("[0-9]{1,9}")
                    || Long.parseLong(received(s)) < 1
                    || Long.parseLong(received(s)) > 500)
        .checkAssert(
            limit -> {
              Reply r = uncheck(() -> get("info", limit));
              assertEquals(400, r.status(), () -> limit + " -> " + r);
              assertEquals(
                  "limit must be a whole number from 1 to 500", r.body().path("error").asText());
            });
  }

  @Test
  void everyWholeNumberFrom1To500AndEveryLevelInAnyCaseIsServed() {
    qt().withExamples(300)
        .forAll(
            integers().between(1, 500),
            Generate.enumValues(LogLevel.class),
            integers().between(0, 31))
        .checkAssert(
            (limit, level, caseBits) -> {
              StringBuilder name = new StringBuilder();
              for (int i = 0; i < level.name().length(); i++) {
                char c = level.name().charAt(i);
                name.append((caseBits >> i & 1) == 1 ? Character.toLowerCase(c) : c);
              }
              Reply r =
                  uncheck(
                      () ->
                          get(
                              name.toString(),
                              String.format("%0" + (1 + caseBits % 3) + "d", limit)));
              assertEquals(200, r.status(), r::toString);
              int expected = Math.min(limit, 2 * (LogLevel.values().length - level.ordinal()));
              assertEquals(expected, r.body().path("lines").size(), r::toString);
            });
  }

  @Test
  void metricsExportTheProcessLogCountsByLevel() {
    org.slf4j.LoggerFactory.getLogger("kafkapipeline.test.LogRoutesTest").warn("a warning");
    long before = RingAppender.RING.counts().of(LogLevel.WARN);
    StringBuilder out = new StringBuilder();
    MetricsRoutes.logEvents(out);
    long after = RingAppender.RING.counts().of(LogLevel.WARN);
    String text = out.toString();
    assertTrue(text.startsWith("# HELP pipeline_log_events_total "), text);
    assertTrue(text.contains("# TYPE pipeline_log_events_total counter\n"), text);
    for (LogLevel level : LogLevel.values())
      assertTrue(text.contains("pipeline_log_events_total{level=\"" + level + "\"} "), text);
    Matcher m =
        Pattern.compile("pipeline_log_events_total\\{level=\"WARN\"\\} (\\d+)\n").matcher(text);
    assertTrue(m.find(), text);
    long scraped = Long.parseLong(m.group(1));
    // Other threads may log meanwhile: the scraped count lies between the two reads.
    assertTrue(
        before >= 1 && before <= scraped && scraped <= after, before + " " + scraped + " " + after);
  }

  /** The parsers behind the 400s, on many more inputs than go over HTTP above. */
  @Test
  void parametersAreParsedExactlyAsDocumented() {
    qt().withExamples(20_000)
        .forAll(strings().allPossible().ofLengthBetween(0, 12))
        .checkAssert(
            s -> {
              boolean level =
                  s.matches("[A-Za-z]+")
                      && List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR")
                          .contains(s.toUpperCase(java.util.Locale.ROOT));
              assertEquals(level, LogLevel.parse(s).isPresent(), s);
              boolean limit =
                  s.matches("[0-9]{1,9}") && Long.parseLong(s) >= 1 && Long.parseLong(s) <= 500;
              assertEquals(
                  limit ? Integer.parseInt(s) : -1, LogRoutes.limit(java.util.Optional.of(s)), s);
            });
    qt().withExamples(5_000)
        .forAll(longs().between(-1_000, 100_000))
        .checkAssert(
            n ->
                assertEquals(
                    n >= 1 && n <= 500 ? n.intValue() : -1,
                    LogRoutes.limit(java.util.Optional.of(String.valueOf(n)))));
    assertEquals(LogRoutes.DEFAULT_LIMIT, LogRoutes.limit(java.util.Optional.empty()));
  }

  private interface Call<T> {
    T call() throws Exception;
  }

  private static <T> T uncheck(Call<T> call) {
    try {
      return call.call();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
