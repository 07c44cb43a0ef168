package kafkapipeline.grains;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * QuickTheories generators of hostile JSON, for the property tests of every reader of source or
 * Kafka data. Three kinds, from the same building blocks:
 *
 * <ul>
 *   <li>{@link #values()}: any JSON value as a Jackson {@link JsonNode}, of every type, with the
 *       values readers trip on: {@code null}, numbers at and past every Java bound (int, long,
 *       float, double, {@code 1e400}, {@code NaN}/{@code Infinity} as {@link JsonNode}s), strings
 *       that look like numbers, booleans or dates ({@link #dateTexts()}: years -999999999 and
 *       +999999999, the bounds of {@link java.time.Instant} and of epoch milliseconds, days and
 *       hours out of range), control characters, lone surrogates, strings of 70,000 and 1,100,000
 *       characters (rarely), arrays and objects nested a few levels, with field names taken from
 *       the caller's list (so a reader's own fields get hit) or made up.
 *   <li>{@link #mutations(Gen, List)}: a recorded document with one to four edits anywhere in it: a
 *       value replaced by any {@link #values()} value, a field deleted, a field added, an array
 *       element removed or added. Start from real payloads, so most cases are nearly valid.
 *   <li>{@link #payloads(Gen)}: raw bytes as a server could send them: the documents serialized,
 *       truncated, with invalid UTF-8 spliced in, trailing garbage, a byte-order mark, two
 *       documents back to back; 10,000 levels of nesting ({@link #deeplyNested(int, boolean)}); a
 *       string past Jackson's 20,000,000-character limit and a number past its 1,000-digit one;
 *       random bytes and text that is not JSON at all.
 * </ul>
 *
 * <p>Every generator is deterministic for a given QuickTheories seed and never throws. Nodes are
 * fresh for every example (a test may modify them). Serialization of a node with a lone surrogate
 * or a NaN never fails: see {@link #bytes(JsonNode)}.
 */
public final class JsonGen {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Made-up field names, added to the caller's names so unknown fields appear too. */
  private static final List<String> OTHER_NAMES =
      List.of(
          "",
          "x",
          "id ",
          "ID",
          "__proto__",
          "constructor",
          "$ref",
          "\u0000",
          "ключ",
          "名前",
          "a.b",
          "a/b",
          "a\"b");

  private static final List<String> NOT_JSON =
      List.of(
          "",
          " ",
          "\n",
          "null",
          "undefined",
          "NaN",
          "-Infinity",
          "{",
          "}",
          "[",
          "]",
          "{]",
          "[}",
          "{'id': 'x'}",
          "{id: 1}",
          "[1,]",
          "[,1]",
          "{\"a\":1,}",
          "{\"a\" 1}",
          "{\"a\":}",
          "\"unterminated",
          "\"bad \\q escape\"",
          "\"\\ud800\"",
          "01",
          "1.",
          ".5",
          "+1",
          "0x10",
          "1e",
          "--1",
          "tru",
          "nul",
          "<html><body>502 Bad Gateway</body></html>",
          "Internal Server Error",
          "\u0000",
          "{\"a\":1}{\"a\":2}",
          "[] []",
          "{} trailing",
          "[1] 2",
          "/* comment */ {}",
          "// comment\n[]",
          "{\"a\":1} // tail");

  private JsonGen() {}

  // ---------------------------------------------------------------- values

  /** Any JSON value, nested up to 4 levels, field names made up. */
  public static Gen<JsonNode> values() {
    return values(List.of(), 4);
  }

  /**
   * Any JSON value, nested up to 4 levels; object fields are often named from {@code fieldNames}.
   */
  public static Gen<JsonNode> values(List<String> fieldNames) {
    return values(fieldNames, 4);
  }

  /**
   * Any JSON value nested at most {@code maxDepth} levels; objects often use {@code fieldNames}.
   */
  public static Gen<JsonNode> values(List<String> fieldNames, int maxDepth) {
    List<String> names = new ArrayList<>(fieldNames);
    return in -> value(in, names, maxDepth);
  }

  /** Any JSON scalar: null, boolean, number ({@link #numbers()}) or string ({@link #texts()}). */
  public static Gen<JsonNode> scalars() {
    return JsonGen::scalar;
  }

  /**
   * Numbers of every Jackson node type, at and beyond every Java bound, NaN and infinities
   * included.
   */
  public static Gen<JsonNode> numbers() {
    return JsonGen::number;
  }

  /** Strings readers trip on; see the class description. */
  public static Gen<String> texts() {
    return JsonGen::text;
  }

  /**
   * ISO-8601-like date-time strings: valid, extreme, out of {@code Instant}'s range, or malformed.
   */
  public static Gen<String> dateTexts() {
    return JsonGen::dateText;
  }

  private static JsonNode value(RandomnessSource in, List<String> names, int depth) {
    int kind = (int) pick(in, 0, depth > 0 ? 9 : 5);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(pick(in, 0, 1) == 1);
      case 2, 3 -> number(in);
      case 4, 5 -> NODES.textNode(text(in));
      case 6, 7 -> array(in, names, depth - 1);
      default -> object(in, names, depth - 1);
    };
  }

  private static JsonNode scalar(RandomnessSource in) {
    return switch ((int) pick(in, 0, 5)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(pick(in, 0, 1) == 1);
      case 2, 3 -> number(in);
      default -> NODES.textNode(text(in));
    };
  }

  private static ArrayNode array(RandomnessSource in, List<String> names, int depth) {
    ArrayNode a = NODES.arrayNode();
    int n = (int) pick(in, 0, 5);
    for (int i = 0; i < n; i++) a.add(value(in, names, depth));
    return a;
  }

  private static ObjectNode object(RandomnessSource in, List<String> names, int depth) {
    ObjectNode o = NODES.objectNode();
    int n = (int) pick(in, 0, 6);
    for (int i = 0; i < n; i++) o.set(fieldName(in, names), value(in, names, depth));
    return o;
  }

  private static String fieldName(RandomnessSource in, List<String> names) {
    if (!names.isEmpty() && pick(in, 0, 2) > 0)
      return names.get((int) pick(in, 0, names.size() - 1));
    return pick(in, 0, 1) == 0
        ? OTHER_NAMES.get((int) pick(in, 0, OTHER_NAMES.size() - 1))
        : shortText(in);
  }

  private static JsonNode number(RandomnessSource in) {
    return switch ((int) pick(in, 0, 11)) {
      case 0 -> NODES.numberNode((int) pick(in, -3, 3));
      case 1 -> NODES.numberNode((int) pick(in, Integer.MIN_VALUE, Integer.MAX_VALUE));
      case 2 ->
          NODES.numberNode(
              pickOf(
                  in,
                  (long) Integer.MIN_VALUE,
                  (long) Integer.MAX_VALUE,
                  Integer.MAX_VALUE + 1L,
                  Integer.MIN_VALUE - 1L));
      case 3 -> NODES.numberNode(in.next(Constraint.none()));
      case 4 ->
          NODES.numberNode(
              pickOf(
                  in,
                  Long.MIN_VALUE,
                  Long.MAX_VALUE,
                  Long.MAX_VALUE / 1000 + 1,
                  31556889864403199L,
                  31556889864403200L,
                  -31557014167219200L,
                  9_223_372_036_854_775L,
                  1588044368L));
      case 5 ->
          NODES.numberNode(
              BigInteger.TWO.pow((int) pick(in, 63, 70)).add(BigInteger.valueOf(pick(in, -1, 1))));
      case 6 ->
          NODES.numberNode(
              BigInteger.TEN
                  .pow((int) pick(in, 19, 400))
                  .multiply(BigInteger.valueOf(pick(in, -1, 1))));
      case 7 ->
          NODES.numberNode(
              pickOf(
                  in,
                  Double.NaN,
                  Double.POSITIVE_INFINITY,
                  Double.NEGATIVE_INFINITY,
                  -0.0,
                  Double.MAX_VALUE,
                  -Double.MAX_VALUE,
                  Double.MIN_VALUE,
                  Float.MAX_VALUE * 2.0,
                  1e-320,
                  0.1));
      case 8 -> NODES.numberNode(Double.longBitsToDouble(in.next(Constraint.none())));
      case 9 -> NODES.numberNode((float) (pick(in, -100_000, 100_000) / 100.0));
      case 10 ->
          NODES.numberNode(
              new BigDecimal(BigInteger.valueOf(pick(in, -999, 999)), (int) pick(in, -400, 400)));
      default -> NODES.numberNode(pick(in, -1_000_000, 1_000_000) / 7.0);
    };
  }

  private static String text(RandomnessSource in) {
    return switch ((int) pick(in, 0, 199)) {
      case 0 -> String.valueOf((char) pick(in, 'a', 'z')).repeat(70_000);
      case 1 -> String.valueOf((char) pick(in, 'a', 'z')).repeat(1_100_000);
      default ->
          switch ((int) pick(in, 0, 5)) {
            case 0, 1 -> shortText(in);
            case 2 -> dateText(in);
            default ->
                pickOf(
                    in,
                    "",
                    " ",
                    "\t",
                    "null",
                    "true",
                    "false",
                    "NaN",
                    "-NaN",
                    "Infinity",
                    "-Infinity",
                    "inf",
                    "1e309",
                    "-0",
                    "0",
                    "00",
                    "1_000",
                    "0x1F",
                    "٣",
                    "1,5",
                    "9223372036854775808",
                    "-2147483649",
                    "12abc",
                    "\u0000",
                    "\n",
                    "\r\n",
                    "\u202e\u0645",
                    "\ud800",
                    "\udfff",
                    "\ud83d\ude80",
                    "\ufeff",
                    "\uffff",
                    "é",
                    "<script>alert(1)</script>",
                    "'; DROP TABLE x; --",
                    "%s%n",
                    "${jndi:ldap://x}",
                    "\\",
                    "\"");
          };
    };
  }

  private static String shortText(RandomnessSource in) {
    int n = (int) pick(in, 0, 12);
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(
          switch ((int) pick(in, 0, 3)) {
            case 0 -> (char) pick(in, 0, 0x7f);
            case 1 -> (char) pick(in, 0x80, 0xffff);
            default -> (char) pick(in, 'a', 'z');
          });
    }
    return b.toString();
  }

  private static String dateText(RandomnessSource in) {
    if (pick(in, 0, 1) == 0) {
      return pickOf(
          in,
          "2022-09-17T01:05:00.000Z",
          "2022-09-17T01:05:00Z",
          "1970-01-01T00:00:00Z",
          "-999999999-01-01T00:00:00Z",
          "+999999999-12-31T23:59:59.999999999Z",
          "-1000000000-01-01T00:00:00Z",
          "+1000000000-12-31T23:59:59.999999999Z",
          "+1000000001-01-01T00:00:00Z",
          "-1000000001-01-01T00:00:00Z",
          "+292278994-08-17T07:12:55.807Z",
          "+292278994-08-17T07:12:55.808Z",
          "-292275055-05-16T16:47:04.192Z",
          "-292275055-05-16T16:47:04.191Z",
          "0000-01-01T00:00:00Z",
          "9999-12-31T23:59:59Z",
          "+10000-01-01T00:00:00Z",
          "10000-01-01T00:00:00Z",
          "2022-13-01T00:00:00Z",
          "2022-02-30T00:00:00Z",
          "2022-09-17T25:00:00Z",
          "2022-09-17T23:60:00Z",
          "2022-09-17T23:59:60Z",
          "2022-09-17",
          "2022-09-17T01:05:00",
          "2022-09-17 01:05:00Z",
          "2022-09-17T01:05:00+14:00",
          "2022-09-17T01:05:00-18:00",
          "2022-09-17T01:05:00+25:00",
          "2022-09-17T01:05:00.1234567890Z",
          "2022-W37-6T01:05:00Z",
          "1663376700",
          "now",
          "T",
          "Z");
    }
    long year =
        pick(in, 0, 2) == 0 ? pick(in, -1_000_000_002L, 1_000_000_002L) : pick(in, 1900, 2100);
    String y =
        year > 9999
            ? "+" + year
            : year < 0 ? String.format("-%04d", -year) : String.format("%04d", year);
    return String.format(
        "%s-%02d-%02dT%02d:%02d:%02d%sZ",
        y,
        pick(in, 0, 13),
        pick(in, 0, 32),
        pick(in, 0, 25),
        pick(in, 0, 61),
        pick(in, 0, 61),
        pick(in, 0, 1) == 0 ? "" : "." + pick(in, 0, 999_999_999));
  }

  // ---------------------------------------------------------------- mutations

  /**
   * One of {@code documents} (each example picks a fresh copy) with one to four edits. Two in five
   * edits hit a field named in {@code fieldNames} wherever it occurs (pass the fields the reader
   * under test reads): the value is deleted, or replaced by a hostile value of its own kind (a
   * string by {@link #texts()}, dates often; a number by {@link #numbers()}) or of any kind. The
   * others go anywhere in the tree: replace a value with any {@link #values(List)} value, delete an
   * object field, add a field, remove or add an array element. An edit may hit the root, so the
   * result may not be an object or an array any more.
   */
  public static Gen<JsonNode> mutations(Gen<JsonNode> documents, List<String> fieldNames) {
    Gen<JsonNode> anyValue = values(fieldNames, 2);
    List<String> names = new ArrayList<>(fieldNames);
    return in -> {
      JsonNode doc = documents.generate(in).deepCopy();
      int edits = (int) pick(in, 1, 4);
      for (int e = 0; e < edits; e++) doc = edit(in, doc, anyValue, names);
      return doc;
    };
  }

  private static JsonNode edit(
      RandomnessSource in, JsonNode root, Gen<JsonNode> anyValue, List<String> names) {
    List<ContainerNode<?>> containers = new ArrayList<>();
    collect(root, containers);
    if (pick(in, 0, 4) < 2) {
      List<ObjectNode> holders = new ArrayList<>();
      List<String> fields = new ArrayList<>();
      for (ContainerNode<?> c : containers) {
        if (c instanceof ObjectNode o) {
          for (String n : names) {
            if (o.has(n)) {
              holders.add(o);
              fields.add(n);
            }
          }
        }
      }
      if (!holders.isEmpty()) {
        int at = (int) pick(in, 0, holders.size() - 1);
        ObjectNode o = holders.get(at);
        String f = fields.get(at);
        JsonNode old = o.get(f);
        switch ((int) pick(in, 0, 4)) {
          case 0 -> o.remove(f);
          case 1, 2 ->
              o.set(
                  f,
                  old.isTextual()
                      ? NODES.textNode(pick(in, 0, 1) == 0 ? dateText(in) : text(in))
                      : old.isNumber() ? number(in) : scalar(in));
          default -> o.set(f, anyValue.generate(in));
        }
        return root;
      }
    }
    // one chance in (containers + 1) to replace the whole document
    int at = (int) pick(in, 0, containers.size());
    if (at == containers.size()) return anyValue.generate(in);
    ContainerNode<?> c = containers.get(at);
    int op = (int) pick(in, 0, 3);
    if (c instanceof ObjectNode o) {
      List<String> fields = new ArrayList<>();
      o.fieldNames().forEachRemaining(fields::add);
      if (fields.isEmpty() || op == 2) {
        o.set(fieldName(in, names), anyValue.generate(in));
      } else {
        String f = fields.get((int) pick(in, 0, fields.size() - 1));
        if (op == 1) o.remove(f);
        else o.set(f, anyValue.generate(in));
      }
    } else if (c instanceof ArrayNode a) {
      if (a.isEmpty() || op == 2) {
        a.insert((int) pick(in, 0, a.size()), anyValue.generate(in));
      } else {
        int i = (int) pick(in, 0, a.size() - 1);
        if (op == 1) a.remove(i);
        else a.set(i, anyValue.generate(in));
      }
    }
    return root;
  }

  private static void collect(JsonNode node, List<ContainerNode<?>> out) {
    if (node instanceof ContainerNode<?> c) {
      out.add(c);
      Iterator<JsonNode> children = node.elements();
      while (children.hasNext()) collect(children.next(), out);
    }
  }

  // ---------------------------------------------------------------- payloads

  /** Raw payloads made from {@link #values()}; see {@link #payloads(Gen)}. */
  public static Gen<byte[]> payloads() {
    return payloads(values());
  }

  /**
   * Raw bytes as a server or a producer could send them: about half are {@code documents}
   * serialized as they are; the rest are those bytes truncated, with invalid UTF-8 spliced in or
   * with trailing garbage, a byte-order mark or a second document; or else deep nesting, a string
   * or a number past Jackson's limits, text that is not JSON, or random bytes.
   */
  public static Gen<byte[]> payloads(Gen<JsonNode> documents) {
    return in -> {
      int kind = (int) pick(in, 0, 19);
      if (kind < 10) return bytes(documents.generate(in));
      return switch (kind) {
        case 10 -> truncate(in, bytes(documents.generate(in)));
        case 11, 12 -> spliceInvalidUtf8(in, bytes(documents.generate(in)));
        case 13 ->
            concat(
                bytes(documents.generate(in)),
                pickOf(in, " x", "}", "]", ",", " {}", "\u0000", " null")
                    .getBytes(StandardCharsets.UTF_8));
        case 14 ->
            concat(
                new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes(documents.generate(in)));
        case 15 -> deeplyNested(pick(in, 0, 3) == 0 ? 1_000 : 10_000, pick(in, 0, 1) == 0);
        case 16 ->
            pick(in, 0, 19) == 0
                ? ("\"" + "x".repeat(20_000_001) + "\"").getBytes(StandardCharsets.US_ASCII)
                : ("[" + "9".repeat((int) pick(in, 1_001, 5_000)) + "]")
                    .getBytes(StandardCharsets.US_ASCII);
        case 17, 18 ->
            NOT_JSON.get((int) pick(in, 0, NOT_JSON.size() - 1)).getBytes(StandardCharsets.UTF_8);
        default -> randomBytes(in);
      };
    };
  }

  /**
   * {@code levels} nested arrays ({@code [[[...]]]}) or objects ({@code {"a":{"a":...}}}), closed
   * properly; Jackson refuses more than 1,000 levels by default, a recursive reader overflows its
   * stack.
   */
  public static byte[] deeplyNested(int levels, boolean arrays) {
    String open = arrays ? "[" : "{\"a\":";
    String close = arrays ? "]" : "}";
    return (open.repeat(levels) + (arrays ? "" : "1") + close.repeat(levels))
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A node as UTF-8 JSON. Never fails: NaN and infinities are written as strings (Jackson's
   * default), a lone surrogate becomes {@code ?} (the node is serialized to a Java string first).
   */
  public static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a generated node could not be serialized", e);
    }
  }

  /**
   * Bytes as the JDK HTTP client's {@code BodyHandlers.ofString()} gives them: UTF-8, bad bytes
   * replaced.
   */
  public static String text(byte[] payload) {
    return new String(payload, StandardCharsets.UTF_8);
  }

  private static byte[] truncate(RandomnessSource in, byte[] b) {
    byte[] out = new byte[(int) pick(in, 0, Math.max(0, b.length - 1))];
    System.arraycopy(b, 0, out, 0, out.length);
    return out;
  }

  private static final byte[][] INVALID_UTF8 = {
    {(byte) 0xFF},
    {(byte) 0xC0, (byte) 0x80},
    {(byte) 0x80},
    {(byte) 0xE2, (byte) 0x82},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
    {(byte) 0xF0, (byte) 0x9F},
    {(byte) 0xFE, (byte) 0xFF}
  };

  private static byte[] spliceInvalidUtf8(RandomnessSource in, byte[] b) {
    byte[] bad = INVALID_UTF8[(int) pick(in, 0, INVALID_UTF8.length - 1)];
    int at = (int) pick(in, 0, b.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + bad.length);
    out.write(b, 0, at);
    out.write(bad, 0, bad.length);
    out.write(b, at, b.length - at);
    return out.toByteArray();
  }

  private static byte[] randomBytes(RandomnessSource in) {
    byte[] b = new byte[(int) pick(in, 0, 64)];
    for (int i = 0; i < b.length; i++) b[i] = (byte) pick(in, 0, 255);
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  // ---------------------------------------------------------------- helpers

  /**
   * The field names of {@code document} and of every object inside it, for {@link #values(List)}.
   */
  public static List<String> fieldNamesOf(JsonNode document) {
    List<String> out = new ArrayList<>();
    List<ContainerNode<?>> containers = new ArrayList<>();
    collect(document, containers);
    for (ContainerNode<?> c : containers) {
      Iterator<Map.Entry<String, JsonNode>> fields = c.fields();
      while (fields.hasNext()) {
        String name = fields.next().getKey();
        if (!out.contains(name)) out.add(name);
      }
    }
    return List.copyOf(out);
  }

  private static long pick(RandomnessSource in, long min, long max) {
    return in.next(Constraint.between(min, max));
  }

  @SafeVarargs
  private static <T> T pickOf(RandomnessSource in, T... choices) {
    return choices[(int) pick(in, 0, choices.length - 1)];
  }
}
