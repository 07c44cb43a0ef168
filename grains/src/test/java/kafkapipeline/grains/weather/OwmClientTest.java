package kafkapipeline.grains.weather;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OwmClientTest {
  private final OwmClient client = new OwmClient("http://127.0.0.1:1", "secret-key");

  private static String fixture(String name) throws IOException {
    try (InputStream in =
        OwmClientTest.class.getResourceAsStream("/fixtures/openweathermap/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aRecordedReportBecomesARowKeyedByTheApisOwnCityName() throws IOException {
    OwmClient.Observed o =
        assertInstanceOf(
            OwmClient.Observed.class,
            client.interpret(200, fixture("dblock__weather_weather_name__http200.json"), "london"));
    assertEquals("london,gb", o.report().location());
    assertEquals(Instant.ofEpochSecond(1588044368), o.report().forecastdate());
    assertEquals(282.57f, o.report().temp());
    assertEquals(5.7f, o.report().wind());
    assertEquals(81f, o.report().humidity());
    assertEquals("light rain", o.report().description());
    assertEquals(1588048633L, o.report().sunrise());
    assertEquals(2643743L, o.owmId());
  }

  @Test
  void errorsAreTypedAndCarryTheApisMessage() throws IOException {
    assertInstanceOf(
        OwmClient.NotFound.class,
        client.interpret(404, fixture("http404_city_not_found.json"), "Atlantis"));
    OwmClient.Unauthorized u =
        assertInstanceOf(
            OwmClient.Unauthorized.class,
            client.interpret(401, fixture("http401_invalid_api_key.json"), "x"));
    assertTrue(u.message().startsWith("API key rejected (401): Invalid API key."), u.message());
    OwmClient.RateLimited r =
        assertInstanceOf(
            OwmClient.RateLimited.class,
            client.interpret(429, fixture("http429_rate_limited.json"), "x"));
    assertTrue(r.message().contains("exceeding of requests limitation"), r.message());
    assertInstanceOf(OwmClient.Failed.class, client.interpret(503, "<html>down</html>", "x"));
  }

  @Test
  void malformedBodiesFailWithAReason() {
    OwmClient.Failed f =
        assertInstanceOf(OwmClient.Failed.class, client.interpret(200, "{\"name\":\"x\"", "x"));
    assertTrue(f.message().startsWith("malformed weather JSON"), f.message());
    f = assertInstanceOf(OwmClient.Failed.class, client.interpret(200, "{\"name\":\"x\"}", "x"));
    assertTrue(f.message().contains("missing name, dt or main.temp"), f.message());
  }

  @Test
  void theKeyIsRedactedFromEveryMessage() {
    OwmClient.Failed f =
        assertInstanceOf(
            OwmClient.Failed.class,
            client.interpret(500, "{\"message\":\"bad appid=secret-key\"}", "x"));
    assertFalse(f.message().contains("secret-key"), f.message());
    assertTrue(f.message().contains("***"), f.message());
  }

  @Test
  void cityNamesAreCheckedAndNormalised() {
    assertEquals(null, CityNames.problem("Hanoi,VN"));
    assertEquals("city name is empty", CityNames.problem("  "));
    assertEquals("city name contains a quote character", CityNames.problem("O'Brien"));
    assertEquals("city name contains a control character", CityNames.problem("Ha\nnoi"));
    assertEquals("city name is longer than 100 characters", CityNames.problem("x".repeat(101)));
    assertEquals("hanoi,vn", CityNames.id("Hanoi", "VN"));
    assertEquals("são paulo,br", CityNames.id(" São Paulo ", "BR"));
  }
}
