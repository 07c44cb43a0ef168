package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import kafkapipeline.api.Topics;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.grains.JsonGen;
import kafkapipeline.grains.declarative.ItemExtraction.Extraction;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * {@link ItemExtraction} under recorded SpaceX launch lists with edits anywhere, hostile bytes
 * ({@link JsonGen#payloads}) and generated SSE events, each checked against an oracle written here:
 * how many records, which are events and which dead letters, each event's key and value. Every
 * property counts both outcomes, so a generator that stopped reaching a branch would fail.
 */
class ItemExtractionPropertiesTest {
  private static final ObjectMapper ORACLE =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();
  private static final byte[] RECORDED = Fakes.fixture("spacex/v4_launches.json");
  private static final List<JsonNode> LAUNCHES = launches();
  // Far above any generated document's items: the cap has its own properties.
  private static final int MAX_ITEMS = 1_000_000;
  private static final SourceSpec SPEC = Fakes.launches("http://unused/", Duration.ofSeconds(1));

  // Numbers equal by value (1.10 and 1.1, 1E+2 and 100), everything else by equals.
  private static final Comparator<JsonNode> SAME =
      (a, b) ->
          a.isNumber() && b.isNumber()
              ? a.decimalValue().compareTo(b.decimalValue())
              : a.equals(b) ? 0 : 1;

  private static List<JsonNode> launches() {
    try {
      List<JsonNode> out = new ArrayList<>();
      ORACLE.readTree(RECORDED).forEach(out::add);
      return out;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Gen<JsonNode> launchLists() {
    return in -> {
      ArrayNode list = JsonNodeFactory.instance.arrayNode();
      int from = (int) in.next(org.quicktheories.impl.Constraint.between(0, LAUNCHES.size() - 1));
      int n = (int) in.next(org.quicktheories.impl.Constraint.between(0, 6));
      for (int i = 0; i < n && from + i < LAUNCHES.size(); i++)
        list.add(LAUNCHES.get(from + i).deepCopy());
      return list;
    };
  }

  @Test
  void theRecordedLaunchesAreOneEventEachKeyedByTheirId() throws Exception {
    Extraction e = ItemExtraction.document(RECORDED, SPEC, MAX_ITEMS);
    assertEquals(193, e.published());
    assertEquals(0, e.malformed());
    assertEquals(193, e.records().size());
    for (int i = 0; i < 193; i++) {
      KeyedRecord r = e.records().get(i);
      assertEquals(LAUNCHES.get(i).get("id").asText(), r.key());
      assertTrue(LAUNCHES.get(i).equals(SAME, ORACLE.readTree(r.value())));
      String text = new String(r.value(), StandardCharsets.UTF_8);
      assertTrue(!text.contains("\n") && !text.startsWith("{ "), "compact");
    }
  }

  @Test
  void anItemWithoutAKeyOrOverKafkasLimitIsOneDeadLetterAndTheOthersGoThrough() {
    String big = "x".repeat(Topics.MAX_EVENT_BYTES);
    byte[] doc =
        ("[{\"id\":\"a\"},{\"name\":\"no id\"},{\"id\":\"b\",\"big\":\""
                + big
                + "\"},{\"id\":{}},{\"id\":7}]")
            .getBytes(StandardCharsets.UTF_8);
    Extraction e = ItemExtraction.document(doc, SPEC, MAX_ITEMS);
    assertEquals(
        List.of("a", "malformed", "b", "malformed", "7"),
        e.records().stream().map(KeyedRecord::key).toList());
    assertEquals(2, e.published());
    assertEquals(3, e.malformed());
    assertEquals("no key at '/id'", e.records().get(1).deadLetterReason());
    assertTrue(e.records().get(2).deadLetterReason().contains("over Kafka's limit"));
    assertEquals(KeyedRecord.DEAD_LETTER_HEAD_BYTES, e.records().get(2).value().length);
    assertTrue(e.records().get(3).deadLetterReason().contains("not a string"));
  }

  @Test
  void aDocumentThatHasNoItemsIsOneDeadLetter() {
    for (String doc : List.of("42", "\"x\"", "null", "{\"a\":1} {}", "not json", "", "[1,")) {
      Extraction e = ItemExtraction.document(doc.getBytes(StandardCharsets.UTF_8), SPEC, MAX_ITEMS);
      assertEquals(1, e.records().size(), doc);
      assertEquals(1, e.malformed(), doc);
      assertEquals(ItemExtraction.MALFORMED_KEY, e.records().get(0).key());
      assertNotNull(e.problem(), doc);
    }
  }

  @Test
  void editedLaunchListsGiveOneRecordPerItemAsTheOracleSays() {
    AtomicInteger events = new AtomicInteger();
    AtomicInteger deadLetters = new AtomicInteger();
    AtomicInteger wholeDocuments = new AtomicInteger();
    qt().withExamples(2_000)
        .forAll(JsonGen.mutations(launchLists(), List.of("id", "name", "cores")))
        .checkAssert(doc -> check(JsonGen.bytes(doc), SPEC, events, deadLetters, wholeDocuments));
    assertTrue(events.get() >= 100, events + " events");
    assertTrue(deadLetters.get() >= 100, deadLetters + " dead letters");
    assertTrue(wholeDocuments.get() >= 20, wholeDocuments + " malformed documents");
  }

  @Test
  void hostileBytesNeverThrowAndGiveOneRecordPerItemAsTheOracleSays() {
    AtomicInteger events = new AtomicInteger();
    AtomicInteger deadLetters = new AtomicInteger();
    AtomicInteger wholeDocuments = new AtomicInteger();
    Gen<JsonNode> documents = JsonGen.values(List.of("id", "name")).mix(launchLists(), 40);
    qt().withExamples(2_000)
        .forAll(JsonGen.payloads(documents))
        .checkAssert(body -> check(body, SPEC, events, deadLetters, wholeDocuments));
    assertTrue(events.get() >= 100, events + " events");
    assertTrue(deadLetters.get() >= 100, deadLetters + " dead letters");
    assertTrue(wholeDocuments.get() >= 100, wholeDocuments + " malformed documents");
  }

  @Test
  void theFilterDropsAnEventExactlyWhenItsValueIsListed() {
    SourceSpec spec = Fakes.recentChanges("http://unused/");
    List<String> domains = List.of("canary", "en.wikipedia.org", "Canary", "canary ", "");
    AtomicInteger dropped = new AtomicInteger();
    AtomicInteger kept = new AtomicInteger();
    qt().withExamples(3_000)
        .forAll(
            org.quicktheories.generators.SourceDSL.integers().between(0, domains.size()),
            JsonGen.values(List.of("meta", "id", "domain"), 2))
        .checkAssert(
            (which, extra) -> {
              ObjectNode event = JsonNodeFactory.instance.objectNode();
              ObjectNode meta = event.putObject("meta");
              meta.put("id", "e-" + which);
              if (which < domains.size()) meta.put("domain", domains.get(which));
              else meta.set("domain", extra);
              event.set("extra", extra);
              Extraction e = ItemExtraction.event(JsonGen.bytes(event), spec, "[1]", MAX_ITEMS);
              boolean listed =
                  which == 0
                      || (which == domains.size()
                          && extra.isTextual()
                          && extra.textValue().equals("canary"));
              if (listed) {
                assertEquals(1, e.filtered());
                assertEquals(0, e.records().size());
                dropped.incrementAndGet();
              } else {
                assertEquals(0, e.filtered());
                assertEquals(1, e.records().size(), String.valueOf(e));
                kept.incrementAndGet();
              }
            });
    assertTrue(dropped.get() >= 100 && kept.get() >= 100, dropped + " dropped, " + kept + " kept");
  }

  /** The extraction of {@code body} is what the oracle expects; counts the outcomes. */
  private static void check(
      byte[] body,
      SourceSpec spec,
      AtomicInteger events,
      AtomicInteger deadLetters,
      AtomicInteger wholeDocuments) {
    Extraction e = ItemExtraction.document(body, spec, MAX_ITEMS);
    assertEquals(e.records().size(), e.published() + e.malformed());
    assertEquals(0, e.filtered());
    for (KeyedRecord r : e.records()) assertTrue(r.sizeBytes() <= Topics.MAX_EVENT_BYTES);
    for (KeyedRecord r : e.records())
      if (r.deadLetterReason() != null)
        assertTrue(r.value().length <= KeyedRecord.DEAD_LETTER_HEAD_BYTES);
    // Past Jackson's limits (a 20,000,000-character string) the oracle only costs time: such a
    // document is checked by the counts above.
    if (body.length > 4 * Topics.MAX_EVENT_BYTES) return;
    List<JsonNode> items = oracleItems(body);
    if (items == null) {
      assertEquals(1, e.records().size());
      assertEquals(1, e.malformed());
      assertEquals(ItemExtraction.MALFORMED_KEY, e.records().get(0).key());
      assertNotNull(e.records().get(0).deadLetterReason());
      wholeDocuments.incrementAndGet();
      return;
    }
    assertEquals(items.size(), e.records().size());
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      KeyedRecord r = e.records().get(i);
      String key = oracleKey(item.at("/id"));
      byte[] compact;
      try {
        compact = ORACLE.writeValueAsBytes(item);
      } catch (java.io.IOException x) {
        throw new AssertionError(x);
      }
      boolean fits =
          key != null
              && key.getBytes(StandardCharsets.UTF_8).length + compact.length
                  <= Topics.MAX_EVENT_BYTES;
      if (fits) {
        assertNull(r.deadLetterReason(), r.deadLetterReason());
        if (item.at("/id").isNumber()) // the number as written (0.0), the oracle's may be 0
        assertEquals(0, new BigDecimal(key).compareTo(new BigDecimal(r.key())), r.key());
        else assertEquals(key, r.key());
        try {
          assertTrue(item.equals(SAME, ORACLE.readTree(r.value())), "the item as sent");
        } catch (java.io.IOException x) {
          throw new AssertionError(x);
        }
        events.incrementAndGet();
      } else {
        assertNotNull(r.deadLetterReason());
        assertTrue(r.value().length <= KeyedRecord.DEAD_LETTER_HEAD_BYTES);
        deadLetters.incrementAndGet();
      }
    }
  }

  /** The items: the array's elements, the object itself; null when the document has none. */
  private static List<JsonNode> oracleItems(byte[] body) {
    JsonNode root;
    try {
      root = ORACLE.readTree(body);
    } catch (Exception notJson) {
      return null;
    }
    if (root == null || root.isMissingNode()) return null;
    List<JsonNode> out = new ArrayList<>();
    if (root.isArray()) root.forEach(out::add);
    else if (root.isObject()) out.add(root);
    else return null;
    return out;
  }

  private static String oracleKey(JsonNode v) {
    String text = v.isTextual() ? v.textValue() : v.isNumber() || v.isBoolean() ? v.asText() : null;
    if (text == null || text.isEmpty() || text.length() > ItemExtraction.MAX_KEY_CHARS) return null;
    return text;
  }
}
