package kafkapipeline.grains.weather;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.Topics;
import kafkapipeline.api.WeatherReport;
import kafkapipeline.grains.JsonGen;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The OpenWeatherMap 200-body reader under generated input ({@link JsonGen}): recorded answers
 * (fixtures/openweathermap, see PROVENANCE.md) with edits anywhere, the same as raw bytes
 * (truncated, bad UTF-8, deep nesting, ...), and fully random JSON. Each outcome is either an
 * {@link OwmClient.Observed} whose report can be published and stored as it is, or a {@link
 * OwmClient.Failed} saying {@code malformed weather JSON}; never an exception. Each property counts
 * its cases and checks that both outcomes occurred, so a generator that stopped reaching the reader
 * would fail.
 */
class OwmClientPropertiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QUERY = "london";
  private static final List<String> RECORDED =
      List.of(
          "dblock__weather_weather_name__http200.json",
          "aralyne__AralyneOwm_Current_current_valid_response__http200.json",
          "dblock__weather_weather_id_ru_metric__http200.json");
  private static final List<JsonNode> REPORTS =
      RECORDED.stream().map(OwmClientPropertiesTest::fixture).toList();
  private static final List<String> FIELDS = fieldNames();

  private final OwmClient client = new OwmClient("http://127.0.0.1:1", "test-key-123");

  private static JsonNode fixture(String name) {
    try (InputStream in =
        OwmClientPropertiesTest.class.getResourceAsStream("/fixtures/openweathermap/" + name)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> fieldNames() {
    List<String> names = new ArrayList<>();
    for (JsonNode r : REPORTS) {
      for (String n : JsonGen.fieldNamesOf(r)) if (!names.contains(n)) names.add(n);
    }
    return List.copyOf(names);
  }

  private static Gen<JsonNode> recorded() {
    return Generate.pick(REPORTS);
  }

  /** What every outcome of a 200 body must be; counts the two kinds. */
  private static void assertUsableOrMalformed(
      OwmClient.Result result, AtomicInteger observed, AtomicInteger malformed) {
    if (result instanceof OwmClient.Observed o) {
      assertUsable(o);
      observed.incrementAndGet();
    } else if (result instanceof OwmClient.Failed f) {
      assertTrue(f.message().startsWith("malformed weather JSON for " + QUERY + ": "), f.message());
      assertTrue(f.message().length() <= 500, "an unbounded message: " + f.message().length());
      malformed.incrementAndGet();
    } else {
      fail("a 200 body gave " + result);
    }
  }

  /** A report that can be published (one Kafka event) and read back, with a storable time. */
  static void assertUsable(OwmClient.Observed o) {
    WeatherReport r = o.report();
    assertFalse(r.location().isBlank());
    assertFalse(o.name().isBlank());
    r.forecastdate().toEpochMilli(); // throws if Cassandra's timestamp cannot hold it
    for (float f :
        new float[] {
          r.temp(), r.feelsLike(), r.tempMin(), r.tempMax(), r.pressure(), r.humidity(), r.wind()
        }) {
      assertTrue(Float.isFinite(f), r.toString());
    }
    byte[] event = EventJson.write(r);
    assertTrue(event.length < Topics.MAX_EVENT_BYTES, "event of " + event.length + " bytes");
    assertEquals(r, EventJson.read(event, WeatherReport.class));
  }

  private static void assertBothOutcomes(
      AtomicInteger observed, AtomicInteger malformed, int atLeast) {
    assertTrue(observed.get() >= atLeast, "only " + observed + " observed");
    assertTrue(malformed.get() >= atLeast, "only " + malformed + " malformed");
  }

  @Test
  void recordedReportsWithEditsAnywhereAreReadOrMalformed() {
    AtomicInteger observed = new AtomicInteger();
    AtomicInteger malformed = new AtomicInteger();
    qt().withExamples(4_000)
        .forAll(JsonGen.mutations(recorded(), FIELDS))
        .checkAssert(
            doc ->
                assertUsableOrMalformed(
                    client.interpret(200, JsonGen.text(JsonGen.bytes(doc)), QUERY),
                    observed,
                    malformed));
    assertBothOutcomes(observed, malformed, 200);
  }

  @Test
  void rawBodiesOfEveryKindAreReadOrMalformed() {
    AtomicInteger observed = new AtomicInteger();
    AtomicInteger malformed = new AtomicInteger();
    Gen<JsonNode> documents = JsonGen.mutations(recorded(), FIELDS).mix(recorded(), 30);
    qt().withExamples(4_000)
        .forAll(JsonGen.payloads(documents))
        .checkAssert(
            body ->
                assertUsableOrMalformed(
                    client.interpret(200, JsonGen.text(body), QUERY), observed, malformed));
    assertBothOutcomes(observed, malformed, 200);
  }

  @Test
  void randomJsonIsMalformedUnlessItIsAReport() {
    AtomicInteger observed = new AtomicInteger();
    AtomicInteger malformed = new AtomicInteger();
    qt().withExamples(4_000)
        .forAll(JsonGen.values(FIELDS))
        .checkAssert(
            doc ->
                assertUsableOrMalformed(
                    client.interpret(200, JsonGen.text(JsonGen.bytes(doc)), QUERY),
                    observed,
                    malformed));
    assertTrue(malformed.get() >= 1_000, "only " + malformed + " malformed");
  }

  @Test
  void fieldsTheReaderDoesNotUseChangeNothing() {
    List<OwmClient.Observed> originals =
        REPORTS.stream()
            .map(
                r ->
                    assertInstanceOf(
                        OwmClient.Observed.class, client.interpret(200, r.toString(), QUERY)))
            .toList();
    Gen<Integer> which = Generate.range(0, REPORTS.size() - 1);
    Gen<List<JsonNode>> extras =
        org.quicktheories.generators.SourceDSL.lists().of(JsonGen.values()).ofSizeBetween(1, 4);
    qt().withExamples(2_000)
        .forAll(which, extras)
        .checkAssert(
            (i, values) -> {
              ObjectNode doc = REPORTS.get(i).deepCopy();
              for (int v = 0; v < values.size(); v++) {
                // a new field at the top and in each object the reader looks into
                doc.set("extra_" + v, values.get(v));
                ((ObjectNode) doc.get("main")).set("extra_" + v, values.get(v));
                ((ObjectNode) doc.get("sys")).set("extra_" + v, values.get(v));
              }
              assertEquals(originals.get(i), client.interpret(200, doc.toString(), QUERY));
            });
  }

  @Test
  void theKeyIsInNoMessageWhateverTheServerEchoes() {
    String[] keys = {"test-key-123", "k+y/=é s"};
    Gen<Integer> status =
        Generate.pick(List.of(200, 400, 401, 403, 404, 429, 500, 502, 503, 301, 418, 599));
    qt().withExamples(2_000)
        .forAll(Generate.range(0, 1), status, JsonGen.payloads(), Generate.range(0, 2))
        .checkAssert(
            (k, code, payload, form) -> {
              String key = keys[k];
              String shown = form == 0 ? key : URLEncoder.encode(key, StandardCharsets.UTF_8);
              String body = JsonGen.text(payload);
              int at = body.isEmpty() ? 0 : Math.floorMod(body.hashCode(), body.length());
              String echo =
                  form == 2
                      ? "{\"message\":\"GET /data/2.5/weather?q=x&appid=" + shown + " failed\"}"
                      : body.substring(0, at) + "appid=" + shown + body.substring(at);
              OwmClient.Result r =
                  new OwmClient("http://127.0.0.1:1", key).interpret(code, echo, QUERY);
              String text = r.toString();
              assertFalse(text.contains(key), text);
              assertFalse(text.contains(URLEncoder.encode(key, StandardCharsets.UTF_8)), text);
            });
  }

  @Test
  void extremeAndOverflowingValuesOfTheUsedFieldsAreMalformed() {
    JsonNode london = REPORTS.get(0);
    String[][] cases = {
      {"dt", "9223372036854775"},
      {"dt", "9223372036854776"},
      {"dt", "-9223372036854776"},
      {"dt", "1e10"},
      {"dt", "\"1588044368\""},
      {"dt", "99999999999999999999"},
      {"name", "1"},
      {"name", "\"" + "x".repeat(201) + "\""},
      {"id", "1.5"},
      {"main", "[]"},
      {"weather", "{}"},
      {"sys", "\"GB\""}
    };
    for (String[] c : cases) {
      ObjectNode doc = london.deepCopy();
      try {
        doc.set(c[0], JSON.readTree(c[1]));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      OwmClient.Result r = client.interpret(200, doc.toString(), QUERY);
      if (c[1].equals("9223372036854775")) {
        // the largest second whose milliseconds a long holds
        assertEquals(
            9223372036854775L,
            assertInstanceOf(OwmClient.Observed.class, r).report().forecastdate().getEpochSecond());
        continue;
      }
      OwmClient.Failed f = assertInstanceOf(OwmClient.Failed.class, r, c[0] + "=" + c[1]);
      assertTrue(f.message().startsWith("malformed weather JSON"), f.message());
    }
    for (String temp :
        new String[] {"1e39", "-1e39", "1e400", "\"NaN\"", "\"Infinity\"", "true", "{}"}) {
      String body = london.toString().replace("\"temp\":282.57", "\"temp\":" + temp);
      assertTrue(body.contains("\"temp\":" + temp), body);
      assertInstanceOf(OwmClient.Failed.class, client.interpret(200, body, QUERY), temp);
    }
    for (boolean arrays : new boolean[] {true, false}) {
      OwmClient.Failed f =
          assertInstanceOf(
              OwmClient.Failed.class,
              client.interpret(200, JsonGen.text(JsonGen.deeplyNested(10_000, arrays)), QUERY));
      assertTrue(f.message().startsWith("malformed weather JSON for london: not"), f.message());
    }
    assertInstanceOf(OwmClient.Failed.class, client.interpret(200, london + " trailing", QUERY));
    assertInstanceOf(OwmClient.Failed.class, client.interpret(200, null, QUERY));
  }
}
