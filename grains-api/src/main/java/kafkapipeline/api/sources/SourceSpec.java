package kafkapipeline.api.sources;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A source described as data, with no Java: what {@code POST /api/sources} takes as JSON, what a
 * file in {@code SOURCES_DIR} holds, and what table {@code kafkapipeline.sources} keeps. Built by
 * Jackson from JSON; nothing here is trusted until {@code SourceSpecs.validate} found no problem.
 *
 * @param name the source's name, {@code [a-z][a-z0-9_]{0,47}}; the default topic and table
 * @param kind how it reads: {@code "http-poll"} or {@code "sse"}
 * @param url http or https; the poll's URL (without {@code query}) or the event stream's
 * @param interval http-poll: time between polls (JSON: ISO-8601 like {@code "PT60S"}, or seconds);
 *     null: 60 s. Not used by sse.
 * @param headers request headers sent as given (null: none)
 * @param secretHeaders header name to the name of the environment variable that holds its value (an
 *     API key): read on the silo that runs the source, never logged, never in an API answer
 * @param query http-poll: query parameters added to the URL (null: none)
 * @param items JSON Pointer (RFC 6901) of the items in a polled document or in one SSE event's
 *     data; {@code ""} or null is the document itself: an array gives its elements, an object is
 *     one item
 * @param key JSON Pointer, inside each item, of its Kafka record key (the item's text there)
 * @param filter sse: drops some events before they are published (null: keeps all)
 * @param topic the Kafka topic (null: {@code name})
 * @param table the Cassandra table in keyspace {@code kafkapipeline} (null: {@code name})
 * @param columns the table's columns, each taken from an item by a JSON Pointer
 * @param primaryKey which columns make the primary key (each one a required column)
 */
public record SourceSpec(
    String name,
    SourceKind kind,
    String url,
    Duration interval,
    Map<String, String> headers,
    Map<String, String> secretHeaders,
    Map<String, String> query,
    String items,
    String key,
    SseFilter filter,
    String topic,
    String table,
    List<ColumnSpec> columns,
    PrimaryKeySpec primaryKey) {

  /** The topic the source publishes to: {@code topic}, or the name when none is given. */
  public String topicOrName() {
    return topic == null || topic.isEmpty() ? name : topic;
  }

  /** The table its rows go to: {@code table}, or the name when none is given. */
  public String tableOrName() {
    return table == null || table.isEmpty() ? name : table;
  }

  /** The time between polls: {@code interval}, or 60 s when none is given. */
  public Duration intervalOrDefault() {
    return interval == null ? Duration.ofSeconds(60) : interval;
  }
}
