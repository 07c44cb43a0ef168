package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;
import kafkapipeline.api.sources.ColumnSpec;
import kafkapipeline.api.sources.ColumnType;
import kafkapipeline.api.sources.PrimaryKeySpec;
import kafkapipeline.api.sources.SourceKind;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.api.sources.SourceSpecs;
import kafkapipeline.grains.cassandra.Schema;
import kafkapipeline.grains.declarative.DeclarativeRowMapper;
import kafkapipeline.grains.declarative.DeclarativeTable;
import kafkapipeline.grains.declarative.DeclarativeTable.IncompatibleTableException;
import kafkapipeline.grains.persist.WriteTime;
import kafkapipeline.launcher.ProjectLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A declarative source's table on the real Cassandra: created with its fixed id, widened by a new
 * column (old rows kept), a type or key change refused with nothing changed, and rows of every
 * column type written through {@link DeclarativeRowMapper} and read back exactly. Also: the CQL
 * reserved words {@link SourceSpecs} refuses are the ones this server reserves.
 */
@Timeout(120)
class DeclarativeTableTest {
  private static final Duration AGREEMENT = Duration.ofSeconds(30);
  private static final String TABLE = "decl_every_type";
  private static CqlSession session;

  @BeforeAll
  static void keyspace() {
    session = Engines.shared().session;
    session.execute(
        "CREATE KEYSPACE IF NOT EXISTS "
            + Schema.KEYSPACE
            + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    session.execute("DROP TABLE IF EXISTS " + Schema.KEYSPACE + "." + TABLE + "_key");
  }

  private static SourceSpec spec(String table, List<ColumnSpec> columns, PrimaryKeySpec key) {
    return new SourceSpec(
        "decl_test",
        SourceKind.HTTP_POLL,
        "http://127.0.0.1:1/x",
        null,
        null,
        null,
        null,
        "",
        "/id",
        null,
        null,
        table,
        columns,
        key);
  }

  private static final List<ColumnSpec> EVERY_TYPE =
      List.of(
          new ColumnSpec("id", "/id", ColumnType.TEXT, true),
          new ColumnSpec("n", "/n", ColumnType.INT, true),
          new ColumnSpec("big", "/big", ColumnType.BIGINT, false),
          new ColumnSpec("f", "/f", ColumnType.FLOAT, false),
          new ColumnSpec("d", "/d", ColumnType.DOUBLE, false),
          new ColumnSpec("ok", "/ok", ColumnType.BOOLEAN, false),
          new ColumnSpec("at", "/at", ColumnType.TIMESTAMP, false),
          new ColumnSpec("at_s", "/at_s", ColumnType.TIMESTAMP_SECONDS, false),
          new ColumnSpec("at_ms", "/at_ms", ColumnType.TIMESTAMP_MILLIS, false),
          new ColumnSpec("u", "/u", ColumnType.UUID, false),
          new ColumnSpec("doc", "/doc", ColumnType.JSON, false));
  private static final PrimaryKeySpec KEY = new PrimaryKeySpec(List.of("id"), List.of("n"));

  @Test
  void aTableIsCreatedWidenedAndWrittenWithEveryType() {
    SourceSpec v1 = spec(TABLE, EVERY_TYPE, KEY);
    DeclarativeTable.apply(session, v1, AGREEMENT).toCompletableFuture().join();
    Row meta =
        session
            .execute(
                "SELECT id FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
                Schema.KEYSPACE,
                TABLE)
            .one();
    assertEquals(Schema.tableId(TABLE), meta.getUuid(0));

    DeclarativeRowMapper mapper =
        DeclarativeRowMapper.prepare(session, v1).toCompletableFuture().join();
    assertEquals(TABLE, mapper.table());
    String item =
        "{\"id\":\"Đà Nẵng ✓ \\ud83d\\ude80 \",\"n\":-2147483648,\"big\":9223372036854775807,"
            + "\"f\":3.25,\"d\":-1.0E-300,\"ok\":false,\"at\":\"2022-12-11T05:27:02.123+01:00\","
            + "\"at_s\":1670732822.5,\"at_ms\":-1,\"u\":\"0D7F5E36-3B0E-4A51-9A39-6B3C7C1F0E11\","
            + "\"doc\":{\"cores\":[{\"core\":\"5e9e\",\"flight\":1}],\"x\":null}}";
    session.execute(mapper.toStatement("k", item.getBytes(StandardCharsets.UTF_8), WriteTime.BASE));
    session.execute(
        mapper.toStatement(
            "k2", "{\"id\":\"a\",\"n\":0}".getBytes(StandardCharsets.UTF_8), WriteTime.BASE + 1));
    Row row =
        session
            .execute(
                "SELECT * FROM " + Schema.KEYSPACE + "." + TABLE + " WHERE id = ?",
                "Đà Nẵng ✓ \ud83d\ude80 ")
            .one();
    assertEquals(-2147483648, row.getInt("n"));
    assertEquals(Long.MAX_VALUE, row.getLong("big"));
    assertEquals(3.25f, row.getFloat("f"));
    assertEquals(-1.0e-300, row.getDouble("d"));
    assertEquals(false, row.getBoolean("ok"));
    assertEquals(Instant.parse("2022-12-11T04:27:02.123Z"), row.getInstant("at"));
    assertEquals(Instant.parse("2022-12-11T04:27:02.500Z"), row.getInstant("at_s"));
    assertEquals(Instant.ofEpochMilli(-1), row.getInstant("at_ms"));
    assertEquals(UUID.fromString("0d7f5e36-3b0e-4a51-9a39-6b3c7c1f0e11"), row.getUuid("u"));
    assertEquals("{\"cores\":[{\"core\":\"5e9e\",\"flight\":1}],\"x\":null}", row.getString("doc"));
    Row sparse =
        session.execute("SELECT * FROM " + Schema.KEYSPACE + "." + TABLE + " WHERE id = 'a'").one();
    for (String c : List.of("big", "f", "d", "ok", "at", "at_s", "at_ms", "u", "doc"))
      assertTrue(sparse.isNull(c), c);

    // v2: one more column; the rows stay, the column is there, null for them.
    List<ColumnSpec> wider = new ArrayList<>(EVERY_TYPE);
    wider.add(new ColumnSpec("added", "/added", ColumnType.TEXT, false));
    SourceSpec v2 = spec(TABLE, wider, KEY);
    DeclarativeTable.apply(session, v2, AGREEMENT).toCompletableFuture().join();
    DeclarativeTable.apply(session, v2, AGREEMENT).toCompletableFuture().join(); // again: no change
    assertEquals("text", columns(TABLE).get("added"));
    assertEquals(
        2,
        session.execute("SELECT count(*) FROM " + Schema.KEYSPACE + "." + TABLE).one().getLong(0));
    assertNull(
        session
            .execute("SELECT added FROM " + Schema.KEYSPACE + "." + TABLE + " WHERE id = 'a'")
            .one()
            .getString(0));
    DeclarativeRowMapper m2 =
        DeclarativeRowMapper.prepare(session, v2).toCompletableFuture().join();
    session.execute(
        m2.toStatement(
            "k3",
            "{\"id\":\"a\",\"n\":0,\"added\":\" x \"}".getBytes(StandardCharsets.UTF_8),
            WriteTime.BASE + 2));
    assertEquals(
        " x ",
        session
            .execute("SELECT added FROM " + Schema.KEYSPACE + "." + TABLE + " WHERE id = 'a'")
            .one()
            .getString(0));
    // v1 again (the column dropped from the spec): nothing is dropped.
    DeclarativeTable.apply(session, v1, AGREEMENT).toCompletableFuture().join();
    assertEquals("text", columns(TABLE).get("added"));

    // A type change is refused, and changes nothing (not even the new column beside it).
    Map<String, String> before = columns(TABLE);
    List<ColumnSpec> retyped = new ArrayList<>(wider);
    retyped.set(2, new ColumnSpec("big", "/big", ColumnType.TEXT, false));
    retyped.add(new ColumnSpec("later", "/later", ColumnType.INT, false));
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () ->
                DeclarativeTable.apply(session, spec(TABLE, retyped, KEY), AGREEMENT)
                    .toCompletableFuture()
                    .join());
    assertInstanceOf(IncompatibleTableException.class, e.getCause());
    assertTrue(
        e.getCause()
            .getMessage()
            .contains("column big is bigint in the table, the source says text"),
        e.getCause().getMessage());
    assertEquals(before, columns(TABLE));

    // So is another primary key.
    CompletionException k =
        assertThrows(
            CompletionException.class,
            () ->
                DeclarativeTable.apply(
                        session,
                        spec(TABLE, wider, new PrimaryKeySpec(List.of("id", "n"), null)),
                        AGREEMENT)
                    .toCompletableFuture()
                    .join());
    assertInstanceOf(IncompatibleTableException.class, k.getCause());
    assertEquals(before, columns(TABLE));
  }

  @Test
  void theReservedWordsAreThoseOfTheServer() throws IOException {
    Path jar =
        ProjectLayout.locate().engineClasspath("cassandra").stream()
            .filter(p -> p.getFileName().toString().startsWith("cassandra-all-"))
            .findFirst()
            .orElseThrow();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      String text =
          new String(
              zip.getInputStream(zip.getEntry("org/apache/cassandra/cql3/reserved_keywords.txt"))
                  .readAllBytes(),
              StandardCharsets.UTF_8);
      Set<String> server =
          Arrays.stream(text.split("\\s+")).filter(w -> !w.isEmpty()).collect(Collectors.toSet());
      assertEquals(server, SourceSpecs.CQL_RESERVED_KEYWORDS);
    }
  }

  private static Map<String, String> columns(String table) {
    Map<String, String> out = new TreeMap<>();
    for (Row r :
        session.execute(
            "SELECT column_name, type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
            Schema.KEYSPACE,
            table)) out.put(r.getString(0), r.getString(1));
    return out;
  }
}
