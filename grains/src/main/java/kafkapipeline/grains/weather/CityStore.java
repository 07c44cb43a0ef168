package kafkapipeline.grains.weather;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import kafkapipeline.grains.cassandra.Consistency;
import kafkapipeline.grains.cassandra.Schema;

/**
 * The city registry, table {@code cities}: what survives a restart of every silo. Adding is an
 * insert-if-absent (a lightweight transaction), so adding twice, even from two silos at once,
 * registers once. Written at the write consistency (the transaction's serial phase at {@link
 * Consistency#SERIAL}), read at the read consistency ({@link Consistency}).
 */
public final class CityStore implements CityLookup {
  public record City(String id, String name, String country, long owmId, Instant addedAt) {}

  private final CqlSession session;
  private final PreparedStatement insert;
  private final PreparedStatement select;
  private final PreparedStatement delete;

  private CityStore(
      CqlSession session,
      PreparedStatement insert,
      PreparedStatement select,
      PreparedStatement delete) {
    this.session = session;
    this.insert = insert;
    this.select = select;
    this.delete = delete;
  }

  public static CompletionStage<CityStore> prepare(CqlSession session) {
    String table = Schema.KEYSPACE + ".cities";
    return session
        .prepareAsync(
            "INSERT INTO "
                + table
                + " (city_id, name, country, owm_id, added_at) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS")
        .thenCompose(
            insert ->
                session
                    .prepareAsync(
                        "SELECT city_id, name, country, owm_id, added_at FROM "
                            + table
                            + " WHERE city_id = ?")
                    .thenCompose(
                        select ->
                            session
                                .prepareAsync("DELETE FROM " + table + " WHERE city_id = ?")
                                .thenApply(
                                    delete -> new CityStore(session, insert, select, delete))));
  }

  /** True if the city was added now, false if it was already registered. */
  public CompletionStage<Boolean> add(City city) {
    return session
        .executeAsync(
            insert.bind(city.id(), city.name(), city.country(), city.owmId(), city.addedAt()))
        .thenApply(rs -> rs.wasApplied());
  }

  @Override
  public CompletionStage<Optional<City>> get(String id) {
    return session
        .executeAsync(Consistency.read(select.bind(id)))
        .thenApply(rs -> Optional.ofNullable(rs.one()).map(CityStore::city));
  }

  /** True if the city was registered. */
  public CompletionStage<Boolean> remove(String id) {
    return get(id)
        .thenCompose(
            found ->
                found.isEmpty()
                    ? java.util.concurrent.CompletableFuture.completedFuture(false)
                    : session.executeAsync(delete.bind(id)).thenApply(rs -> true));
  }

  public CompletionStage<List<City>> all() {
    return session
        .executeAsync(
            Consistency.read(
                SimpleStatement.newInstance(
                    "SELECT city_id, name, country, owm_id, added_at FROM "
                        + Schema.KEYSPACE
                        + ".cities")))
        .thenApply(
            rs -> {
              List<City> out = new ArrayList<>();
              rs.currentPage().forEach(row -> out.add(city(row)));
              return out; // one page (5000 cities) is far beyond the free API budget
            });
  }

  private static City city(Row row) {
    return new City(
        row.getString("city_id"),
        row.getString("name"),
        row.getString("country"),
        row.getLong("owm_id"),
        row.getInstant("added_at"));
  }
}
