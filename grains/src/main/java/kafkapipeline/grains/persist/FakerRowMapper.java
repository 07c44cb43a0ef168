package kafkapipeline.grains.persist;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.FakePerson;
import kafkapipeline.grains.cassandra.Schema;

/** Topic {@code faker} to table {@code fakerdata}: one row per person id, every column filled. */
public final class FakerRowMapper implements RowMapper {
  /** The table its rows go to: the one place its name is written (schema.cql defines it). */
  public static final String TABLE = "fakerdata";

  static final String INSERT =
      "INSERT INTO "
          + Schema.KEYSPACE
          + "."
          + TABLE
          + " (id, name, gender, address, year, email,"
          + " phone_number, job, company, country, city, date_time, credit_card_number)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?";

  private final RowBinder insert;

  public FakerRowMapper(PreparedStatement insert) {
    this.insert = new RowBinder(insert);
  }

  public static CompletionStage<FakerRowMapper> prepare(CqlSession session) {
    return session.prepareAsync(INSERT).thenApply(FakerRowMapper::new);
  }

  @Override
  public String table() {
    return TABLE;
  }

  @Override
  public BoundStatement toStatement(String key, byte[] value, long writeTime) {
    return bind(parse(value), writeTime);
  }

  /** The idempotent upsert of one person at {@code writeTime}: what {@link #toStatement} makes. */
  public BoundStatement bind(FakePerson p, long writeTime) {
    return insert.bind(
        writeTime,
        p.id(),
        p.name(),
        p.gender(),
        p.address(),
        p.year(),
        p.email(),
        p.phoneNumber(),
        p.job(),
        p.company(),
        p.country(),
        p.city(),
        p.dateTime(),
        p.creditCardNumber());
  }

  /** Parses and validates a {@code faker} payload; every field is required. */
  public static FakePerson parse(byte[] value) {
    FakePerson p = EventJson.read(value, FakePerson.class);
    String missing = p.firstMissingField();
    if (missing != null) {
      throw new MalformedEventException("fake person without " + missing);
    }
    return p;
  }
}
