package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import kafkapipeline.grains.cassandra.Consistency;
import kafkapipeline.grains.cassandra.Schema;
import kafkapipeline.grains.faker.FakerSettings;
import kafkapipeline.grains.persist.PersisterSettings;
import kafkapipeline.grains.spacex.SpaceXSettings;
import kafkapipeline.grains.weather.WeatherSettings;
import kafkapipeline.grains.wikipedia.WikipediaSettings;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Each component's {@code fromConfig}: the defaults of the silo's HOCON files pass, and every bad
 * value of every key (generated: out of range, of the wrong type, past an int) fails with an {@link
 * IllegalArgumentException} whose message begins with that key's full path.
 */
class ComponentSettingsTest {
  private static final Config BASE = load();

  private static Config load() {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.load().resolve();
  }

  /** {@code path = value} over the defaults must make {@code read} fail naming {@code path}. */
  private static void refused(Function<Config, ?> read, String path, Object value) {
    Config config = ConfigFactory.parseMap(Map.of(path, value)).withFallback(BASE);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> read.apply(config), path + " = '" + value + "'");
    String m = e.getMessage();
    assertTrue(
        m.startsWith(path + " ") || m.startsWith(path + ":"), path + " = " + value + ": " + m);
  }

  /** Every value {@code bad} generates for {@code path} is refused, naming {@code path}. */
  private static void property(Function<Config, ?> read, String path, Gen<Object> bad) {
    qt().withExamples(40).forAll(bad).checkAssert(v -> refused(read, path, v));
  }

  private static Gen<Object> words(String... words) {
    return Generate.pick(List.<Object>of(words));
  }

  private static Gen<Object> intsBelow(int min) {
    return integers()
        .between(Integer.MIN_VALUE, min - 1)
        .<Object>map(i -> i)
        .mix(words("many", "1,5", "12x", "true"), 20)
        // Past an int: Typesafe refuses it as a type error, which must name the key too.
        .mix(longs().between(1L + Integer.MAX_VALUE, Long.MAX_VALUE).map(l -> (Object) l), 10);
  }

  private static Gen<Object> intsOutside(int min, int max) {
    return intsBelow(min).mix(integers().between(max + 1, Integer.MAX_VALUE).map(i -> i), 40);
  }

  private static Gen<Object> durationsBelow(Duration min) {
    return longs()
        .between(-1_000_000_000L, min.toMillis() - 1)
        .<Object>map(ms -> ms + "ms")
        .mix(words("soon", "5 parsecs", "1.5.2s", ""), 20);
  }

  private static Gen<Object> notPositiveDurations() {
    return durationsBelow(Duration.ofMillis(1));
  }

  private static Gen<Object> blanks() {
    return words("", " ", "\t", "   ");
  }

  private static Gen<Object> notBooleans() {
    return words("maybe", "2", "enabled", "t");
  }

  private static Gen<Object> sizesBelow(int min) {
    return integers()
        .between(Integer.MIN_VALUE, min - 1)
        .<Object>map(i -> i)
        .mix(words("huge", "4 parsecs", "3GiB", "1TiB"), 20);
  }

  @Test
  void faker() {
    Function<Config, ?> read = FakerSettings::fromConfig;
    FakerSettings d = FakerSettings.fromConfig(BASE);
    assertEquals(Duration.ofMillis(100), d.tick());
    String p = FakerSettings.PATH;
    property(
        read,
        p + ".rate",
        // QuickTheories' doubles shrink towards 0 even outside their range: longs do not.
        longs()
            .between(1, Long.MAX_VALUE)
            .<Object>map(l -> -l / 7.0)
            .mix(
                longs()
                    .between(1 + (long) FakerSettings.MAX_RATE, Long.MAX_VALUE)
                    .map(l -> l * 1.0),
                50)
            .mix(words("NaN", "Infinity", "fast", "-Infinity", "1e308", "-0.5"), 20));
    property(read, p + ".limit", longs().between(Long.MIN_VALUE, -1).<Object>map(l -> l));
    property(read, p + ".seed", words("abc", "1.5", "12x", "0x10", "99999999999999999999"));
    property(read, p + ".tick", notPositiveDurations());
  }

  @Test
  void weather() {
    Function<Config, ?> read = WeatherSettings::fromConfig;
    assertEquals(60, WeatherSettings.fromConfig(BASE).callsPerMinute());
    String p = WeatherSettings.PATH;
    property(read, p + ".base-url", blanks());
    property(read, p + ".interval", notPositiveDurations());
    property(read, p + ".calls-per-minute", intsBelow(1));
    property(read, p + ".wake-interval", notPositiveDurations());
  }

  @Test
  void history() {
    Function<Config, ?> read = HistorySettings::fromConfig;
    assertEquals(Duration.ofSeconds(10), HistorySettings.fromConfig(BASE).interval());
    String p = HistorySettings.PATH;
    // Not positive, not whole seconds, past 600 s, or not a duration at all.
    property(
        read,
        p + ".interval",
        notPositiveDurations()
            .mix(longs().between(1, 999_999).<Object>map(ms -> (ms * 1000 + 1) + "ms"), 30)
            .mix(
                longs().between(601, Long.MAX_VALUE / 1_000_000_000L).<Object>map(s -> s + "s"), 30)
            .mix(words("1.5s", "10 furlongs", "∞s", "10s\u0000"), 10));
  }

  @Test
  void wikipedia() {
    Function<Config, ?> read = WikipediaSettings::fromConfig;
    WikipediaSettings d = WikipediaSettings.fromConfig(BASE);
    assertEquals(4_194_304, d.maxEventBytes());
    String p = WikipediaSettings.PATH;
    property(read, p + ".enabled", notBooleans());
    property(read, p + ".stream-url", blanks());
    property(read, p + ".user-agent", blanks());
    property(read, p + ".batch-size", intsBelow(1));
    property(read, p + ".batch-window", notPositiveDurations());
    property(read, p + ".min-backoff", notPositiveDurations());
    // Below min-backoff (1 s by default) is as bad as below zero.
    property(read, p + ".max-backoff", durationsBelow(d.minBackoff()));
    property(read, p + ".max-event-size", sizesBelow(WikipediaSettings.MIN_EVENT_BYTES));
    property(read, p + ".max-line-size", sizesBelow(WikipediaSettings.MIN_EVENT_BYTES));
  }

  @Test
  void spacex() {
    Function<Config, ?> read = SpaceXSettings::fromConfig;
    assertEquals(Duration.ofMinutes(5), SpaceXSettings.fromConfig(BASE).interval());
    String p = SpaceXSettings.PATH;
    property(read, p + ".base-url", blanks());
    property(read, p + ".interval", notPositiveDurations());
    property(read, p + ".include-past", notBooleans());
  }

  @Test
  void persisters() {
    Function<Config, ?> read = PersisterSettings::fromConfig;
    PersisterSettings d = PersisterSettings.fromConfig(BASE);
    assertEquals(8, d.rowsPerRequest());
    String p = PersisterSettings.PATH;
    property(read, p + ".batch-size", intsBelow(1));
    property(read, p + ".batch-wait", notPositiveDurations());
    property(read, p + ".parallelism", intsBelow(1));
    property(read, p + ".write-attempts", intsBelow(1));
    property(read, p + ".first-retry-backoff", notPositiveDurations());
    property(read, p + ".restart-min-backoff", notPositiveDurations());
    property(read, p + ".restart-max-backoff", durationsBelow(d.restartMinBackoff()));
    property(read, p + ".max-record-bytes", sizesBelow(1));
    property(read, p + ".rows-per-request", intsOutside(1, PersisterSettings.MAX_ROWS_PER_REQUEST));
    property(read, p + ".max-request-bytes", sizesBelow(1));
    property(read, p + ".drain-timeout", notPositiveDurations());
  }

  @Test
  void cassandra() {
    Function<Config, ?> read = CassandraSettings::fromConfig;
    CassandraSettings d = CassandraSettings.fromConfig(BASE);
    assertEquals(Schema.Settings.fromConfig(BASE), d.schema());
    assertEquals(Consistency.Levels.fromConfig(BASE), d.consistency());
    String p = CassandraSettings.PATH;
    property(
        read, p + ".contact-points", words("", " , ", "db", "db:", "db:x", "db:0", "db:65536"));
    property(read, p + ".local-datacenter", blanks());
    property(read, p + ".replication-factor", intsBelow(1));
    property(read, p + ".schema-agreement-timeout", notPositiveDurations());
    property(read, p + ".schema-wait-timeout", notPositiveDurations());
    Gen<Object> levels = words("SERIAL", "local_serial", "ANY", "MOST", "", "QUORUM!");
    property(read, p + ".write-consistency", levels);
    property(read, p + ".read-consistency", levels);
  }

  @Test
  void kafka() {
    Function<Config, ?> read = KafkaSettings::fromConfig;
    assertEquals(12, KafkaSettings.fromConfig(BASE).partitions());
    String p = KafkaSettings.PATH;
    property(read, p + ".bootstrap-servers", words("", "broker", "broker:x", "a:9092, b:0"));
    property(read, p + ".partitions", intsBelow(1));
    // Past a short the factor would wrap around (70000 became 4464).
    property(read, p + ".replication-factor", intsOutside(1, Short.MAX_VALUE));
  }

  @Test
  void cluster() {
    Function<Config, ?> read = ClusterSettings::fromConfig;
    assertEquals(Duration.ofSeconds(30), ClusterSettings.fromConfig(BASE).startupMaxBackoff());
    String p = ClusterSettings.PATH;
    property(read, p + ".discovery", words("dns", "Cassandra", "", "seed nodes"));
    property(read, p + ".seed-nodes", words("", "localhost", "silo:two", "silo:70000"));
    property(read, p + ".startup-max-backoff", notPositiveDurations());
  }

  @Test
  void http() {
    Function<Config, ?> read = HttpSettings::fromConfig;
    HttpSettings d = HttpSettings.fromConfig(BASE);
    assertEquals(Duration.ofSeconds(3), d.askTimeout());
    assertEquals(Duration.ofSeconds(10), d.queryTimeout());
    assertEquals(Duration.ofSeconds(5), d.countTimeout());
    String p = HttpSettings.PATH;
    property(read, p + ".host", blanks());
    property(read, p + ".port", intsOutside(1, 65535));
    property(read, p + ".allowed-hosts", words("http://a", "a/b", "a:99999", "a b", "-a"));
    property(read, p + ".ask-timeout", notPositiveDurations());
    property(read, p + ".query-timeout", notPositiveDurations());
    property(read, p + ".count-timeout", notPositiveDurations());
  }

  @Test
  void aMissingKeyIsNamedToo() {
    Config without = BASE.withoutPath(FakerSettings.PATH + ".rate");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FakerSettings.fromConfig(without));
    assertTrue(e.getMessage().startsWith(FakerSettings.PATH + ".rate "), e.getMessage());
  }

  @Test
  void theSiloComposesTheComponentsAndTheirTimeouts() {
    Config config =
        ConfigFactory.parseMap(
                Map.of(
                    "pipeline.http.ask-timeout",
                    "7s",
                    "pipeline.cluster.startup-max-backoff",
                    "4s"))
            .withFallback(BASE);
    SiloSettings s = SiloSettings.fromConfig(config);
    assertEquals(Duration.ofSeconds(7), s.http().askTimeout());
    assertEquals(Duration.ofSeconds(4), s.startupRetryMax());
    assertEquals(HttpSettings.fromConfig(config), s.http());
    assertEquals(PersisterSettings.fromConfig(config), s.persisters());
  }
}
