package kafkapipeline.api.sources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * QuickTheories generators of source descriptions: {@link #valid()} ones of every shape (both
 * kinds, optional parts present or not, every column type, composite keys), from which the property
 * tests inject one defect each.
 */
final class SpecGen {
  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";
  private static final String NAME_CHARS = LETTERS + "0123456789_";

  private SpecGen() {}

  /** Descriptions with no problem. */
  static Gen<SourceSpec> valid() {
    return SpecGen::spec;
  }

  static long pick(RandomnessSource in, long min, long max) {
    return in.next(Constraint.between(min, max));
  }

  @SafeVarargs
  static <T> T pickOf(RandomnessSource in, T... choices) {
    return choices[(int) pick(in, 0, choices.length - 1)];
  }

  /** A CQL name that is no reserved word, 1 to {@code max} characters. */
  static String identifier(RandomnessSource in, int max) {
    StringBuilder b = new StringBuilder().append(LETTERS.charAt((int) pick(in, 0, 25)));
    int n = (int) pick(in, 0, max - 1);
    for (int i = 0; i < n; i++) b.append(NAME_CHARS.charAt((int) pick(in, 0, 36)));
    String name = b.toString();
    return SourceSpecs.CQL_RESERVED_KEYWORDS.contains(name.toUpperCase(Locale.ROOT))
        ? name.substring(0, Math.min(name.length(), max - 2)) + "_x"
        : name;
  }

  /** A valid RFC 6901 pointer, escapes included. */
  static String pointer(RandomnessSource in) {
    int depth = (int) pick(in, 0, 3);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      b.append('/')
          .append(pickOf(in, "id", "name", "meta", "0", "", "a~1b", "x~0y", "ключ", "date_utc"));
    }
    return b.toString();
  }

  private static SourceSpec spec(RandomnessSource in) {
    SourceKind kind = pickOf(in, SourceKind.values());
    boolean poll = kind == SourceKind.HTTP_POLL;
    String name = identifier(in, 48);
    String url =
        pickOf(in, "http", "https", "HTTP")
            + "://"
            + pickOf(
                in,
                "203.0.113.7:8123",
                "api.spacexdata.com",
                "stream.wikimedia.org",
                "[2001:db8::1]:80")
            + pickOf(in, "", "/", "/v4/launches/past", "/v2/stream/recentchange?x=1");
    Duration interval =
        poll && pick(in, 0, 1) == 0 ? Duration.ofSeconds(pick(in, 1, 86_400)) : null;
    Map<String, String> headers = headers(in, "X-H", false);
    Map<String, String> secrets = headers(in, "X-S", true);
    Map<String, String> query = null;
    if (poll && pick(in, 0, 1) == 0) {
      query = new LinkedHashMap<>();
      int n = (int) pick(in, 0, 3);
      for (int i = 0; i < n; i++) query.put("q" + i, pickOf(in, "", "1", "a b", "é&="));
    }
    String items = pickOf(in, null, "", "/items", "/data/0");
    SseFilter filter =
        !poll && pick(in, 0, 1) == 0
            ? new SseFilter(pointer(in), List.of(pickOf(in, "canary", "", "x")))
            : null;
    String topic = pick(in, 0, 2) == 0 ? pickOf(in, "t." + name, "T-" + name, name + "_2") : null;
    String table = pick(in, 0, 2) == 0 ? identifier(in, 48) : null;

    int n = (int) pick(in, 1, 8);
    List<ColumnSpec> columns = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // "c<i>" first so names are unique; the rest random.
      String column = ("c" + i + "_" + identifier(in, 20));
      column = column.substring(0, Math.min(48, column.length()));
      columns.add(
          new ColumnSpec(
              column, pointer(in), pickOf(in, ColumnType.values()), pick(in, 0, 1) == 0));
    }
    int keys = (int) pick(in, 1, Math.min(n, 4));
    int partition = (int) pick(in, 1, keys);
    List<String> p = new ArrayList<>();
    List<String> c = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      ColumnSpec k = columns.get(i);
      ColumnType type = k.type() == ColumnType.JSON ? ColumnType.TEXT : k.type();
      columns.set(i, new ColumnSpec(k.name(), k.pointer(), type, true));
      (i < partition ? p : c).add(k.name());
    }
    PrimaryKeySpec key = new PrimaryKeySpec(p, pick(in, 0, 1) == 0 && c.isEmpty() ? null : c);
    return new SourceSpec(
        name,
        kind,
        url,
        interval,
        headers,
        secrets,
        query,
        items,
        // The record key is a key column's value (SpecProblems requires it).
        columns.get((int) pick(in, 0, keys - 1)).pointer(),
        filter,
        topic,
        table,
        columns,
        key);
  }

  private static Map<String, String> headers(RandomnessSource in, String prefix, boolean secret) {
    if (pick(in, 0, 2) == 0) return null;
    Map<String, String> out = new LinkedHashMap<>();
    int n = (int) pick(in, 0, 3);
    for (int i = 0; i < n; i++) {
      out.put(
          prefix + i + pickOf(in, "", "-Key", "_x", "!#$%&'*+.^`|~"),
          secret
              ? pickOf(
                  in,
                  "SOURCE_SECRET_API_KEY",
                  "SOURCE_SECRET__",
                  "SOURCE_SECRET_K" + i,
                  "file:launches.key",
                  "file:K" + i)
              : pickOf(in, "", "application/json", "a\tb", "Ünïcode ✓", "x".repeat(300)));
    }
    return out;
  }
}
