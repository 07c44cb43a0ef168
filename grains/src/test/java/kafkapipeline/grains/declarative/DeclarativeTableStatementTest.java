package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.grains.cassandra.Schema;
import kafkapipeline.grains.declarative.DeclarativeTable.ExistingColumn;
import kafkapipeline.grains.declarative.DeclarativeTable.IncompatibleTableException;
import org.junit.jupiter.api.Test;

/** The CQL a declarative table is made and widened with, and the changes it refuses. */
class DeclarativeTableStatementTest {
  private static final SourceSpec CHANGES = DeclarativeRowTest.spec(DeclarativeRowTest.CHANGES);
  private static final SourceSpec LAUNCHES = DeclarativeRowTest.spec(DeclarativeRowTest.LAUNCHES);

  @Test
  void theCreateStatementHasEveryColumnTheKeyAndTheFixedId() {
    assertEquals(
        "CREATE TABLE IF NOT EXISTS kafkapipeline.changes (event_id uuid, wiki text, title text,"
            + " changed_at timestamp, dt timestamp, length_new bigint, bot boolean,"
            + " PRIMARY KEY ((wiki), event_id)) WITH ID = '"
            + Schema.tableId("changes")
            + "'",
        DeclarativeTable.createStatement(CHANGES));
    assertEquals(
        "CREATE TABLE IF NOT EXISTS kafkapipeline.launches (launch_id text, name text,"
            + " flight_number int, date_utc timestamp, date_unix timestamp, success boolean,"
            + " cores text, PRIMARY KEY ((launch_id))) WITH ID = '"
            + Schema.tableId("launches")
            + "'",
        DeclarativeTable.createStatement(LAUNCHES));
    assertEquals(
        "INSERT INTO kafkapipeline.launches (launch_id, name, flight_number, date_utc, date_unix,"
            + " success, cores) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?",
        DeclarativeRowMapper.insertStatement(LAUNCHES));
  }

  private static final List<ExistingColumn> TABLE =
      List.of(
          new ExistingColumn("wiki", "partition_key", 0, "text"),
          new ExistingColumn("event_id", "clustering", 0, "uuid"),
          new ExistingColumn("title", "regular", -1, "text"),
          new ExistingColumn("old_column", "regular", -1, "int"));

  @Test
  void missingColumnsAreAddedAndNothingIsDropped() {
    assertEquals(
        List.of(
            "ALTER TABLE kafkapipeline.changes ADD changed_at timestamp",
            "ALTER TABLE kafkapipeline.changes ADD dt timestamp",
            "ALTER TABLE kafkapipeline.changes ADD length_new bigint",
            "ALTER TABLE kafkapipeline.changes ADD bot boolean"),
        DeclarativeTable.alterations(CHANGES, TABLE));
  }

  @Test
  void aTypeOrKeyChangeIsRefused() {
    List<ExistingColumn> retyped =
        List.of(
            new ExistingColumn("wiki", "partition_key", 0, "text"),
            new ExistingColumn("event_id", "clustering", 0, "uuid"),
            new ExistingColumn("title", "regular", -1, "int"),
            new ExistingColumn("bot", "regular", -1, "text"));
    assertEquals(
        "table kafkapipeline.changes: column title is int in the table, the source says text,"
            + " column bot is text in the table, the source says boolean; a column's type cannot"
            + " change (nothing was changed: use another column name)",
        assertThrows(
                IncompatibleTableException.class,
                () -> DeclarativeTable.alterations(CHANGES, retyped))
            .getMessage());
    List<ExistingColumn> otherKey =
        List.of(
            new ExistingColumn("wiki", "partition_key", 0, "text"),
            new ExistingColumn("event_id", "partition_key", 1, "uuid"));
    assertEquals(
        "table kafkapipeline.changes has primary key [partition wiki, partition event_id], the"
            + " source asks for [partition wiki, clustering event_id]; a primary key cannot change"
            + " (nothing was changed: use another table)",
        assertThrows(
                IncompatibleTableException.class,
                () -> DeclarativeTable.alterations(CHANGES, otherKey))
            .getMessage());
  }

  @Test
  void anInvalidSpecMakesNoStatement() {
    SourceSpec bad =
        new SourceSpec(
            "x; DROP TABLE y",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    assertThrows(IllegalArgumentException.class, () -> DeclarativeTable.createStatement(bad));
    assertThrows(IllegalArgumentException.class, () -> DeclarativeRowMapper.insertStatement(bad));
  }
}
