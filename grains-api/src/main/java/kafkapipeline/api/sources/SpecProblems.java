package kafkapipeline.api.sources;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks behind {@link SourceSpecs#problems}: one pass over a description collecting every
 * problem as {@code source '<name>': <key> <reason>}. Null anywhere is a problem, never an
 * exception.
 */
final class SpecProblems {
  /** At most this many columns: a table is created from them, and each is a bound value. */
  static final int MAX_COLUMNS = 256;

  static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  static final Duration MAX_INTERVAL = Duration.ofHours(24);

  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /** RFC 9110 token: the characters of a header name. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** Headers the HTTP client sets itself from the request and the connection. */
  private static final Set<String> CLIENT_HEADERS =
      Set.of("connection", "content-length", "expect", "host", "transfer-encoding", "upgrade");

  private final SourceSpec spec;
  private final AddressRule addresses; // null: the URL's address is not checked
  private final String prefix;
  private final List<String> out = new ArrayList<>();

  SpecProblems(SourceSpec spec, AddressRule addresses) {
    this.spec = spec;
    this.addresses = addresses;
    this.prefix =
        "source " + (spec == null || spec.name() == null ? "(no name)" : Show.quote(spec.name()));
  }

  List<String> all() {
    if (spec == null) {
      add("", "is missing (null)");
      return out;
    }
    identifier("name", spec.name());
    if (spec.kind() == null) add("kind", "is missing (\"http-poll\" or \"sse\")");
    url();
    interval();
    headers();
    query();
    pointer("items", spec.items(), false);
    pointer("key", spec.key(), true);
    filter();
    if (spec.topic() != null && !spec.topic().isEmpty()) topic(spec.topic());
    if (spec.table() != null && !spec.table().isEmpty()) identifier("table", spec.table());
    Map<String, ColumnSpec> columns = columns();
    int before = out.size();
    primaryKey(columns);
    if (out.size() == before) keyIsAKeyColumn(columns);
    return out;
  }

  /**
   * The record key must be one primary-key column's value: then every version of a row has the same
   * Kafka key, so it lands on one partition, and the partition's order makes the row its last
   * version. Checked only when the key and the primary key are otherwise valid (their own problems
   * say what is wrong with them).
   */
  private void keyIsAKeyColumn(Map<String, ColumnSpec> columns) {
    PrimaryKeySpec key = spec.primaryKey();
    if (!SourceSpecs.isPointer(spec.key()) || key == null || key.partition() == null) return;
    List<String> names = new ArrayList<>(key.partition());
    if (key.clustering() != null) names.addAll(key.clustering());
    List<String> pointers = new ArrayList<>();
    for (String name : names) {
      ColumnSpec c = name == null ? null : columns.get(name);
      if (c == null || !SourceSpecs.isPointer(c.pointer())) return;
      pointers.add(c.pointer());
    }
    if (!pointers.isEmpty() && !pointers.contains(spec.key()))
      add(
          "key",
          Show.quote(spec.key())
              + " is not the pointer of a primary-key column ("
              + String.join(", ", pointers.stream().map(Show::quote).toList())
              + "): the versions of one row must share a Kafka key, so they keep their order");
  }

  private void add(String key, String reason) {
    out.add(prefix + ": " + (key.isEmpty() ? "" : key + " ") + reason);
  }

  private void identifier(String key, String name) {
    if (name == null || name.isEmpty()) {
      add(key, "is missing");
    } else if (!SourceSpecs.IDENTIFIER.matcher(name).matches()) {
      add(
          key,
          Show.quote(name)
              + " is not a name ("
              + SourceSpecs.IDENTIFIER.pattern()
              + ": a lower-case letter, then lower-case letters, digits or _, at most 48)");
    } else if (SourceSpecs.CQL_RESERVED_KEYWORDS.contains(name.toUpperCase(Locale.ROOT))) {
      add(key, Show.quote(name) + " is a CQL reserved word");
    }
  }

  private void topic(String topic) {
    if (!TOPIC.matcher(topic).matches()) {
      add(
          "topic",
          Show.quote(topic)
              + " is not a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, '.', '_', '-')");
    } else if (topic.equals(".") || topic.equals("..")) {
      add("topic", Show.quote(topic) + " is not a Kafka topic name ('.' and '..' are refused)");
    } else if (topic.startsWith("__")) {
      add("topic", Show.quote(topic) + " starts with '__', which Kafka keeps for internal topics");
    }
  }

  private void url() {
    String url = spec.url();
    if (url == null || url.isEmpty()) {
      add("url", "is missing");
      return;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      add("url", Show.quote(url) + " is not a URL: " + Show.cut(e.getReason()));
      return;
    }
    String scheme = uri.getScheme();
    if (!uri.isAbsolute()
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      add("url", Show.quote(url) + " is not an absolute http or https URL");
    } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
      add("url", Show.quote(url) + " has no host");
    } else if (uri.getRawUserInfo() != null) {
      // It would be shown by GET /api/sources and logged: keys go in secretHeaders.
      add("url", "holds credentials (user info); put an API key in secretHeaders");
    } else if (addresses != null) {
      // An IP literal is refused here; a name is checked each time it is resolved, at connect.
      addresses
          .literalRefusal(uri.getHost())
          .ifPresent(why -> add("url", Show.quote(url) + ": " + why));
    }
  }

  private void interval() {
    Duration interval = spec.interval();
    if (interval == null) return;
    if (spec.kind() == SourceKind.SSE) {
      add("interval", "is only for kind http-poll (an sse source reads one stream)");
    } else if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
      add("interval", interval + " is not between 1 s (PT1S) and 24 h (PT24H)");
    }
  }

  private void headers() {
    Map<String, String> seen = new HashMap<>(); // lower-case name -> the key that named it
    if (spec.headers() != null) {
      for (Map.Entry<String, String> h : spec.headers().entrySet()) {
        String key = "headers[" + Show.quote(h.getKey()) + "]";
        headerName(key, h.getKey(), seen);
        String value = h.getValue();
        if (value == null) {
          add(key, "has no value (null)");
        } else if (!headerValue(value)) {
          add(key, "holds a line break or another control character");
        }
      }
    }
    if (spec.secretHeaders() != null) {
      for (Map.Entry<String, String> h : spec.secretHeaders().entrySet()) {
        String key = "secretHeaders[" + Show.quote(h.getKey()) + "]";
        headerName(key, h.getKey(), seen);
        String refused = SecretRef.problem(h.getValue());
        if (refused != null) add(key, refused);
      }
    }
  }

  private void headerName(String key, String name, Map<String, String> seen) {
    if (name == null || !TOKEN.matcher(name).matches()) {
      add(key, "is not a header name (letters, digits and !#$%&'*+.^_`|~-)");
      return;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (CLIENT_HEADERS.contains(lower)) add(key, "is set by the HTTP client itself");
    String before = seen.putIfAbsent(lower, key);
    if (before != null) add(key, "is the same header as " + before + " (names ignore case)");
  }

  private static boolean headerValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '\t' && (c < 0x20 || c == 0x7f)) return false;
    }
    return true;
  }

  private void query() {
    if (spec.query() == null) return;
    if (spec.kind() == SourceKind.SSE) {
      add("query", "is only for kind http-poll (put an sse stream's parameters in its url)");
      return;
    }
    for (Map.Entry<String, String> q : spec.query().entrySet()) {
      String key = "query[" + Show.quote(q.getKey()) + "]";
      if (q.getKey() == null || q.getKey().isEmpty()) add(key, "has an empty name");
      if (q.getValue() == null) add(key, "has no value (null)");
    }
  }

  private void pointer(String key, String pointer, boolean required) {
    if (pointer == null) {
      if (required) add(key, "is missing (a JSON Pointer such as \"/id\")");
    } else if (!SourceSpecs.isPointer(pointer)) {
      add(
          key,
          Show.quote(pointer)
              + " is not a JSON Pointer (must be empty or start with '/', '~' only as ~0 or ~1)");
    }
  }

  private void filter() {
    SseFilter filter = spec.filter();
    if (filter == null) return;
    if (spec.kind() == SourceKind.HTTP_POLL) {
      add("filter", "is only for kind sse");
      return;
    }
    pointer("filter.pointer", filter.pointer(), true);
    if (filter.dropValues() == null || filter.dropValues().isEmpty()) {
      add("filter.dropValues", "is empty (at least one value drops an event)");
    } else {
      for (int i = 0; i < filter.dropValues().size(); i++)
        if (filter.dropValues().get(i) == null) add("filter.dropValues[" + i + "]", "is null");
    }
  }

  /** The well-formed columns by name (the first of a repeated name). */
  private Map<String, ColumnSpec> columns() {
    Map<String, ColumnSpec> byName = new HashMap<>();
    Map<String, Integer> firstAt = new HashMap<>();
    List<ColumnSpec> columns = spec.columns();
    if (columns == null || columns.isEmpty()) {
      add("columns", "is empty (at least one column)");
      return byName;
    }
    if (columns.size() > MAX_COLUMNS)
      add("columns", "has " + columns.size() + " columns, more than " + MAX_COLUMNS);
    for (int i = 0; i < columns.size(); i++) {
      String key = "columns[" + i + "]";
      ColumnSpec c = columns.get(i);
      if (c == null) {
        add(key, "is null");
        continue;
      }
      identifier(key + ".name", c.name());
      pointer(key + ".pointer", c.pointer(), true);
      if (c.type() == null) add(key + ".type", "is missing");
      if (c.name() == null) continue;
      Integer before = firstAt.putIfAbsent(c.name(), i);
      if (before != null) {
        add(key + ".name", Show.quote(c.name()) + " is also columns[" + before + "].name");
      } else {
        byName.put(c.name(), c);
      }
    }
    return byName;
  }

  private void primaryKey(Map<String, ColumnSpec> columns) {
    PrimaryKeySpec key = spec.primaryKey();
    if (key == null) {
      add("primaryKey", "is missing (partition: at least one column)");
      return;
    }
    if (key.partition() == null || key.partition().isEmpty())
      add("primaryKey.partition", "is empty (at least one column)");
    Set<String> used = new HashSet<>();
    keyColumns("primaryKey.partition", key.partition(), columns, used);
    keyColumns("primaryKey.clustering", key.clustering(), columns, used);
  }

  private void keyColumns(
      String key, List<String> names, Map<String, ColumnSpec> columns, Set<String> used) {
    if (names == null) return;
    for (int i = 0; i < names.size(); i++) {
      String at = key + "[" + i + "]";
      String name = names.get(i);
      ColumnSpec c = name == null ? null : columns.get(name);
      if (name == null) {
        add(at, "is null");
      } else if (c == null) {
        add(at, Show.quote(name) + " is not a column");
      } else if (!used.add(name)) {
        add(at, Show.quote(name) + " is in the primary key twice");
      } else {
        if (!c.required())
          add(at, Show.quote(name) + " is not required (every key column must be)");
        if (c.type() == ColumnType.JSON)
          add(at, Show.quote(name) + " is of type json, which cannot be a key column");
      }
    }
  }
}
