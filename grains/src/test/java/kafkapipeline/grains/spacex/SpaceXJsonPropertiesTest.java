package kafkapipeline.grains.spacex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.SpaceXLaunch;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.JsonGen;
import kafkapipeline.grains.spacex.SpaceXClient.Failed;
import kafkapipeline.grains.spacex.SpaceXClient.Ok;
import kafkapipeline.grains.spacex.SpaceXClient.Problem;
import kafkapipeline.grains.spacex.SpaceXClient.Result;
import kafkapipeline.grains.spacex.SpaceXJson.Launch;
import kafkapipeline.grains.spacex.SpaceXJson.LaunchList;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * The SpaceX v4 readers ({@link SpaceXJson}, through {@link SpaceXClient#interpret}) under
 * generated input ({@link JsonGen}): lists of recorded launches (fixtures/spacex, see
 * PROVENANCE.md) with edits anywhere, recorded rockets, launchpads and the payload example with
 * edits, all of them also as raw bytes, and fully random JSON. A body either reads, with every
 * launch one that can be published and stored as it is and every list element either read or listed
 * as malformed, or is {@link SpaceXJson.BadBody} ({@link Problem#MALFORMED} from the client); never
 * another exception. Each property counts both outcomes, so a generator that stopped reaching the
 * reader would fail.
 */
class SpaceXJsonPropertiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<JsonNode> LAUNCHES = elements(read("v4_launches.json"));
  private static final List<JsonNode> NAMED =
      concat(elements(read("v4_rockets.json")), elements(read("v4_launchpads.json")));
  private static final java.util.Set<JsonNode> RECORDED = new java.util.HashSet<>(LAUNCHES);
  private static final JsonNode PAYLOAD = read("docs_payloads_v4_one.example.json");

  /** What {@link SpaceXJson#launch} reads: the edits aim at these. */
  private static final List<String> LAUNCH_FIELDS =
      List.of(
          "id",
          "name",
          "date_utc",
          "success",
          "upcoming",
          "flight_number",
          "details",
          "rocket",
          "launchpad",
          "payloads");

  private static final List<String> NAMED_FIELDS = List.of("name");
  private static final List<String> PAYLOAD_FIELDS = List.of("type", "mass_kg");

  private static JsonNode read(String name) {
    try {
      return JSON.readTree(SpaceXJsonTest.fixture(name));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<JsonNode> elements(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return List.copyOf(out);
  }

  private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
    List<JsonNode> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }

  /** One to four recorded launches, as a list body would hold them. */
  private static Gen<JsonNode> launchLists() {
    return SourceDSL.lists()
        .of(Generate.pick(LAUNCHES))
        .ofSizeBetween(1, 4)
        .map(
            picked -> {
              ArrayNode a = JsonNodeFactory.instance.arrayNode();
              picked.forEach(a::add);
              return (JsonNode) a;
            });
  }

  /** A launch that becomes one Kafka event, read back unchanged, with a storable time. */
  static void assertUsable(Launch l) {
    assertFalse(l.id().isBlank());
    assertTrue(
        l.id().length() <= SpaceXJson.MAX_ID && l.name().length() <= SpaceXJson.MAX_NAME,
        l.toString());
    if (l.dateUtc() != null)
      l.dateUtc().toEpochMilli(); // throws if Cassandra's timestamp cannot hold it
    assertTrue(l.payloadIds().size() <= SpaceXJson.MAX_PAYLOADS);
    SpaceXLaunch event =
        new SpaceXLaunch(
            l.id(),
            l.name(),
            l.dateUtc(),
            "Falcon 9",
            l.success(),
            "CCSFS SLC 40",
            "Satellite",
            800.0,
            l.upcoming(),
            l.flightNumber(),
            l.details());
    byte[] bytes = EventJson.write(event);
    assertTrue(bytes.length < Topics.MAX_EVENT_BYTES, "event of " + bytes.length + " bytes");
    assertEquals(event, EventJson.read(bytes, SpaceXLaunch.class));
  }

  /**
   * Reads {@code body} as a launch list through the client; checks the outcome and counts it.
   * {@code sent}, when the body is known to be this node, tells how many elements there are and
   * which are recorded launches untouched (those must be read).
   */
  private static LaunchList assertLaunchesReadOrMalformed(
      String body, JsonNode sent, AtomicInteger ok, AtomicInteger bad) {
    Result<LaunchList> r =
        SpaceXClient.interpret("/v4/launches/upcoming", 200, body, SpaceXJson::launches);
    if (r instanceof Ok<LaunchList> read) {
      LaunchList list = read.value();
      list.launches().forEach(SpaceXJsonPropertiesTest::assertUsable);
      list.malformed().forEach(m -> assertTrue(m.startsWith("launch #") && m.length() < 400, m));
      if (sent != null) {
        assertEquals(
            sent.size(),
            list.launches().size() + list.malformed().size(),
            "every element is accounted for");
        for (JsonNode element : sent) {
          if (RECORDED.contains(element)) {
            String id = element.get("id").asText();
            assertTrue(
                list.launches().stream().anyMatch(l -> l.id().equals(id)),
                "recorded launch " + id + " lost");
          }
        }
      }
      ok.incrementAndGet();
      return list;
    }
    assertMalformed(r);
    bad.incrementAndGet();
    return null;
  }

  private static void assertMalformed(Result<?> r) {
    Failed<?> f = assertInstanceOf(Failed.class, r);
    assertEquals(Problem.MALFORMED, f.problem(), f.message());
    assertTrue(f.message().startsWith("malformed JSON from GET "), f.message());
    assertTrue(f.message().length() < 600, "an unbounded message: " + f.message().length());
  }

  private static void assertAtLeast(AtomicInteger ok, AtomicInteger bad, int n) {
    assertTrue(ok.get() >= n, "only " + ok + " read");
    assertTrue(bad.get() >= n, "only " + bad + " malformed");
  }

  @Test
  void recordedLaunchListsWithEditsAnywhereAreReadOrMalformed() {
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger bad = new AtomicInteger();
    AtomicInteger someElementsMalformed = new AtomicInteger();
    qt().withExamples(2_000)
        .forAll(JsonGen.mutations(launchLists(), LAUNCH_FIELDS))
        .checkAssert(
            doc -> {
              // the sent node as the reader will see it (NaN and infinities become strings)
              JsonNode sent;
              try {
                sent = JSON.readTree(JsonGen.bytes(doc));
              } catch (IOException e) {
                throw new AssertionError(e);
              }
              LaunchList list =
                  assertLaunchesReadOrMalformed(
                      JsonGen.text(JsonGen.bytes(doc)), sent.isArray() ? sent : null, ok, bad);
              if (list != null && !list.malformed().isEmpty())
                someElementsMalformed.incrementAndGet();
            });
    assertAtLeast(
        ok, bad, 25); // about 5 % of the lists are malformed whole: most edits spoil one launch
    assertTrue(
        someElementsMalformed.get() >= 25,
        "only " + someElementsMalformed + " lists with a bad launch");
  }

  @Test
  void rawLaunchBodiesOfEveryKindAreReadOrMalformed() {
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger bad = new AtomicInteger();
    Gen<JsonNode> documents =
        JsonGen.mutations(launchLists(), LAUNCH_FIELDS).mix(launchLists(), 30);
    qt().withExamples(4_000)
        .forAll(JsonGen.payloads(documents))
        .checkAssert(body -> assertLaunchesReadOrMalformed(JsonGen.text(body), null, ok, bad));
    assertAtLeast(ok, bad, 100);
  }

  @Test
  void randomJsonIsALaunchListOrMalformed() {
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger bad = new AtomicInteger();
    Gen<JsonNode> lists =
        SourceDSL.lists()
            .of(JsonGen.values(LAUNCH_FIELDS, 3))
            .ofSizeBetween(0, 4)
            .map(
                values -> {
                  ArrayNode a = JsonNodeFactory.instance.arrayNode();
                  values.forEach(a::add);
                  return (JsonNode) a;
                });
    qt().withExamples(4_000)
        .forAll(JsonGen.values(LAUNCH_FIELDS).mix(lists, 50))
        .checkAssert(
            doc -> assertLaunchesReadOrMalformed(JsonGen.text(JsonGen.bytes(doc)), null, ok, bad));
    assertAtLeast(ok, bad, 100);
  }

  /** Rockets, launchpads and payloads: a readable value, or malformed. */
  private static <T> void assertLookups(
      Gen<JsonNode> documents, Function<String, T> reader, Function<T, Boolean> usable) {
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger bad = new AtomicInteger();
    qt().withExamples(3_000)
        .forAll(JsonGen.payloads(documents))
        .checkAssert(
            body -> {
              Result<T> r =
                  SpaceXClient.interpret("/v4/rockets/x", 200, JsonGen.text(body), reader);
              if (r instanceof Ok<T> read) {
                assertTrue(usable.apply(read.value()), String.valueOf(read.value()));
                ok.incrementAndGet();
              } else {
                assertMalformed(r);
                bad.incrementAndGet();
              }
            });
    assertAtLeast(ok, bad, 100);
  }

  @Test
  void rocketAndLaunchpadBodiesGiveANameOrAreMalformed() {
    assertLookups(
        JsonGen.mutations(Generate.pick(NAMED), NAMED_FIELDS).mix(Generate.pick(NAMED), 30),
        SpaceXJson::name,
        name -> !name.isBlank() && name.length() <= SpaceXJson.MAX_NAME);
  }

  @Test
  void payloadBodiesGiveATypeAndAFiniteMassOrAreMalformed() {
    assertLookups(
        JsonGen.mutations(Generate.constant(PAYLOAD), PAYLOAD_FIELDS)
            .mix(Generate.constant(PAYLOAD), 30),
        SpaceXJson::payload,
        p ->
            (p.massKg() == null || Double.isFinite(p.massKg()))
                && (p.type() == null || p.type().length() <= SpaceXJson.MAX_NAME));
  }

  @Test
  void datesCassandraCannotHoldAreMalformedAtTheExactBounds() {
    String[] readable = {
      "+292278994-08-17T07:12:55.807Z", "-292275055-05-16T16:47:04.192Z", "2022-09-17T01:05:00.000Z"
    };
    for (String date : readable) {
      Launch l = SpaceXJson.launch(launch(date));
      assertEquals(Instant.parse(date), l.dateUtc());
      assertUsable(l);
    }
    String[] unreadable = {
      "+292278994-08-17T07:12:55.808Z",
      "-292275055-05-16T16:47:04.191Z",
      "+999999999-12-31T23:59:59Z",
      "-999999999-01-01T00:00:00Z",
      "+1000000000-12-31T23:59:59.999999999Z",
      "+1000000001-01-01T00:00:00Z",
      "2022-13-01T00:00:00Z",
      "2022-02-30T00:00:00Z",
      "2022-09-17",
      "now"
    };
    for (String date : unreadable) {
      SpaceXJson.BadBody e =
          assertThrows(SpaceXJson.BadBody.class, () -> SpaceXJson.launch(launch(date)), date);
      assertTrue(e.getMessage().startsWith("date_utc is "), e.getMessage());
    }
    assertNull(SpaceXJson.launch(launch(null)).dateUtc());
  }

  private static JsonNode launch(String date) {
    ObjectNode l = LAUNCHES.get(0).deepCopy();
    if (date == null) l.putNull("date_utc");
    else l.put("date_utc", date);
    return l;
  }

  @Test
  void deepNestingHugeValuesAndTrailingGarbageAreMalformed() {
    for (boolean arrays : new boolean[] {true, false}) {
      String deep = JsonGen.text(JsonGen.deeplyNested(10_000, arrays));
      assertTrue(
          assertThrows(SpaceXJson.BadBody.class, () -> SpaceXJson.launches(deep))
              .getMessage()
              .startsWith("not JSON"));
      assertThrows(SpaceXJson.BadBody.class, () -> SpaceXJson.name(deep));
      assertThrows(SpaceXJson.BadBody.class, () -> SpaceXJson.payload(deep));
    }
    assertThrows(SpaceXJson.BadBody.class, () -> SpaceXJson.launches("[] []"));
    assertThrows(SpaceXJson.BadBody.class, () -> SpaceXJson.name("{\"name\":\"x\"} trailing"));
    ObjectNode big = LAUNCHES.get(0).deepCopy();
    big.put("details", "x".repeat(SpaceXJson.MAX_DETAILS + 1));
    assertEquals(
        List.of(
            "launch #0 (id "
                + big.get("id").asText()
                + "): details is longer than 10000 characters"),
        SpaceXJson.launches("[" + big + "]").malformed());
    assertEquals(
        "mass_kg is out of range",
        assertThrows(SpaceXJson.BadBody.class, () -> SpaceXJson.payload("{\"mass_kg\": 1e400}"))
            .getMessage());
  }

  @Test
  void everyMalformedElementIsCountedByTheSourceAsBefore() {
    // The source counts list.malformed() as malformed_source_data: one reason per bad element.
    String body =
        "["
            + LAUNCHES.get(0)
            + ", {\"id\": \"x\", \"name\": \"y\", \"date_utc\": \"+999999999-12-31T23:59:59Z\"}, 1, null]";
    LaunchList list = SpaceXJson.launches(body);
    assertEquals(1, list.launches().size());
    assertEquals(3, list.malformed().size(), list.malformed().toString());
    if (list.launches().isEmpty()) fail("the recorded launch was lost");
  }
}
