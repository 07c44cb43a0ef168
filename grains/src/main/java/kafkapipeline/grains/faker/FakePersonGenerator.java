package kafkapipeline.grains.faker;

import java.time.Instant;
import java.util.Locale;
import java.util.Random;
import kafkapipeline.api.FakePerson;
import net.datafaker.Faker;

/**
 * Makes the person at a given position of a seeded stream. The same (seed, sequence) always gives
 * the same person, field for field: a position that is produced twice (after a failover, say)
 * becomes the same Kafka record and so the same Cassandra row, never a second person.
 *
 * <p>Not thread-safe: one instance per actor.
 */
public final class FakePersonGenerator {
  // 1970-01-01 .. 2026-01-01, like the original's fake.date_time().
  private static final long LATEST_EPOCH_SECOND = 1_767_225_600L;

  private final long seed;
  private final Random random = new Random();
  private final Faker faker = new Faker(Locale.ENGLISH, random);

  public FakePersonGenerator(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  public FakePerson generate(long sequence) {
    // Reseeding per position (not per stream) is what makes any single position reproducible.
    random.setSeed(seed * 0x9E3779B97F4A7C15L + sequence);
    return new FakePerson(
        FakePerson.idFor(seed, sequence),
        faker.name().fullName(),
        faker.gender().binaryTypes(),
        faker.address().fullAddress(),
        faker.number().numberBetween(1970, 2026),
        faker.internet().emailAddress(),
        faker.phoneNumber().phoneNumber(),
        faker.job().title(),
        faker.company().name(),
        faker.address().country(),
        faker.address().city(),
        Instant.ofEpochSecond(faker.number().numberBetween(0L, LATEST_EPOCH_SECOND)),
        faker.finance().creditCard());
  }
}
