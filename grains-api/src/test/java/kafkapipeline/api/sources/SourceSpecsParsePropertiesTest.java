package kafkapipeline.api.sources;

import static kafkapipeline.api.sources.SpecGen.pick;
import static kafkapipeline.api.sources.SpecGen.pickOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;

/**
 * {@link SourceSpecs#parse} under generated input: every valid description written as JSON reads
 * back equal; a description with one value replaced by any JSON value, a key removed, or with bytes
 * cut, spliced or random, either reads or throws {@link InvalidSourceException}, never anything
 * else; and an added unknown key is always refused by name. Each property counts both outcomes, so
 * a generator that stopped reaching the parser's refusals would fail.
 */
class SourceSpecsParsePropertiesTest {
  private static final int EXAMPLES = 3_000;
  private static final ObjectMapper WRITER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> KEYS =
      List.of(
          "name",
          "kind",
          "url",
          "interval",
          "headers",
          "secretHeaders",
          "query",
          "items",
          "key",
          "filter",
          "topic",
          "table",
          "columns",
          "primaryKey",
          "pointer",
          "type",
          "required",
          "partition",
          "clustering",
          "dropValues");

  @Test
  void everyValidDescriptionReadsBackEqual() {
    qt().withExamples(EXAMPLES)
        .forAll(SpecGen.valid())
        .checkAssert(
            spec -> assertEquals(spec, SourceSpecs.parse(bytes(WRITER.valueToTree(spec)))));
  }

  @Test
  void anEditedDescriptionReadsOrIsRefusedAndNothingElse() {
    int[] outcomes = new int[2];
    Gen<SourceSpec> valid = SpecGen.valid();
    Gen<byte[]> payloads = in -> payload(in, edit(in, WRITER.valueToTree(valid.generate(in))));
    qt().withExamples(EXAMPLES)
        .forAll(payloads)
        .checkAssert(
            json -> {
              try {
                SourceSpecs.parse(json);
                outcomes[0]++;
              } catch (InvalidSourceException e) {
                outcomes[1]++;
                assertFalse(e.problems().isEmpty());
                assertTrue(e.getMessage().startsWith("source JSON: "), e.getMessage());
                assertTrue(e.getMessage().length() < 2_000, e.getMessage());
              } catch (Throwable t) {
                fail("parse threw " + t + " for " + new String(json, StandardCharsets.UTF_8), t);
              }
            });
    assertTrue(outcomes[0] > EXAMPLES / 20, "read: " + outcomes[0]);
    assertTrue(outcomes[1] > EXAMPLES / 5, "refused: " + outcomes[1]);
  }

  @Test
  void anUnknownKeyAnywhereIsRefusedByName() {
    Gen<SourceSpec> valid = SpecGen.valid();
    Gen<JsonNode> withTypo =
        in -> {
          JsonNode doc = WRITER.valueToTree(valid.generate(in));
          List<ObjectNode> records = new ArrayList<>();
          records.add((ObjectNode) doc);
          doc.get("columns").forEach(c -> records.add((ObjectNode) c));
          records.add((ObjectNode) doc.get("primaryKey"));
          if (doc.get("filter").isObject()) records.add((ObjectNode) doc.get("filter"));
          ObjectNode at = records.get((int) pick(in, 0, records.size() - 1));
          at.put(pickOf(in, "intervall", "Name", "colums", "requried", "typ", "$schema"), 1);
          return doc;
        };
    qt().withExamples(EXAMPLES)
        .forAll(withTypo)
        .checkAssert(
            doc -> {
              InvalidSourceException e =
                  assertThrows(InvalidSourceException.class, () -> SourceSpecs.parse(bytes(doc)));
              assertTrue(e.getMessage().contains("unknown key "), e.getMessage());
            });
  }

  /** One to three edits: a value replaced by any JSON value, or a key removed. */
  private static JsonNode edit(RandomnessSource in, JsonNode doc) {
    int edits = (int) pick(in, 1, 3);
    for (int e = 0; e < edits; e++) {
      List<JsonNode> containers = new ArrayList<>();
      collect(doc, containers);
      JsonNode c = containers.get((int) pick(in, 0, containers.size() - 1));
      if (c instanceof ObjectNode o && o.size() > 0) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        String f = names.get((int) pick(in, 0, names.size() - 1));
        if (pick(in, 0, 3) == 0) o.remove(f);
        else o.set(f, value(in, 2));
      } else if (c instanceof ArrayNode a && a.size() > 0) {
        a.set((int) pick(in, 0, a.size() - 1), value(in, 2));
      }
    }
    return doc;
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (!node.isContainerNode()) return;
    out.add(node);
    node.elements().forEachRemaining(child -> collect(child, out));
  }

  /** Any JSON value, of every type, with the values readers trip on. */
  private static JsonNode value(RandomnessSource in, int depth) {
    switch ((int) pick(in, 0, depth > 0 ? 9 : 6)) {
      case 0:
        return NODES.nullNode();
      case 1:
        return NODES.booleanNode(pick(in, 0, 1) == 0);
      case 2:
        return NODES.numberNode(
            pickOf(in, 0L, -1L, 30L, Long.MAX_VALUE, Long.MIN_VALUE, 86_401L, 1L << 40));
      case 3:
        return pickOf(
            in,
            NODES.numberNode(1.5),
            NODES.numberNode(1e300),
            NODES.numberNode(-0.0),
            NODES.numberNode(BigInteger.TEN.pow(30)),
            NODES.numberNode(new java.math.BigDecimal("1e400")));
      case 4, 5:
        return NODES.textNode(
            pickOf(
                in,
                "",
                "x",
                "http-poll",
                "sse",
                "HTTP-POLL",
                "text",
                "json",
                "int",
                "PT30S",
                "P1000000000D",
                "PT-1S",
                "-PT5S",
                "/id",
                "\u0000",
                "\ud800",
                "true",
                "5",
                "null"));
      case 6:
        return NODES.textNode(SpecGen.identifier(in, 10));
      case 7, 8:
        ArrayNode a = NODES.arrayNode();
        for (int i = (int) pick(in, 0, 3); i > 0; i--) a.add(value(in, depth - 1));
        return a;
      default:
        ObjectNode o = NODES.objectNode();
        for (int i = (int) pick(in, 0, 3); i > 0; i--)
          o.set(KEYS.get((int) pick(in, 0, KEYS.size() - 1)), value(in, depth - 1));
        return o;
    }
  }

  /** The document as bytes, often damaged: cut, spliced with bad UTF-8 or garbage, or random. */
  private static byte[] payload(RandomnessSource in, JsonNode doc) {
    byte[] b = bytes(doc);
    switch ((int) pick(in, 0, 9)) {
      case 0:
        return java.util.Arrays.copyOf(b, (int) pick(in, 0, b.length - 1));
      case 1:
        {
          int at = (int) pick(in, 0, b.length);
          byte[] bad = pickOf(in, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xC0, (byte) 0x80});
          byte[] out = new byte[b.length + bad.length];
          System.arraycopy(b, 0, out, 0, at);
          System.arraycopy(bad, 0, out, at, bad.length);
          System.arraycopy(b, at, out, at + bad.length, b.length - at);
          return out;
        }
      case 2:
        return (new String(b, StandardCharsets.UTF_8) + pickOf(in, " x", "}", " {}", ","))
            .getBytes(StandardCharsets.UTF_8);
      case 3:
        {
          byte[] out = new byte[(int) pick(in, 0, 40)];
          for (int i = 0; i < out.length; i++) out[i] = (byte) pick(in, 0, 255);
          return out;
        }
      case 4:
        return pickOf(
                in,
                "null",
                "[]",
                "\"x\"",
                "5",
                "{\"name\":\"a\",\"name\":\"b\"}",
                "[".repeat(2_000))
            .getBytes(StandardCharsets.UTF_8);
      default:
        return b;
    }
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return WRITER.writeValueAsBytes(node);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
