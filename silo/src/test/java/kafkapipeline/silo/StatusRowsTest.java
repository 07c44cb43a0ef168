package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kafkapipeline.grains.PipelineMetrics;
import org.junit.jupiter.api.Test;

/**
 * The row figures of /api/status: counters summed over the silos that answered, the estimate of
 * every node that answered, each labelled; and no main source of the silo, the grains or the
 * dashboard asks Cassandra to count (an aggregation over a whole table).
 */
class StatusRowsTest {
  private static SiloVitals.Vitals silo(String address, Map<String, Long> rowsWritten) {
    return new SiloVitals.Vitals(
        address, 10, 0.1, 1, 2, 2, Map.of(PipelineMetrics.ROWS_WRITTEN, rowsWritten), null);
  }

  @Test
  void writtenRowsAreSummedOverTheSilosAndEstimatesOverTheNodes() {
    Map<String, SiloVitals.Vitals> vitals =
        Map.of(
            "a:1", silo("a:1", Map.of("fakerdata", 7L, "weatherreport", 2L)),
            "b:2", silo("b:2", Map.of("fakerdata", 5L)),
            "c:3", new SiloVitals.Vitals("c:3", 1, 0, 1, 2, 2, null, null));
    RowCounts.Estimates estimates =
        new RowCounts.Estimates(Map.of("fakerdata", 5_000_000L), 3, 2, "node3: timeout");
    Map<String, RowCounts.Table> tables =
        RowCounts.tables(
            List.of("fakerdata", "weatherreport", "spacex_launches"), vitals, estimates);
    assertEquals(new RowCounts.Table(12, 5_000_000L), tables.get("fakerdata"));
    assertEquals(new RowCounts.Table(2, 0L), tables.get("weatherreport"), "no ranges listed yet");
    assertEquals(new RowCounts.Table(0, 0L), tables.get("spacex_launches"));
    Map<String, String> sources = RowCounts.sources(3, 4, estimates);
    assertTrue(
        sources.get("writtenSinceStart").contains("summed over 3 of 4 silos"), sources.toString());
    assertTrue(
        sources.get("estimatedPartitions").startsWith("Cassandra system.size_estimates")
            && sources.get("estimatedPartitions").contains("2 of 3 nodes"),
        sources.toString());
  }

  @Test
  void noNodeAnsweringMakesTheEstimateUnknownWithTheReason() {
    RowCounts.Estimates none = new RowCounts.Estimates(Map.of(), 1, 0, "127.0.0.1:9042: timeout");
    RowCounts.Table t = RowCounts.tables(List.of("fakerdata"), Map.of(), none).get("fakerdata");
    assertEquals(0, t.writtenSinceStart());
    assertNull(t.estimatedPartitions());
    assertEquals(
        "unknown: no Cassandra node answered (127.0.0.1:9042: timeout)",
        RowCounts.sources(0, 1, none).get("estimatedPartitions"));
  }

  /**
   * CQL asking for an aggregate: {@code count(*) FROM}, {@code sum(x) AS s FROM}, ..., or the query
   * builder's {@code countAll()}. Matched on the whole text (Java string joins undone, quotes
   * dropped), so double- and single-quoted strings and text blocks are all seen.
   */
  private static final Pattern AGGREGATE =
      Pattern.compile(
          "\\b(count|sum|avg|min|max)\\s*\\(\\s*[\\w*]+\\s*\\)(\\s+as\\s+\\w+)?\\s+from\\b"
              + "|\\bcountAll\\s*\\(",
          Pattern.CASE_INSENSITIVE);

  static boolean asksForAnAggregate(String text) {
    return AGGREGATE.matcher(text).find();
  }

  /** A source as the pattern reads it: string joins undone, quotes and line breaks dropped. */
  static String flattened(String source) {
    return source
        .replaceAll("[\"']\\s*\\+\\s*[\"']", "")
        .replaceAll("[\"'`]", "")
        .replaceAll("\\s+", " ");
  }

  @Test
  void noMainSourceAsksCassandraForAnAggregate() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> found = new ArrayList<>();
    for (String dir : List.of("silo/src/main", "grains/src/main", "client/src/main")) {
      try (Stream<Path> files = Files.walk(root.resolve(dir))) {
        for (Path f :
            files
                .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".js"))
                .toList()) {
          var m = AGGREGATE.matcher(flattened(Files.readString(f)));
          while (m.find()) found.add(root.relativize(f) + ": " + m.group());
        }
      }
    }
    assertEquals(List.of(), found);
    // The pattern finds what it must, however the statement is written.
    for (String cql :
        List.of(
            "\"SELECT count(*) FROM kafkapipeline.fakerdata\"",
            "\"select COUNT (id) \" + \"from t\"",
            "'SELECT sum(n) AS total FROM t'",
            "\"\"\"\n  SELECT max(x)\n  FROM t\n\"\"\"",
            "selectFrom(\"kafkapipeline\", \"t\").countAll()"))
      assertTrue(asksForAnAggregate(flattened(cql)), cql);
    assertFalse(asksForAnAggregate(flattened("Math.max(a, b); // count(*) no")), "not CQL");
  }
}
