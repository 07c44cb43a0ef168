package kafkapipeline.api.sources;

import static kafkapipeline.api.sources.SpecGen.pick;
import static kafkapipeline.api.sources.SpecGen.pickOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;

/**
 * {@link SourceSpecs#problems} over generated descriptions ({@link SpecGen}): a valid one has none,
 * and one defect injected into a valid one always gives problems, every one of them naming the key
 * the defect is at (so a check neither misses a defect nor blames another key). Every defect kind
 * is reached: the test counts them.
 */
class SourceSpecsPropertiesTest {
  private static final int EXAMPLES = 3_000;

  /** A description with one defect, and the key every problem must name. */
  record Defect(String what, SourceSpec spec, String key, List<String> also) {
    @Override
    public String toString() {
      return what + " at " + key + ": " + spec;
    }
  }

  private static final List<BiFunction<RandomnessSource, SpecEdit, Defect>> DEFECTS = defects();

  @Test
  void aValidDescriptionHasNoProblem() {
    qt().withExamples(EXAMPLES)
        .forAll(SpecGen.valid())
        .checkAssert(spec -> assertEquals(List.of(), SourceSpecs.problems(spec), spec::toString));
  }

  @Test
  void everyInjectedDefectIsNamedByKey() {
    int[] reached = new int[DEFECTS.size()];
    Gen<SourceSpec> valid = SpecGen.valid();
    Gen<Defect> defects =
        in -> {
          SourceSpec spec = valid.generate(in);
          int w = (int) pick(in, 0, DEFECTS.size() - 1);
          reached[w]++;
          return DEFECTS.get(w).apply(in, new SpecEdit(spec));
        };
    qt().withExamples(EXAMPLES)
        .forAll(defects)
        .checkAssert(
            defect -> {
              List<String> problems = SourceSpecs.problems(defect.spec());
              assertFalse(problems.isEmpty(), defect::toString);
              assertTrue(
                  problems.stream().anyMatch(p -> p.contains(": " + defect.key() + " ")),
                  problems + " / " + defect);
              for (String p : problems) {
                assertTrue(p.startsWith("source "), p);
                assertTrue(
                    p.contains(": " + defect.key() + " ")
                        || defect.also().stream().anyMatch(k -> p.contains(": " + k + " ")),
                    p + " / " + defect);
              }
            });
    for (int i = 0; i < reached.length; i++)
      assertTrue(reached[i] > EXAMPLES / DEFECTS.size() / 3, "defect " + i + " reached rarely");
  }

  private static Defect d(String what, SpecEdit e, String key, String... also) {
    return new Defect(what, e.build(), key, List.of(also));
  }

  private static List<BiFunction<RandomnessSource, SpecEdit, Defect>> defects() {
    List<BiFunction<RandomnessSource, SpecEdit, Defect>> out = new ArrayList<>();
    out.add(
        (in, e) -> {
          e.name =
              pickOf(
                  in,
                  null,
                  "",
                  "Launches",
                  "1abc",
                  "_a",
                  "a-b",
                  "a b",
                  "é",
                  "select",
                  "table",
                  "a".repeat(49),
                  "launches\n",
                  "ADD");
          return d("bad name", e, "name");
        });
    out.add((in, e) -> d("no kind", kindless(e), "kind"));
    out.add(
        (in, e) -> {
          e.url =
              pickOf(
                  in,
                  null,
                  "",
                  "/v4/launches",
                  "ftp://h/x",
                  "http:///x",
                  "http://",
                  "a b",
                  "http://exa mple.com/",
                  "file:///etc/passwd",
                  "https://user:pw@h/x",
                  "javascript:alert(1)",
                  "http://[::1");
          return d("bad url", e, "url");
        });
    out.add(
        (in, e) -> {
          e.url =
              pickOf(in, "http://", "https://", "HTTP://")
                  + pickOf(
                      in,
                      "127.0.0.1",
                      "127.9.9.9:8080",
                      "10.1.2.3",
                      "172.31.255.255",
                      "192.168.0.1",
                      "100.64.0.1",
                      "169.254.169.254",
                      "0.0.0.0",
                      "224.0.0.1",
                      "255.255.255.255",
                      "[::1]",
                      "[::]",
                      "[fd00:ec2::254]",
                      "[fe80::1]",
                      "[fec0::1]",
                      "[ff02::1]",
                      "[::ffff:127.0.0.1]",
                      "[::ffff:a9fe:a9fe]",
                      "[::10.0.0.1]",
                      "[64:ff9b::a9fe:a9fe]",
                      "[2002:c0a8:0101::1]:443")
                  + pickOf(in, "", "/", "/latest/meta-data/");
          return d("internal address", e, "url");
        });
    out.add(
        (in, e) -> {
          e.poll().interval =
              pickOf(
                  in,
                  Duration.ZERO,
                  Duration.ofMillis(999),
                  Duration.ofSeconds(-5),
                  Duration.ofHours(24).plusSeconds(1),
                  Duration.ofDays(365));
          return d("interval out of range", e, "interval");
        });
    out.add(
        (in, e) -> {
          e.sse().interval = Duration.ofSeconds(30);
          return d("interval on sse", e, "interval");
        });
    out.add(
        (in, e) -> {
          String name = pickOf(in, "Bad Name", "", "X:Y", "Ä", "a\r\nb", "(x)", "Host", "Upgrade");
          e.headers().put(name, "v");
          return d("bad header name", e, "headers['" + Show.cut(name) + "']");
        });
    out.add(
        (in, e) -> {
          e.headers().put("X-Bad", pickOf(in, null, "a\r\nX-Evil: 1", "\n", "a\u0000b", "\u007f"));
          return d("bad header value", e, "headers['X-Bad']");
        });
    out.add(
        (in, e) -> {
          e.secretHeaders()
              .put(
                  "X-Key",
                  pickOf(
                      in,
                      null,
                      "",
                      "api_key",
                      "1KEY",
                      "A-B",
                      "A B",
                      "HTTP_TOKEN",
                      "OWM_API_KEY",
                      "CASSANDRA_PASSWORD",
                      "KAFKA_SASL",
                      "SOURCE_SECRET_",
                      "source_secret_x",
                      "file:",
                      "file:..",
                      "file:.",
                      "file:../HTTP_TOKEN",
                      "file:a/b",
                      "file:/etc/passwd",
                      "file:.hidden",
                      "file:a\\b"));
          return d("bad env var", e, "secretHeaders['X-Key']");
        });
    out.add(
        (in, e) -> {
          String name = pickOf(in, "X-Both", "x-both", "X-BOTH");
          e.headers().put("X-Both", "v");
          e.secretHeaders().put(name, "SOURCE_SECRET_BOTH");
          return d("header in both maps", e, "secretHeaders['" + name + "']");
        });
    out.add(
        (in, e) -> {
          e.sse().query = new java.util.LinkedHashMap<>(java.util.Map.of("a", "1"));
          return d("query on sse", e, "query");
        });
    out.add(
        (in, e) -> {
          e.poll().query = new java.util.LinkedHashMap<>();
          boolean emptyName = pick(in, 0, 1) == 0;
          e.query.put(emptyName ? "" : "a", emptyName ? "x" : null);
          return d("bad query", e, "query['" + (emptyName ? "" : "a") + "']");
        });
    out.add(
        (in, e) -> {
          e.items = pickOf(in, "items", "~", "/a~2", "/a~", " /a", "#/a");
          return d("bad items pointer", e, "items");
        });
    out.add(
        (in, e) -> {
          e.key = pickOf(in, null, "id", "/a~", "/~x");
          return d("bad key", e, "key");
        });
    out.add(
        (in, e) -> {
          e.poll().filter = new SseFilter("/meta/domain", List.of("canary"));
          return d("filter on http-poll", e, "filter");
        });
    out.add(
        (in, e) -> {
          // A valid pointer that no primary-key column reads: the row's versions could spread
          // over partitions.
          List<String> keyPointers = new ArrayList<>();
          for (String n : e.partition) keyPointers.add(column(e, n).pointer());
          if (e.clustering != null)
            for (String n : e.clustering) keyPointers.add(column(e, n).pointer());
          String other = pickOf(in, "/other", "", "/a/0", "/~0");
          while (keyPointers.contains(other)) other += "x";
          e.key = other;
          return d("key not a key column", e, "key");
        });
    out.add(
        (in, e) -> {
          e.sse().filter = new SseFilter("/meta/domain", pickOf(in, null, List.of()));
          return d("filter without values", e, "filter.dropValues");
        });
    out.add(
        (in, e) -> {
          e.sse().filter = new SseFilter(pickOf(in, null, "meta", "/~"), List.of("canary"));
          return d("filter pointer", e, "filter.pointer");
        });
    out.add(
        (in, e) -> {
          e.topic = pickOf(in, "__consumer", ".", "..", "a b", "t/x", "x".repeat(250), "é");
          return d("bad topic", e, "topic");
        });
    out.add(
        (in, e) -> {
          e.table = pickOf(in, "Table", "from", "1t", "t-x", "x".repeat(49));
          return d("bad table", e, "table");
        });
    out.add(
        (in, e) -> {
          e.columns.clear();
          e.partition.clear();
          e.clustering = null;
          // With no columns the key has none either, which is its own problem.
          return d("no columns", e, "columns", "primaryKey.partition");
        });
    out.add(
        (in, e) -> {
          int i = e.nonKeyColumn();
          ColumnSpec c = e.columns.get(i);
          e.columns.set(
              i, new ColumnSpec(c.name(), pickOf(in, "id", "~", "/a~9"), c.type(), false));
          return d("bad column pointer", e, "columns[" + i + "].pointer");
        });
    out.add(
        (in, e) -> {
          int i = (int) pick(in, 0, e.columns.size() - 1);
          ColumnSpec c = e.columns.get(i);
          e.columns.set(i, new ColumnSpec(c.name(), c.pointer(), null, c.required()));
          return d("no column type", e, "columns[" + i + "].type");
        });
    out.add(
        (in, e) -> {
          String name = pickOf(in, null, "Name", "key ", "select", "primary", "9x", "");
          e.columns.add(new ColumnSpec(name, "/x", ColumnType.TEXT, false));
          return d("bad column name", e, "columns[" + (e.columns.size() - 1) + "].name");
        });
    out.add(
        (in, e) -> {
          String name = e.columns.get((int) pick(in, 0, e.columns.size() - 1)).name();
          e.columns.add(new ColumnSpec(name, "/x", ColumnType.INT, false));
          return d("repeated column name", e, "columns[" + (e.columns.size() - 1) + "].name");
        });
    out.add(
        (in, e) -> {
          e.columns.add(null);
          return d("null column", e, "columns[" + (e.columns.size() - 1) + "]");
        });
    out.add(
        (in, e) -> {
          e.noPrimaryKey = true;
          return d("no primary key", e, "primaryKey");
        });
    out.add(
        (in, e) -> {
          e.partition.clear();
          e.clustering = null;
          return d("empty partition", e, "primaryKey.partition");
        });
    out.add(
        (in, e) -> {
          e.partition.set(0, pickOf(in, "missing", null, "ID"));
          return d("key column missing", e, "primaryKey.partition[0]");
        });
    out.add(
        (in, e) -> {
          int i = e.columns.indexOf(column(e, e.partition.get(0)));
          ColumnSpec c = e.columns.get(i);
          boolean json = pick(in, 0, 1) == 0;
          e.columns.set(
              i,
              new ColumnSpec(
                  c.name(), c.pointer(), json ? ColumnType.JSON : c.type(), json && c.required()));
          return d("key column json or optional", e, "primaryKey.partition[0]");
        });
    out.add(
        (in, e) -> {
          if (e.clustering == null) e.clustering = new ArrayList<>();
          e.clustering.add(e.partition.get(0));
          return d(
              "key column twice", e, "primaryKey.clustering[" + (e.clustering.size() - 1) + "]");
        });
    return out;
  }

  private static SpecEdit kindless(SpecEdit e) {
    e.kind = null;
    // Without a kind, what belongs to one kind only is not a problem of its own.
    return e;
  }

  private static ColumnSpec column(SpecEdit e, String name) {
    return e.columns.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }
}
