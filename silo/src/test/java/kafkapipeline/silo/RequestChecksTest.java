package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kafkapipeline.grains.PipelineMetrics;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** The Host and Origin checks and the cross-site rule, as functions and through the real routes. */
class RequestChecksTest {
  private static final Set<String> OURS =
      Set.of(
          "127.0.0.1:8080",
          "localhost:8080",
          "[::1]:8080",
          "127.0.0.1",
          "localhost",
          "[::1]",
          "silo.example:443",
          "proxy.example");
  private static final Set<String> OUR_ORIGINS =
      Set.of(
          "http://127.0.0.1:8080",
          "http://localhost:8080",
          "http://[::1]:8080",
          "http://silo.example:443",
          "https://silo.example:443",
          "http://proxy.example",
          "https://proxy.example");

  private static RequestChecks checks(boolean token) {
    return new RequestChecks(
        "127.0.0.1",
        8080,
        HttpSettings.allowedHosts("Silo.Example:443, proxy.example"),
        token,
        new PipelineMetrics());
  }

  private static HttpRequest request(String host, String origin) {
    HttpRequest r = HttpRequest.create("/api/status");
    if (host != null) r = r.addHeader(RawHeader.create("Host", host));
    if (origin != null) r = r.addHeader(RawHeader.create("Origin", origin));
    return r;
  }

  /**
   * Hosts near ours: our names with other ports, other case, suffixes and prefixes, and any text.
   */
  private static Gen<String> hosts() {
    Gen<String> names =
        Generate.pick(
            List.of(
                "127.0.0.1",
                "localhost",
                "[::1]",
                "silo.example",
                "proxy.example",
                "evil.example",
                "localhost.evil.example",
                "127.0.0.1.nip.io",
                "LOCALHOST",
                "[::ffff:127.0.0.1]",
                "0.0.0.0",
                ""));
    Gen<String> ports = Generate.pick(List.of("", ":8080", ":443", ":80", ":8081", ":08080", ":"));
    return names
        .zip(ports, (n, p) -> n + p)
        .mix(strings().allPossible().ofLengthBetween(0, 30), 20);
  }

  @Test
  void withoutATokenOnlyOurHostsPass() {
    RequestChecks checks = checks(false);
    qt().withExamples(5000)
        .forAll(hosts())
        .checkAssert(
            host -> {
              String refusal = checks.refusal(request(host, null));
              boolean ours = OURS.contains(host.strip().toLowerCase(java.util.Locale.ROOT));
              assertEquals(ours, refusal == null, host + " -> " + refusal);
              if (!ours) assertTrue(refusal.startsWith("Host"), refusal);
            });
    assertNotNull(checks.refusal(HttpRequest.create("/")), "no Host header");
  }

  @Test
  void anOriginPassesOnlyWhenItIsOurs() {
    Gen<String> origins =
        Generate.pick(List.of("http://", "https://", "ws://", ""))
            .zip(hosts(), (s, h) -> s + h)
            .mix(
                Generate.pick(
                    List.of(
                        "null",
                        "http://127.0.0.1:8080/",
                        "http://127.0.0.1:8080 http://evil.example")),
                10);
    for (boolean token : List.of(false, true)) {
      RequestChecks checks = checks(token);
      qt().withExamples(5000)
          .forAll(origins)
          .checkAssert(
              origin -> {
                String refusal = checks.refusal(request("127.0.0.1:8080", origin));
                String o = origin.strip().toLowerCase(java.util.Locale.ROOT);
                boolean ours =
                    OUR_ORIGINS.contains(o) || (token && o.equals("https://127.0.0.1:8080"));
                assertEquals(
                    ours, refusal == null, origin + " (token " + token + ") -> " + refusal);
              });
    }
  }

  @Test
  void withATokenAnyHostPassesAndItsOwnOriginToo() {
    RequestChecks checks = checks(true);
    qt().withExamples(2000)
        .forAll(hosts().map(String::strip).map(h -> h.toLowerCase(java.util.Locale.ROOT)))
        .checkAssert(
            host -> {
              assertNull(checks.refusal(request(host, null)), host);
              if (!host.isEmpty()
                  && host.chars().noneMatch(Character::isWhitespace)
                  && !host.contains(",")) {
                assertNull(checks.refusal(request(host, "http://" + host)), host);
              }
            });
    assertNotNull(checks.refusal(request("silo:8080", "http://evil.example")));
  }

  @Test
  void allowedHostsAreValidatedAtStart() {
    assertEquals(
        List.of("a.example:1", "[::1]:2", "b"),
        HttpSettings.allowedHosts(" A.example:1 ,[::1]:2,, b "));
    for (String bad :
        List.of("http://a.example", "a.example/x", "a:99999", "a b", "a:", "-a", "a_b:1")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> HttpSettings.allowedHosts(bad), bad);
      assertTrue(e.getMessage().contains("pipeline.http.allowed-hosts"), e.getMessage());
    }
  }

  @Test
  void throughTheRoutesEveryRefusalIsA403WithAJsonReasonAndCounted() throws Exception {
    try (TestSilo silo = new TestSilo(Map.of())) {
      Map<String, String> evil = new java.util.HashMap<>();
      evil.put("Host", "evil.example:" + silo.port);
      BodyPropertiesTest.assertError(
          silo.raw("GET", "/api/health", evil, null),
          403,
          "Host 'evil.example:"
              + silo.port
              + "' is not this silo (localhost:"
              + silo.port
              + ", 127.0.0.1:"
              + silo.port
              + ", [::1]:"
              + silo.port
              + "): refused, as a DNS-rebinding page would send it; add it to pipeline.http.allowed-hosts (HTTP_ALLOWED_HOSTS) to allow it");
      TestSilo.Response origin =
          silo.send(
              "POST",
              "/api/dead-letters/replay",
              Map.of("Origin", "http://evil.example", RequestChecks.HEADER, "x"),
              null);
      assertEquals(403, origin.status(), origin.toString());
      assertTrue(
          origin.body().contains("Origin 'http://evil.example' is not this silo's"),
          origin.toString());
      // A cross-site form: urlencoded, multipart or text/plain, no custom header.
      for (String[] form :
          List.of(
              new String[] {"application/x-www-form-urlencoded", "a=1"},
              new String[] {"multipart/form-data; boundary=x", "--x\r\n\r\n--x--"},
              new String[] {"text/plain", "{\"x\":\"=\"}"})) {
        for (String route :
            List.of(
                "POST /api/dead-letters/replay",
                "DELETE /api/cities/hanoi,vn",
                "PUT /api/sources/faker/rate",
                "POST /api/cities")) {
          String[] mp = route.split(" ");
          TestSilo.Response r =
              silo.send(
                  mp[0],
                  mp[1],
                  Map.of("Content-Type", form[0]),
                  form[1].getBytes(StandardCharsets.UTF_8));
          assertEquals(403, r.status(), route + " " + form[0] + " -> " + r);
          assertTrue(
              r.body().contains("needs a JSON body or the header X-Requested-With"), r.toString());
        }
      }
      assertEquals(1, silo.metrics.get(RequestChecks.REFUSED, "host"));
      assertEquals(1, silo.metrics.get(RequestChecks.REFUSED, "origin"));
      assertEquals(12, silo.metrics.get(RequestChecks.REFUSED, "cross_site"));
      // The dashboard's own requests: same origin, no custom header, GET.
      TestSilo.Response page =
          silo.send("GET", "/", Map.of("Origin", "http://127.0.0.1:" + silo.port), null);
      assertEquals(200, page.status(), page.toString());
      assertTrue(page.contentType().startsWith("text/html"), page.contentType());
    }
  }
}
