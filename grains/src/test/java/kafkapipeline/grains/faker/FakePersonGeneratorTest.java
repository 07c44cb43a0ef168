package kafkapipeline.grains.faker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.FakePerson;
import kafkapipeline.grains.persist.FakerRowMapper;
import org.junit.jupiter.api.Test;

class FakePersonGeneratorTest {

  @Test
  void samePositionGivesTheSamePersonEvenFromAnotherInstance() {
    FakePersonGenerator a = new FakePersonGenerator(42);
    FakePersonGenerator b = new FakePersonGenerator(42);
    a.generate(1); // a generator's history must not matter
    assertEquals(a.generate(7), b.generate(7));
  }

  @Test
  void positionsAndSeedsGiveDistinctPeopleWithEveryFieldFilled() {
    FakePersonGenerator g = new FakePersonGenerator(3);
    Set<UUID> ids = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (long pos = 0; pos < 2000; pos++) {
      FakePerson p = g.generate(pos);
      assertNull(p.firstMissingField(), p.toString());
      assertEquals(FakePerson.idFor(3, pos), p.id());
      ids.add(p.id());
      names.add(p.name());
    }
    assertEquals(2000, ids.size());
    // Real variety, not one person repeated under many ids.
    assertEquals(true, names.size() > 1500, "distinct names: " + names.size());
    assertNotEquals(new FakePersonGenerator(4).generate(0).id(), g.generate(0).id());
  }

  @Test
  void jsonRoundTripKeepsEveryField() {
    FakePerson p = new FakePersonGenerator(9).generate(11);
    byte[] json = EventJson.write(p);
    assertEquals(p, FakerRowMapper.parse(json));
    String text = new String(json, java.nio.charset.StandardCharsets.UTF_8);
    for (String field :
        new String[] {
          "\"name\"",
          "\"gender\"",
          "\"address\"",
          "\"year\"",
          "\"email\"",
          "\"phone_number\"",
          "\"job\"",
          "\"company\"",
          "\"country\"",
          "\"city\"",
          "\"date_time\"",
          "\"credit_card_number\""
        }) {
      assertEquals(true, text.contains(field), field + " missing from " + text);
    }
  }
}
