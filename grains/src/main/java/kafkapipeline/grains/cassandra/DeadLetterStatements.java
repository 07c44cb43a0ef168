package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The prepared statements of {@link DeadLetterStore} over {@code dead_letters_by_day} and {@code
 * dead_letter_days}. Every read names one partition: none scans a table.
 */
final class DeadLetterStatements {
  private static final String ENTRIES = Schema.KEYSPACE + ".dead_letters_by_day";
  private static final String DAYS = Schema.KEYSPACE + ".dead_letter_days";
  private static final String BUCKET = " WHERE topic = ? AND day = ?";
  private static final String ENTRY = BUCKET + " AND partition = ? AND offset = ?";

  final PreparedStatement insert;
  final PreparedStatement insertDay;
  final PreparedStatement selectDays;
  final PreparedStatement selectHeads;
  final PreparedStatement selectFailures;
  final PreparedStatement selectPayload;
  final PreparedStatement probeBucket;
  final PreparedStatement delete;
  final PreparedStatement deleteDayAt;

  private DeadLetterStatements(Map<String, PreparedStatement> p) {
    insert = p.get("insert");
    insertDay = p.get("insertDay");
    selectDays = p.get("selectDays");
    selectHeads = p.get("selectHeads");
    selectFailures = p.get("selectFailures");
    selectPayload = p.get("selectPayload");
    probeBucket = p.get("probeBucket");
    delete = p.get("delete");
    deleteDayAt = p.get("deleteDayAt");
  }

  /** Prepares all of them at once; fails if one fails. */
  static CompletionStage<DeadLetterStatements> prepare(CqlSession session) {
    Map<String, String> cql = new LinkedHashMap<>();
    cql.put(
        "insert",
        "INSERT INTO "
            + ENTRIES
            + " (topic, day, partition, offset, record_key, payload, payload_head, payload_bytes,"
            + " error_class, error, failed_at, origin_partition, origin_offset)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    cql.put("insertDay", "INSERT INTO " + DAYS + " (scope, day, topic) VALUES (?, ?, ?)");
    cql.put("selectDays", "SELECT day, topic FROM " + DAYS + " WHERE scope = ? LIMIT ?");
    cql.put(
        "selectHeads",
        "SELECT topic, day, partition, offset, record_key, payload_head, payload_bytes,"
            + " error_class, error, failed_at, origin_partition, origin_offset FROM "
            + ENTRIES
            + BUCKET
            + " LIMIT ?");
    cql.put(
        "selectFailures",
        "SELECT topic, day, partition, offset, failed_at FROM " + ENTRIES + BUCKET + " LIMIT ?");
    cql.put("selectPayload", "SELECT payload FROM " + ENTRIES + ENTRY);
    cql.put("probeBucket", "SELECT partition FROM " + ENTRIES + BUCKET + " LIMIT 1");
    cql.put("delete", "DELETE FROM " + ENTRIES + ENTRY);
    // An index line's delete carries the time its bucket was found empty: a later write wins.
    cql.put(
        "deleteDayAt",
        "DELETE FROM " + DAYS + " USING TIMESTAMP ? WHERE scope = ? AND day = ? AND topic = ?");
    Map<String, CompletableFuture<PreparedStatement>> prepared = new LinkedHashMap<>();
    cql.forEach(
        (name, text) -> prepared.put(name, session.prepareAsync(text).toCompletableFuture()));
    List<CompletableFuture<PreparedStatement>> all = List.copyOf(prepared.values());
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, PreparedStatement> out = new LinkedHashMap<>();
              prepared.forEach((name, f) -> out.put(name, f.join()));
              return new DeadLetterStatements(out);
            });
  }
}
