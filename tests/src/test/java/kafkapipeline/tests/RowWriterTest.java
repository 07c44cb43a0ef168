package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.persist.PersisterSettings;
import kafkapipeline.grains.persist.RowWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The persisters' writer against the real Cassandra: rows grouped into unlogged batches are all
 * written, and a row Cassandra rejects (an empty partition key) comes back alone, by its index,
 * while the rest of its group is written.
 */
@Timeout(120)
class RowWriterTest {
  private static final String TABLE = "rowwriter_test.rows";
  private static CqlSession session;
  private static PreparedStatement insert;
  private final PipelineMetrics metrics = new PipelineMetrics();

  @BeforeAll
  static void createTable() {
    session = Engines.shared().session;
    session.execute(
        "CREATE KEYSPACE IF NOT EXISTS rowwriter_test WITH replication ="
            + " {'class': 'SimpleStrategy', 'replication_factor': 1}");
    session.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (k text PRIMARY KEY, v text)");
    session.checkSchemaAgreement();
    insert = session.prepare("INSERT INTO " + TABLE + " (k, v) VALUES (?, ?)");
  }

  @BeforeEach
  void empty() {
    session.execute("TRUNCATE " + TABLE);
  }

  @Test
  void groupedRowsAreAllWritten() throws Exception {
    List<BoundStatement> rows = rows(100, 20, -1);
    List<RowWriter.Rejected> rejected =
        writer(8).writeAll("rows", rows).toCompletableFuture().get();
    assertEquals(List.of(), rejected);
    assertEquals(keys(100, -1), stored());
    assertEquals(0, metrics.get(PipelineMetrics.WRITE_ERRORS, "rows"));
  }

  @Test
  void aRejectedRowInAGroupIsFoundAloneAndItsNeighboursAreWritten() throws Exception {
    List<BoundStatement> rows = rows(20, 20, 5);
    List<RowWriter.Rejected> rejected =
        writer(8).writeAll("rows", rows).toCompletableFuture().get();
    assertEquals(1, rejected.size(), rejected.toString());
    assertEquals(5, rejected.get(0).index());
    assertTrue(
        rejected.get(0).error().startsWith("InvalidQueryException"), rejected.get(0).error());
    assertEquals(keys(20, 5), stored());
    // The group of rows 0-7 was refused as a whole (1 error), then row 5 alone (1 more).
    assertEquals(1, metrics.get(PipelineMetrics.WRITE_GROUPS_SPLIT, "rows"));
    assertEquals(2, metrics.get(PipelineMetrics.WRITE_ERRORS, "rows"));
  }

  @Test
  void oneRowPerRequestRejectsOnlyTheBadRow() throws Exception {
    List<RowWriter.Rejected> rejected =
        writer(1).writeAll("rows", rows(20, 20, 13)).toCompletableFuture().get();
    assertEquals(List.of(13), rejected.stream().map(RowWriter.Rejected::index).toList());
    assertEquals(keys(20, 13), stored());
    assertEquals(0, metrics.get(PipelineMetrics.WRITE_GROUPS_SPLIT, "rows"));
    assertEquals(1, metrics.get(PipelineMetrics.WRITE_ERRORS, "rows"));
  }

  @Test
  void rowsOverTheRequestByteLimitGoAlone() throws Exception {
    // 3,000-byte values against a 4 KiB request limit: no two rows share a request, so the bad
    // row is refused on its own and no group is split.
    List<RowWriter.Rejected> rejected =
        writer(8).writeAll("rows", rows(12, 3_000, 7)).toCompletableFuture().get();
    assertEquals(List.of(7), rejected.stream().map(RowWriter.Rejected::index).toList());
    assertEquals(keys(12, 7), stored());
    assertEquals(0, metrics.get(PipelineMetrics.WRITE_GROUPS_SPLIT, "rows"));
    assertEquals(1, metrics.get(PipelineMetrics.WRITE_ERRORS, "rows"));
  }

  private RowWriter writer(int rowsPerRequest) {
    // Three attempts, 50 ms apart at first, groups of rowsPerRequest rows up to 4 KiB; the
    // batching and restart settings are the persister's, unused by the writer.
    PersisterSettings settings =
        new PersisterSettings(
            256,
            Duration.ofMillis(50),
            2,
            3,
            Duration.ofMillis(50),
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            512 * 1024,
            rowsPerRequest,
            4096,
            Duration.ofSeconds(10),
            PersisterSettings.WriteTimes.OFFSET);
    return new RowWriter(session, metrics, settings);
  }

  /**
   * {@code n} rows keyed "row-i" with values of {@code valueChars}; row {@code bad} gets an empty
   * key.
   */
  private static List<BoundStatement> rows(int n, int valueChars, int bad) {
    List<BoundStatement> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(insert.bind(i == bad ? "" : "row-" + i, "x".repeat(valueChars)).setIdempotent(true));
    }
    return rows;
  }

  private static Set<String> keys(int n, int bad) {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < n; i++) if (i != bad) keys.add("row-" + i);
    return keys;
  }

  private static Set<String> stored() {
    Set<String> keys = new HashSet<>();
    for (Row r : session.execute("SELECT k FROM " + TABLE)) keys.add(r.getString(0));
    return keys;
  }
}
