package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A silo with a token, through its real routes: the session cookie's attributes, {@code ?token=}
 * answered with a redirect that drops it, the Bearer scheme in any case, and what {@code
 * /api/health} and {@code /api/openapi.json} tell without the token (no engine or silo address).
 */
class TokenAuthTest {
  // '!' is no token68 character: Pekko keeps the Authorization header as sent instead of
  // modelling it (and rendering the scheme as "Bearer"), so the scheme's case is this class's
  // to read, as with any token a user picks.
  private static final String TOKEN = "s3cr!t";
  // Addresses found nowhere else in a response, so their absence means something.
  private static final String KAFKA = "127.0.0.3:1";
  private static final String CASSANDRA = "127.0.0.4:1";

  private static TestSilo silo;

  @BeforeAll
  static void start() throws Exception {
    silo =
        new TestSilo(
            Map.of(
                "pipeline.http.token", TOKEN,
                "pipeline.http.session-max-age", "2h",
                "pipeline.kafka.bootstrap-servers", KAFKA,
                "pipeline.cassandra.contact-points", CASSANDRA));
  }

  @AfterAll
  static void stop() throws Exception {
    if (silo != null) silo.close();
  }

  private static TestSilo.Response get(String path, Map<String, String> headers) {
    return silo.send("GET", path, headers, null);
  }

  /** The value of the response's header {@code name} (case-insensitive), or null. */
  private static String header(TestSilo.Response r, String name) {
    for (String line : r.headers().split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name))
        return line.substring(colon + 1).strip();
    }
    return null;
  }

  @Test
  void theTokenInTheQueryIsARedirectWithoutItThatSetsAStrictHttpOnlyCookie() {
    for (Map.Entry<String, String> pathAndLocation :
        Map.of(
                "/?token=" + TOKEN, "/",
                "/api/status?rows=false&token=" + TOKEN, "/api/status?rows=false",
                "/dashboard/dashboard.js?%74oken=" + TOKEN + "&v=2", "/dashboard/dashboard.js?v=2")
            .entrySet()) {
      TestSilo.Response r = get(pathAndLocation.getKey(), Map.of());
      assertEquals(303, r.status(), pathAndLocation.getKey() + " -> " + r);
      assertEquals(pathAndLocation.getValue(), header(r, "Location"), r.headers());
      String cookie = header(r, "Set-Cookie");
      Set<String> attributes = new TreeSet<>();
      for (String part : cookie.split(";")) attributes.add(part.strip().toLowerCase(Locale.ROOT));
      assertEquals(
          Set.of(
              "pipeline_token=" + TOKEN, "httponly", "samesite=strict", "path=/", "max-age=7200"),
          attributes,
          cookie);
      // The silo serves plain HTTP only: a Secure cookie would never come back to it.
      assertFalse(attributes.contains("secure"), cookie);
    }
    // A path of leading slashes stays on this silo: "//host/x" would be another host's URL (and
    // was a 500).
    for (String path : List.of("//evil.example/x", "///evil.example/x", "/%2F/evil.example/x")) {
      TestSilo.Response r = get(path + "?token=" + TOKEN, Map.of());
      String location = header(r, "Location");
      assertEquals(303, r.status(), path + " -> " + r);
      assertTrue(location.startsWith("/") && !location.startsWith("//"), path + " -> " + location);
    }
    // The cookie then lets the page's own requests through, the token in no URL.
    assertEquals(200, get("/api/stats", Map.of("Cookie", "pipeline_token=" + TOKEN)).status());
  }

  @Test
  void aWrongQueryTokenOrOneOnAPostIsA401() {
    TestSilo.Response wrong = get("/api/sources?token=nope", Map.of());
    assertEquals(401, wrong.status(), wrong.toString());
    assertEquals(null, header(wrong, "Set-Cookie"), wrong.headers());
    // A 303 would turn a POST into a GET: a request that changes something names the token in
    // its Authorization header.
    TestSilo.Response post =
        silo.send(
            "POST",
            "/api/dead-letters/replay?token=" + TOKEN,
            Map.of("X-Requested-With", "t"),
            null);
    assertEquals(401, post.status(), post.toString());
  }

  @Test
  void theBearerSchemeIsCaseInsensitive() {
    for (String scheme : List.of("Bearer", "bearer", "BEARER", "bEaReR"))
      assertEquals(
          200, get("/api/stats", Map.of("Authorization", scheme + " " + TOKEN)).status(), scheme);
    for (String refused :
        List.of(
            "Basic " + TOKEN, "Bearer" + TOKEN, TOKEN, "Bearer wrong", "Bearer  " + TOKEN + "x"))
      assertEquals(401, get("/api/stats", Map.of("Authorization", refused)).status(), refused);
  }

  @Test
  void withoutTheTokenHealthSaysOnlyWhetherTheSiloIsUpAndNamesNoAddress() {
    TestSilo.Response bare = get("/api/health", Map.of());
    JsonNode summary = BodyPropertiesTest.readJson(bare.body(), bare.toString());
    assertEquals(
        List.of("healthy", "status", "pipeline", "kafka", "cassandra"),
        fieldNames(summary),
        bare.body());
    assertEquals(List.of("reachable"), fieldNames(summary.path("kafka")), bare.body());
    assertEquals(summary.path("healthy").asBoolean() ? 200 : 503, bare.status(), bare.toString());
    String self = "127.0.0.1:" + silo.system.address().getPort().get();
    for (String address : List.of(KAFKA, CASSANDRA, self))
      assertFalse(bare.body().contains(address), address + " in " + bare.body());

    for (Map<String, String> credentials :
        List.of(
            Map.of("Authorization", "Bearer " + TOKEN),
            Map.of("Cookie", "pipeline_token=" + TOKEN))) {
      TestSilo.Response full = get("/api/health", credentials);
      JsonNode health = BodyPropertiesTest.readJson(full.body(), full.toString());
      assertTrue(health.path("silo").asText().endsWith(self), full.body());
      assertTrue(health.has("members"), full.body());
      assertTrue(full.body().contains(KAFKA), full.body());
      assertTrue(full.body().contains(CASSANDRA), full.body());
    }

    TestSilo.Response description = get("/api/openapi.json", Map.of());
    assertEquals(200, description.status());
    for (String address : List.of(KAFKA, CASSANDRA, self))
      assertFalse(description.body().contains(address), address);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
