package kafkapipeline.grains.persist;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.WeatherReport;
import kafkapipeline.grains.cassandra.Schema;

/** Topic {@code weather} to table {@code weatherreport}: one row per (city, observation time). */
public final class WeatherRowMapper implements RowMapper {
  /** The table its rows go to: the one place its name is written (schema.cql defines it). */
  public static final String TABLE = "weatherreport";

  static final String INSERT =
      "INSERT INTO "
          + Schema.KEYSPACE
          + "."
          + TABLE
          + " (location, forecastdate, description, temp, feels_like,"
          + " temp_min, temp_max, pressure, humidity, wind, sunrise, sunset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?";

  private final RowBinder insert;

  private WeatherRowMapper(PreparedStatement insert) {
    this.insert = new RowBinder(insert);
  }

  public static CompletionStage<WeatherRowMapper> prepare(CqlSession session) {
    return session.prepareAsync(INSERT).thenApply(WeatherRowMapper::new);
  }

  @Override
  public String table() {
    return TABLE;
  }

  @Override
  public BoundStatement toStatement(String key, byte[] value, long writeTime) {
    WeatherReport r = parse(value);
    return insert.bind(
        writeTime,
        r.location(),
        r.forecastdate(),
        r.description(),
        r.temp(),
        r.feelsLike(),
        r.tempMin(),
        r.tempMax(),
        r.pressure(),
        r.humidity(),
        r.wind(),
        r.sunrise(),
        r.sunset());
  }

  public static WeatherReport parse(byte[] value) {
    WeatherReport r = EventJson.read(value, WeatherReport.class);
    if (r.location() == null || r.location().isBlank())
      throw new MalformedEventException("weather report without location");
    if (r.forecastdate() == null)
      throw new MalformedEventException("weather report without forecastdate");
    return r;
  }
}
