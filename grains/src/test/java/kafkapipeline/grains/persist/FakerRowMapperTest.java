package kafkapipeline.grains.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.FakePerson;
import kafkapipeline.grains.faker.FakePersonGenerator;
import org.junit.jupiter.api.Test;

class FakerRowMapperTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void invalidJsonIsMalformedWithAReason() {
    MalformedEventException e =
        assertThrows(MalformedEventException.class, () -> FakerRowMapper.parse(bytes("{not json")));
    assertTrue(e.getMessage().startsWith("not a valid FakePerson"), e.getMessage());
  }

  @Test
  void wrongTypesAreMalformed() {
    assertThrows(
        MalformedEventException.class,
        () -> FakerRowMapper.parse(bytes("{\"id\":\"not-a-uuid\",\"year\":\"soon\"}")));
  }

  @Test
  void aMissingFieldIsNamed() {
    FakePerson p = new FakePersonGenerator(1).generate(0);
    String json =
        new String(EventJson.write(p), StandardCharsets.UTF_8)
            .replaceAll("\"email\":\"[^\"]*\",", "");
    MalformedEventException e =
        assertThrows(MalformedEventException.class, () -> FakerRowMapper.parse(bytes(json)));
    assertEquals("fake person without email", e.getMessage());
  }

  @Test
  void nullAndEmptyPayloadsAreMalformed() {
    assertThrows(MalformedEventException.class, () -> FakerRowMapper.parse(null));
    assertThrows(MalformedEventException.class, () -> FakerRowMapper.parse(new byte[0]));
  }
}
