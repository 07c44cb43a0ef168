package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import kafkapipeline.grains.cassandra.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schema lease against the real Cassandra, with a holder that never finishes: a silo waits for
 * it a bounded time and then fails saying who holds the lease and what is recorded; when the
 * holder's lease expires (it died), the waiting silo takes it and applies the schema.
 */
class SchemaLeaseTest {
  private static final String TABLE = "kafkapipeline.schema_migrations";
  private final Engines engines = Engines.shared();

  @BeforeEach
  void schemaInPlaceThenForgotten() {
    Schema.migrate(engines.session, Schema.Settings.singleNode("datacenter1"), "setup")
        .toCompletableFuture()
        .join();
    engines.session.execute("DELETE FROM " + TABLE + " WHERE name = 'applied'");
  }

  @AfterEach
  void schemaRecordedAgain() {
    engines.session.execute("DELETE FROM " + TABLE + " WHERE name = 'lease'");
    Schema.migrate(engines.session, Schema.Settings.singleNode("datacenter1"), "cleanup")
        .toCompletableFuture()
        .join();
  }

  @Test
  void aSiloWaitingForAHolderThatNeverFinishesFailsInTimeSayingWhy() {
    engines.session.execute(
        "INSERT INTO "
            + TABLE
            + " (name, holder) VALUES ('lease', 'silo ghost@10.0.0.9:2551') USING TTL 600");
    Schema.Settings settings =
        new Schema.Settings("datacenter1", 1, Duration.ofSeconds(30), Duration.ofSeconds(2));
    long started = System.nanoTime();
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () -> Schema.migrate(engines.session, settings, "waiter").toCompletableFuture().join());
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertEquals(
        "waited 2 s for schema version "
            + Schema.version()
            + " to be applied: the schema lease is held by"
            + " silo ghost@10.0.0.9:2551 (it expires within 70 s unless renewed); recorded version: none",
        e.getCause().getMessage());
    assertTrue(tookMs >= 2_000 && tookMs < 10_000, tookMs + " ms");
    assertEquals(null, applied(), "the waiter recorded nothing");
  }

  @Test
  void whenADeadHoldersLeaseExpiresTheWaitingSiloAppliesTheSchema() {
    engines.session.execute(
        "INSERT INTO "
            + TABLE
            + " (name, holder) VALUES ('lease', 'silo dead@10.0.0.9:2551') USING TTL 3");
    Schema.migrate(engines.session, Schema.Settings.singleNode("datacenter1"), "heir")
        .toCompletableFuture()
        .join();
    Row applied = applied();
    assertEquals("heir", applied.getString("holder"));
    assertEquals(Schema.version(), applied.getString("version"));
    assertEquals(
        null,
        engines.session.execute("SELECT holder FROM " + TABLE + " WHERE name = 'lease'").one(),
        "the heir gave the lease back");
  }

  @Test
  void aSiloRestartedUnderTheNameThatHoldsTheLeaseGoesOnWithIt() {
    engines.session.execute(
        "INSERT INTO "
            + TABLE
            + " (name, holder) VALUES ('lease', 'silo again@10.0.0.9:2551') USING TTL 600");
    Schema.migrate(
            engines.session, Schema.Settings.singleNode("datacenter1"), "silo again@10.0.0.9:2551")
        .toCompletableFuture()
        .join();
    assertEquals("silo again@10.0.0.9:2551", applied().getString("holder"));
  }

  private Row applied() {
    return engines
        .session
        .execute("SELECT holder, version FROM " + TABLE + " WHERE name = 'applied'")
        .one();
  }
}
