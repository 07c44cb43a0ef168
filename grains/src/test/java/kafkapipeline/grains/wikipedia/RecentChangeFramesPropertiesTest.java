package kafkapipeline.grains.wikipedia;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import kafkapipeline.grains.persist.WikipediaRowMapper;
import kafkapipeline.grains.wikipedia.RecentChangeFrames.Frame;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@link RecentChangeFrames#decode} over generated data: JSON of every shape (scalars, arrays,
 * objects, objects shaped like recent changes with fields of the wrong type), cut short or with
 * stray characters, with huge and odd strings. It never throws; a Change is exactly what the
 * persister can make a row of; anything else keeps the data as it came.
 */
class RecentChangeFramesPropertiesTest {
  private static final int EXAMPLES = 3_000;

  private static final List<String> ODD =
      List.of(
          "a",
          "é",
          "\u2028",
          "\u2029",
          "\u0085",
          "\uFEFF",
          "\0",
          "\"",
          "\\",
          "\n",
          "\t",
          "\uD83D\uDE00",
          "\uD800",
          "canary",
          "{",
          "]",
          "\u001f",
          "enwiki",
          " ");

  private static final Gen<String> ODD_STRING =
      Generate.frequency(
          Pair.of(
              200, lists().of(Generate.pick(ODD)).ofSizeBetween(0, 6).map(p -> String.join("", p))),
          Pair.of(1, integers().between(10_000, 100_000).map(n -> "\u2028x".repeat(n / 2))));

  /** A JSON string literal, mostly escaped properly, sometimes (raw control characters) not. */
  private static final Gen<String> STRING_LITERAL =
      ODD_STRING.zip(
          booleans().all(),
          (s, escape) -> {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
              if (c == '"' || c == '\\') b.append('\\').append(c);
              else if (c < 0x20 && escape) b.append(String.format("\\u%04x", (int) c));
              else b.append(c);
            }
            return b.append('"').toString();
          });

  private static final Gen<String> SCALAR =
      Generate.oneOf(
          Generate.constant("null"),
          booleans().all().map((Boolean b) -> String.valueOf(b)),
          longs().all().map((Long n) -> String.valueOf(n)),
          doubles().any().map(d -> d.isNaN() || d.isInfinite() ? "1e999" : String.valueOf(d)),
          STRING_LITERAL);

  private static final List<String> CHANGE_FIELDS =
      List.of(
          "meta",
          "wiki",
          "id",
          "type",
          "namespace",
          "title",
          "comment",
          "timestamp",
          "user",
          "bot",
          "minor",
          "patrolled",
          "length",
          "revision",
          "log_type",
          "other");

  static Gen<String> json(int depth) {
    if (depth == 0) return SCALAR;
    Gen<String> inner = json(depth - 1);
    Gen<String> array =
        lists().of(inner).ofSizeBetween(0, 4).map(l -> "[" + String.join(",", l) + "]");
    Gen<String> anyKeys =
        lists()
            .of(STRING_LITERAL.zip(inner, (k, v) -> k + ":" + v))
            .ofSizeBetween(0, 4)
            .map(l -> "{" + String.join(",", l) + "}");
    Gen<String> changeKeys =
        lists()
            .of(
                Generate.pick(CHANGE_FIELDS)
                    .zip(Generate.oneOf(inner, meta(inner)), (k, v) -> "\"" + k + "\":" + v))
            .ofSizeBetween(0, 8)
            .map(l -> "{" + String.join(",", l) + "}");
    return Generate.frequency(
        Pair.of(2, SCALAR), Pair.of(1, array), Pair.of(1, anyKeys), Pair.of(3, changeKeys));
  }

  /** A {@code meta} object with ids, domains and times of any type. */
  static Gen<String> meta(Gen<String> value) {
    Gen<String> field =
        Generate.pick(List.of("id", "domain", "dt"))
            .zip(
                Generate.oneOf(
                    value,
                    Generate.pick(
                        List.of("\"m-1\"", "\"canary\"", "\"2025-05-03T08:15:00Z\"", "\"\""))),
                (k, v) -> "\"" + k + "\":" + v);
    return lists().of(field).ofSizeBetween(0, 3).map(l -> "{" + String.join(",", l) + "}");
  }

  private static Gen<String> mostly(String good, Gen<String> other) {
    return Generate.frequency(Pair.of(4, Generate.constant(good)), Pair.of(1, other));
  }

  /** Objects close to a usable change: each field right most of the time, anything otherwise. */
  private static final Gen<String> CHANGE_LIKE =
      mostly("\"m-1\"", Generate.oneOf(STRING_LITERAL, SCALAR))
          .zip(
              mostly("\"en.wikipedia.org\"", Generate.pick(List.of("\"canary\"", "null", "7"))),
              mostly("\"enwiki\"", Generate.oneOf(STRING_LITERAL, SCALAR)),
              Generate.oneOf(STRING_LITERAL, SCALAR, json(1)),
              (id, domain, wiki, comment) ->
                  "{\"meta\":{\"id\":"
                      + id
                      + ",\"domain\":"
                      + domain
                      + ",\"dt\":\"2025-05-03T08:15:00Z\"},"
                      + "\"wiki\":"
                      + wiki
                      + ",\"namespace\":0,\"comment\":"
                      + comment
                      + "}");

  /** Valid JSON, or JSON cut at some point, or with a stray character put in. */
  private static final Gen<String> DATA =
      Generate.oneOf(json(3), CHANGE_LIKE)
          .zip(
              integers().between(0, 2),
              integers().between(0, 10_000),
              Generate.pick(ODD),
              (j, how, at, stray) -> {
                int i = at % (j.length() + 1);
                return switch (how) {
                  case 0 -> j;
                  case 1 -> j.substring(0, i);
                  default -> j.substring(0, i) + stray + j.substring(i);
                };
              });

  @Test
  void decodeNeverThrowsAndAChangeIsAlwaysARow() {
    java.util.Map<String, Integer> seen = new java.util.TreeMap<>();
    qt().withExamples(EXAMPLES)
        .forAll(
            DATA,
            Generate.pick(List.of("", "[1]", "[{\"partition\":0}]", "\u2028", "x".repeat(600))),
            Generate.frequency(
                Pair.of(8, Generate.constant("message")),
                Pair.of(1, Generate.pick(List.of("", "error", "add")))))
        .checkAssert(
            (data, id, type) -> {
              Frame f = RecentChangeFrames.decode(new SseDecoder.Event(type, data, id));
              seen.merge(f.getClass().getSimpleName(), 1, Integer::sum);
              assertEquals(id.isEmpty() ? Optional.empty() : Optional.of(id), f.position());
              byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
              if (f instanceof RecentChangeFrames.Change c) {
                assertArrayEquals(bytes, c.json());
                assertEquals(
                    WikipediaRowMapper.parse(c.json()).meta().id(), c.key(), "keyed by meta.id");
              } else if (f instanceof RecentChangeFrames.Malformed m) {
                assertArrayEquals(bytes, m.data());
                assertTrue(
                    m.key().length() <= RecentChangeFrames.MAX_KEY_CHARS && !m.key().isEmpty(),
                    m.key());
                assertTrue(!m.reason().isEmpty());
              } else if (f instanceof RecentChangeFrames.ServerError e) {
                assertEquals("error", type);
              } else if (f instanceof RecentChangeFrames.Oversize o) {
                assertTrue(o.bytes() > kafkapipeline.api.Topics.MAX_EVENT_BYTES);
              } else {
                assertTrue(f instanceof RecentChangeFrames.Canary, String.valueOf(f));
              }
            });
    // The generator must reach every outcome, or the property says little.
    assertEquals(
        java.util.Set.of("Canary", "Change", "Malformed", "ServerError"),
        seen.keySet(),
        String.valueOf(seen));
    System.out.println("decode outcomes: " + seen);
  }

  @Test
  void oversizeAndIdOnlyOutputsNeverThrow() {
    qt().withExamples(EXAMPLES)
        .forAll(ODD_STRING, ODD_STRING, longs().between(0, Long.MAX_VALUE))
        .checkAssert(
            (id, head, bytes) -> {
              Frame o =
                  RecentChangeFrames.decode(
                      new SseDecoder.Oversize(
                          "message", id, bytes, head.getBytes(StandardCharsets.UTF_8), "r"));
              assertTrue(
                  o instanceof RecentChangeFrames.Oversize x
                      && x.key().length() <= RecentChangeFrames.MAX_KEY_CHARS);
              Frame p = RecentChangeFrames.decode(new SseDecoder.IdOnly(id));
              assertEquals(id.isEmpty() ? Optional.empty() : Optional.of(id), p.position());
            });
  }
}
