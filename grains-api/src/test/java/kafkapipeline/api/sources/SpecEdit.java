package kafkapipeline.api.sources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A mutable copy of a {@link SourceSpec}, for tests that change one part of a description. */
final class SpecEdit {
  String name;
  SourceKind kind;
  String url;
  Duration interval;
  Map<String, String> headers;
  Map<String, String> secretHeaders;
  Map<String, String> query;
  String items;
  String key;
  SseFilter filter;
  String topic;
  String table;
  List<ColumnSpec> columns;
  List<String> partition;
  List<String> clustering;
  boolean noPrimaryKey;

  SpecEdit(SourceSpec s) {
    name = s.name();
    kind = s.kind();
    url = s.url();
    interval = s.interval();
    headers = s.headers() == null ? null : new LinkedHashMap<>(s.headers());
    secretHeaders = s.secretHeaders() == null ? null : new LinkedHashMap<>(s.secretHeaders());
    query = s.query() == null ? null : new LinkedHashMap<>(s.query());
    items = s.items();
    key = s.key();
    filter = s.filter();
    topic = s.topic();
    table = s.table();
    columns = new ArrayList<>(s.columns());
    partition = new ArrayList<>(s.primaryKey().partition());
    clustering =
        s.primaryKey().clustering() == null ? null : new ArrayList<>(s.primaryKey().clustering());
  }

  /** Makes it an http-poll source, dropping what only sse takes. */
  SpecEdit poll() {
    kind = SourceKind.HTTP_POLL;
    filter = null;
    return this;
  }

  /** Makes it an sse source, dropping what only http-poll takes. */
  SpecEdit sse() {
    kind = SourceKind.SSE;
    interval = null;
    query = null;
    return this;
  }

  Map<String, String> headers() {
    if (headers == null) headers = new LinkedHashMap<>();
    return headers;
  }

  Map<String, String> secretHeaders() {
    if (secretHeaders == null) secretHeaders = new LinkedHashMap<>();
    return secretHeaders;
  }

  /** The index of a column that is not in the key, adding one when all are. */
  int nonKeyColumn() {
    for (int i = 0; i < columns.size(); i++) {
      String n = columns.get(i).name();
      if (!partition.contains(n) && (clustering == null || !clustering.contains(n))) return i;
    }
    columns.add(new ColumnSpec("extra", "/extra", ColumnType.TEXT, false));
    return columns.size() - 1;
  }

  SourceSpec build() {
    return new SourceSpec(
        name,
        kind,
        url,
        interval,
        headers,
        secretHeaders,
        query,
        items,
        key,
        filter,
        topic,
        table,
        columns,
        noPrimaryKey ? null : new PrimaryKeySpec(partition, clustering));
  }
}
