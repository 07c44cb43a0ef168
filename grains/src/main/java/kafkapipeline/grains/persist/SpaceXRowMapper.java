package kafkapipeline.grains.persist;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.SpaceXLaunch;
import kafkapipeline.grains.cassandra.Schema;

/**
 * Topic {@code spacex} to table {@code spacex_launches}: one row per launch, upserted by {@code
 * launch_id}, so the same launch polled again (or a replayed record) rewrites its one row. Every
 * column is written, nulls included, so the row is the latest event. A record without a launch id,
 * or that is not a launch, throws {@link MalformedEventException} (a dead letter).
 */
public final class SpaceXRowMapper implements RowMapper {
  /** The table its rows go to: the one place its name is written (schema.cql defines it). */
  public static final String TABLE = "spacex_launches";

  static final String INSERT =
      "INSERT INTO "
          + Schema.KEYSPACE
          + "."
          + TABLE
          + " (launch_id, mission_name, launch_date_utc, rocket_name,"
          + " launch_success, site_name, payload_type, payload_mass_kg, upcoming, flight_number, details)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?";

  private final RowBinder insert;

  private SpaceXRowMapper(PreparedStatement insert) {
    this.insert = new RowBinder(insert);
  }

  public static CompletionStage<SpaceXRowMapper> prepare(CqlSession session) {
    return session.prepareAsync(INSERT).thenApply(SpaceXRowMapper::new);
  }

  /** Over {@link #INSERT} prepared elsewhere (tests prepare it without Cassandra). */
  static SpaceXRowMapper over(PreparedStatement insert) {
    return new SpaceXRowMapper(insert);
  }

  @Override
  public String table() {
    return TABLE;
  }

  @Override
  public BoundStatement toStatement(String key, byte[] value, long writeTime) {
    SpaceXLaunch l = parse(value);
    return insert.bind(
        writeTime,
        l.launchId(),
        l.missionName(),
        l.launchDateUtc(),
        l.rocketName(),
        l.launchSuccess(),
        l.siteName(),
        l.payloadType(),
        l.payloadMassKg(),
        l.upcoming(),
        l.flightNumber(),
        l.details());
  }

  public static SpaceXLaunch parse(byte[] value) {
    SpaceXLaunch l = EventJson.read(value, SpaceXLaunch.class);
    if (l == null) throw new MalformedEventException("spacex launch is JSON null");
    if (l.launchId() == null || l.launchId().isBlank())
      throw new MalformedEventException("spacex launch without launch_id");
    return l;
  }
}
