package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SiloSettingsTest {

  private static Config with(Map<String, Object> overrides) {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void defaultsAreLoopbackAndSensible() {
    SiloSettings s = SiloSettings.fromConfig(with(Map.of()));
    assertEquals(List.of("127.0.0.1:2551"), s.seedNodes());
    assertEquals("127.0.0.1", s.httpHost());
    assertEquals(12, s.kafkaPartitions());
    assertEquals(List.of("pekko://pipeline@127.0.0.1:2551"), s.seedNodeAddresses("pipeline"));
    assertTrue(s.faker().seed().isEmpty());
    assertEquals("https://api.spacexdata.com", s.spacex().baseUrl());
    assertEquals(java.time.Duration.ofMinutes(5), s.spacex().interval());
    assertEquals(false, s.spacex().includePast());
  }

  @Test
  void seedNodesAreACommaSeparatedList() {
    SiloSettings s =
        SiloSettings.fromConfig(
            with(Map.of("pipeline.cluster.seed-nodes", " 127.0.0.1:2551, silo-2:2552 ")));
    assertEquals(List.of("127.0.0.1:2551", "silo-2:2552"), s.seedNodes());
  }

  @Test
  void badValuesNameTheSetting() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SiloSettings.fromConfig(with(Map.of("pipeline.cluster.seed-nodes", "localhost"))));
    assertTrue(e.getMessage().contains("pipeline.cluster.seed-nodes"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SiloSettings.fromConfig(
                    with(Map.of("pipeline.cassandra.contact-points", "db:99999"))));
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SiloSettings.fromConfig(with(Map.of("pipeline.sources.faker.seed", "abc"))));
    assertTrue(e.getMessage().contains("pipeline.sources.faker.seed"), e.getMessage());
    // A factor past Kafka's short would wrap around (70000 became 4464); a drain of no time is no
    // drain.
    for (Object rf : new Object[] {0, -3, 32_768, 70_000}) {
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> SiloSettings.fromConfig(with(Map.of("pipeline.kafka.replication-factor", rf))),
              String.valueOf(rf));
      assertTrue(e.getMessage().contains("pipeline.kafka.replication-factor"), e.getMessage());
    }
    for (Object timeout : new Object[] {"0s", "-5s"}) {
      e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  SiloSettings.fromConfig(
                      with(Map.of("pipeline.persisters.drain-timeout", timeout))),
              String.valueOf(timeout));
      assertTrue(e.getMessage().contains("pipeline.persisters.drain-timeout"), e.getMessage());
    }
    // The rate the API takes at run time bounds the one given at start: negative, past the
    // bound, infinite or not a number are refused.
    for (Object rate : new Object[] {-1, 1e308, 1_000_001, "NaN", "Infinity"}) {
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> SiloSettings.fromConfig(with(Map.of("pipeline.sources.faker.rate", rate))),
              String.valueOf(rate));
      assertTrue(e.getMessage().contains("from 0 to 1000000"), e.getMessage());
    }
    assertEquals(
        1_000_000,
        SiloSettings.fromConfig(with(Map.of("pipeline.sources.faker.rate", 1_000_000)))
            .faker()
            .ratePerSecond());
  }

  @Test
  void aHostOtherThanLoopbackNeedsAToken() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            // The token is set empty explicitly: an HTTP_TOKEN in the environment must not matter
            // here.
            () ->
                SiloSettings.fromConfig(
                    with(Map.of("pipeline.http.host", "0.0.0.0", "pipeline.http.token", ""))));
    assertTrue(e.getMessage().contains("HTTP_TOKEN"), e.getMessage());
    SiloSettings s =
        SiloSettings.fromConfig(
            with(Map.of("pipeline.http.host", "0.0.0.0", "pipeline.http.token", " s3cret ")));
    assertEquals("s3cret", s.httpToken());
    assertEquals("", SiloSettings.fromConfig(with(Map.of("pipeline.http.token", ""))).httpToken());
  }

  @Test
  void loopbackIsDecidedOnTheAddressNotTheName() {
    for (String loopback :
        List.of(
            "127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "[::1]", "localhost", "LOCALHOST"))
      assertEquals(
          "",
          SiloSettings.fromConfig(
                  with(Map.of("pipeline.http.host", loopback, "pipeline.http.token", "")))
              .httpToken(),
          loopback);
    for (String beyond :
        List.of(
            "127.example.com",
            "127.0.0.1.nip.io",
            "localhost.example",
            "127.1",
            "0.0.0.0",
            "::",
            "10.0.0.1",
            "::ffff:10.0.0.1",
            "128.0.0.1")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  SiloSettings.fromConfig(
                      with(Map.of("pipeline.http.host", beyond, "pipeline.http.token", ""))),
              beyond);
      assertTrue(
          e.getMessage()
              .startsWith(
                  "pipeline.http.host (HTTP_HOST) is '" + beyond + "', not a loopback address"),
          e.getMessage());
      assertTrue(e.getMessage().contains("HTTP_TOKEN"), e.getMessage());
    }
  }

  @Test
  void theSessionCookiesMaxAgeIsCheckedWithItsPath() {
    assertEquals(
        java.time.Duration.ofHours(12),
        SiloSettings.fromConfig(with(Map.of())).http().sessionMaxAge());
    for (String bad : List.of("0s", "500ms", "-1h")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> SiloSettings.fromConfig(with(Map.of("pipeline.http.session-max-age", bad))),
              bad);
      assertTrue(e.getMessage().startsWith("pipeline.http.session-max-age"), e.getMessage());
    }
  }

  @Test
  void declarativeBoundsDefaultAsDocumentedAndAreCheckedWithTheirPath() {
    assertEquals(
        kafkapipeline.grains.declarative.DeclarativeSettings.defaults(),
        SiloSettings.fromConfig(with(Map.of())).declarative());
    String at = "pipeline.sources.declarative.";
    for (Map.Entry<String, Object> bad :
        Map.<String, Object>of(
                "max-items", 0,
                "max-body-bytes", "1B",
                "max-buffered-bytes", "1KiB",
                "poll-deadline", "1s",
                "idle-timeout", "0s",
                "max-batch-bytes", "lots")
            .entrySet()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> SiloSettings.fromConfig(with(Map.of(at + bad.getKey(), bad.getValue()))),
              bad.toString());
      assertTrue(e.getMessage().startsWith(at + bad.getKey()), e.getMessage());
    }
  }
}
