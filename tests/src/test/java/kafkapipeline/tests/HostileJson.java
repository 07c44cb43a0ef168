package kafkapipeline.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Payloads a live API or a careless producer may send, made from a seed so every case can be
 * reproduced: a real event with fields replaced by values of any JSON type, deleted or added;
 * nulls; extreme and overflowing numbers; dates far outside any column's range; huge and odd
 * strings (raw U+2028, lone surrogates, NUL); invalid UTF-8; deep nesting; top-level values that
 * are not objects; and bytes that are not JSON at all.
 */
final class HostileJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final String[] ODD_STRINGS = {
    "", " ", "null", "true", "NaN", "-Infinity", "0", "-1", "9223372036854775808", "1e400",
    "\u2028\u2029\u0085", "\ud800", "\udfff\ud800", "a\u0000b", "\uFEFFbom", "Đà Nẵng ✓ 🚀", "\u202Eevil",
    "+999999999-12-31T23:59:59.999999999Z", "-999999999-01-01T00:00:00Z", "2026-13-45T25:61:61Z",
    "1970-01-01T00:00:00Z", "2026-12-01T00:00:00+14:00", "not-a-uuid", "00000000-0000-0000-0000-000000000000",
    "0d7f5e36-3b0e-4a51-9a39-6b3c7c1f0e11", "hanoi,vn",
  };

  private static final Number[] ODD_NUMBERS = {
    0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE,
    new BigInteger("170141183460469231731687303715884105728"), 1e308, -1e308, 4.9e-324, -0.0, 0.1,
    31_556_889_864_403_199L, -31_557_014_167_219_200L, 9_223_372_036_854_775L,
    new BigDecimal("1e400"), new BigDecimal("-1e-400"),
  };

  private HostileJson() {}

  /** A hostile payload derived from one of {@code seeds} (valid events), or from nothing. */
  static byte[] payload(long seed, List<ObjectNode> seeds) {
    Random random = new Random(seed);
    int kind = random.nextInt(100);
    try {
      if (kind < 3) return randomBytes(random);
      if (kind < 6) return JSON.writeValueAsBytes(anyValue(random, 3)); // any top-level value
      if (kind < 8) return deepNesting(random);
      ObjectNode event = seeds.get(random.nextInt(seeds.size())).deepCopy();
      mutate(random, event, 0);
      byte[] bytes = JSON.writeValueAsBytes(event);
      if (kind < 12) return truncate(random, bytes);
      if (kind < 16) return withInvalidUtf8(random, bytes);
      return bytes;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Replaces, deletes or adds fields, at any depth. */
  private static void mutate(Random random, ObjectNode node, int depth) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    int changes = 1 + random.nextInt(4);
    for (int c = 0; c < changes && !names.isEmpty(); c++) {
      String name = names.get(random.nextInt(names.size()));
      JsonNode value = node.get(name);
      int what = random.nextInt(10);
      if (value instanceof ObjectNode inner && what < 3 && depth < 3) {
        mutate(random, inner, depth + 1);
      } else if (what < 5) {
        node.set(name, anyValue(random, 2));
      } else if (what < 7) {
        node.set(name, NODES.nullNode());
      } else if (what < 8) {
        node.remove(name);
      } else {
        node.set("extra_" + random.nextInt(1000), anyValue(random, 2));
      }
    }
  }

  /** Any JSON value, biased to the ones that break parsers and columns. */
  static JsonNode anyValue(Random random, int depth) {
    int kind = random.nextInt(depth > 0 ? 9 : 7);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> number(ODD_NUMBERS[random.nextInt(ODD_NUMBERS.length)]);
      case 3 -> NODES.numberNode(random.nextLong());
      case 4 -> NODES.textNode(ODD_STRINGS[random.nextInt(ODD_STRINGS.length)]);
      case 5 -> NODES.textNode(randomString(random, random.nextInt(10) == 0 ? 100_000 : 40));
      case 6 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(600) - 300));
      case 7 -> {
        ArrayNode array = NODES.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) array.add(anyValue(random, depth - 1));
        yield array;
      }
      default -> {
        ObjectNode object = NODES.objectNode();
        for (int i = random.nextInt(4); i > 0; i--) object.set("f" + i, anyValue(random, depth - 1));
        yield object;
      }
    };
  }

  private static JsonNode number(Number n) {
    if (n instanceof BigInteger b) return NODES.numberNode(b);
    if (n instanceof BigDecimal d) return NODES.numberNode(d);
    if (n instanceof Double d) return NODES.numberNode(d);
    if (n instanceof Long l) return NODES.numberNode(l);
    return NODES.numberNode(n.intValue());
  }

  private static String randomString(Random random, int maxLength) {
    int length = random.nextInt(maxLength + 1);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      // Mostly printable, with control characters, separators and lone surrogates mixed in.
      int r = random.nextInt(20);
      s.append(r == 0 ? (char) random.nextInt(0x20) : r == 1 ? (char) (0xD800 + random.nextInt(0x800))
          : r == 2 ? (char) random.nextInt(0x10000) : (char) (0x20 + random.nextInt(0x5F)));
    }
    return s.toString();
  }

  private static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(200)];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] deepNesting(Random random) {
    int depth = 500 + random.nextInt(20_000);
    String open = random.nextBoolean() ? "[" : "{\"a\":";
    String close = open.equals("[") ? "]" : "}";
    return (open.repeat(depth) + "1" + close.repeat(depth)).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] truncate(Random random, byte[] bytes) {
    return Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
  }

  /** Bytes that no UTF-8 decoder accepts, put inside the JSON text. */
  private static byte[] withInvalidUtf8(Random random, byte[] bytes) {
    byte[] out = bytes.clone();
    byte[][] bad = {{(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0x80}};
    byte[] b = bad[random.nextInt(bad.length)];
    int at = random.nextInt(Math.max(1, out.length - b.length));
    System.arraycopy(b, 0, out, at, Math.min(b.length, out.length - at));
    return out;
  }
}
