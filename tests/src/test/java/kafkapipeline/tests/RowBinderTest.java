package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.type.codec.CodecNotFoundException;
import java.time.Instant;
import java.util.UUID;
import kafkapipeline.grains.persist.RowBinder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The mappers' binder against the real Cassandra: every column type the schema uses binds the same
 * bytes as the driver's own {@code bind(Object...)}, round-trips through a write, and nulls are
 * either written or left unset as asked.
 */
@Timeout(120)
class RowBinderTest {
  private static final String TABLE = "rowwriter_test.typed";
  private static final Object[] VALUES = {
    UUID.fromString("0d7f5e36-3b0e-4a51-9a39-6b3c7c1f0e11"),
    "Đà Nẵng, Việt Nam ✓",
    2026,
    9_007_199_254_740_993L,
    true,
    21.5,
    3.25f,
    Instant.parse("2026-11-23T18:00:00.123Z")
  };
  private static CqlSession session;
  private static PreparedStatement insert;

  @BeforeAll
  static void createTable() {
    session = Engines.shared().session;
    session.execute(
        "CREATE KEYSPACE IF NOT EXISTS rowwriter_test WITH replication ="
            + " {'class': 'SimpleStrategy', 'replication_factor': 1}");
    session.execute(
        "CREATE TABLE IF NOT EXISTS "
            + TABLE
            + " (id uuid PRIMARY KEY, t text, i int, b bigint,"
            + " flag boolean, d double, f float, at timestamp)");
    session.checkSchemaAgreement();
    insert =
        session.prepare(
            "INSERT INTO "
                + TABLE
                + " (id, t, i, b, flag, d, f, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?");
  }

  private static final long WRITE_TIME = 4_503_599_627_370_496L + 42;

  @Test
  void bindsTheSameBytesAsTheDriverAndRoundTrips() {
    BoundStatement ours = new RowBinder(insert).bind(WRITE_TIME, VALUES);
    Object[] withTime = java.util.Arrays.copyOf(VALUES, VALUES.length + 1);
    withTime[VALUES.length] = WRITE_TIME;
    BoundStatement drivers = insert.bind(withTime);
    for (int i = 0; i <= VALUES.length; i++) {
      assertEquals(drivers.getBytesUnsafe(i), ours.getBytesUnsafe(i), "column " + i);
    }
    assertTrue(ours.isIdempotent());
    session.execute(ours);
    Row row =
        session
            .execute(
                "SELECT id, t, i, b, flag, d, f, at FROM " + TABLE + " WHERE id = ?", VALUES[0])
            .one();
    for (int i = 0; i < VALUES.length; i++)
      assertEquals(VALUES[i], row.getObject(i), "column " + i);
    assertEquals(
        WRITE_TIME,
        session
            .execute("SELECT writetime(t) FROM " + TABLE + " WHERE id = ?", VALUES[0])
            .one()
            .getLong(0));
  }

  @Test
  void aNullIsWrittenAsANullAndClearsAnOlderValue() {
    UUID id = UUID.randomUUID();
    RowBinder binder = new RowBinder(insert);
    session.execute(binder.bind(WRITE_TIME, id, "older", 1, 2L, true, 3.0, 4.0f, Instant.EPOCH));
    BoundStatement written =
        binder.bind(WRITE_TIME + 1, id, null, null, null, null, null, null, null);
    for (int i = 1; i < VALUES.length; i++) {
      assertTrue(written.isSet(i), "written column " + i);
      assertNull(written.getBytesUnsafe(i));
    }
    session.execute(written);
    Row row = session.execute("SELECT t, i, at FROM " + TABLE + " WHERE id = ?", id).one();
    assertNull(row.getString(0));
    assertNull(row.getObject(1));
    assertNull(row.getObject(2));
  }

  @Test
  void aValueOfTheWrongTypeFailsAsTheDriverWould() {
    RowBinder binder = new RowBinder(insert);
    Object[] wrong = VALUES.clone();
    wrong[3] = 7; // an Integer for a bigint column
    assertThrows(CodecNotFoundException.class, () -> binder.bind(WRITE_TIME, wrong));
    assertThrows(IllegalArgumentException.class, () -> binder.bind(WRITE_TIME, VALUES[0]));
  }
}
