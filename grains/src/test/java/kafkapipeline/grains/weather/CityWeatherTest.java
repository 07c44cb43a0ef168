package kafkapipeline.grains.weather;

import static kafkapipeline.grains.StubHttpServer.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.Topics;
import kafkapipeline.api.WeatherReport;
import kafkapipeline.api.grains.CallBudgetProtocol;
import kafkapipeline.api.grains.CityWeatherProtocol;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.StubHttpServer;
import kafkapipeline.grains.StubHttpServer.Answer;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import kafkapipeline.grains.profile.GrainProfile;
import kafkapipeline.grains.profile.GrainProfiler;
import kafkapipeline.grains.weather.CityStore.City;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The city grain against a local OpenWeatherMap stand-in serving the recorded fixtures, a real
 * {@link CallBudget} on a clock the test moves, an in-memory registry and a recording publisher.
 *
 * <p>Time is {@link ManualTime}: a poll or a retry happens only when the test lets time pass, so a
 * backoff is checked to its bounds (interval 60 s, jitter ±20 %: a first retry between 48 and 72 s,
 * a second between 96 and 144 s). "No call happened" is exact: after the time passed, a status
 * round trip proves the grain handled its tick (which asks the budget at once), and the budget's
 * usage, asked after that, counts every call the grain was granted.
 */
class CityWeatherTest {
  private static final String KEY = "k3y-Secret+42";
  private static final Duration INTERVAL = Duration.ofSeconds(60);
  private static final City LONDON = new City("london,gb", "London", "GB", 2643743, Instant.EPOCH);
  private static final String LONDON_200 =
      fixture("openweathermap/dblock__weather_weather_name__http200.json");

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ManualTime.config()
              .withFallback(
                  ConfigFactory.parseString(
                      "pekko.actor.provider = cluster\n"
                          + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                          + "pekko.remote.artery.canonical.port = 0\n"))
              .withFallback(ConfigFactory.load()));
  private static final ManualTime time = ManualTime.get(testKit.system());

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) c.close();
  }

  /** Records what it is asked to publish; fails the first {@code failures} calls. */
  static final class RecordingPublisher implements EventPublisher {
    final List<KeyedRecord> records = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger failuresLeft = new AtomicInteger();

    @Override
    public CompletionStage<Void> publish(String topic, List<KeyedRecord> batch) {
      assertEquals(Topics.WEATHER, topic);
      if (failuresLeft.getAndDecrement() > 0)
        return CompletableFuture.failedFuture(new RuntimeException("broker unavailable"));
      records.addAll(batch);
      return CompletableFuture.completedFuture(null);
    }
  }

  /** The registry as a map. */
  static final class MemoryCities implements CityLookup {
    final Map<String, City> cities = new ConcurrentHashMap<>();

    MemoryCities(City... registered) {
      for (City c : registered) cities.put(c.id(), c);
    }

    @Override
    public CompletionStage<Optional<City>> get(String id) {
      return CompletableFuture.completedFuture(Optional.ofNullable(cities.get(id)));
    }
  }

  /** One grain with its collaborators. */
  private final class Rig {
    final StubHttpServer owm;
    final RecordingPublisher publisher = new RecordingPublisher();
    final PipelineMetrics metrics = new PipelineMetrics();
    final AtomicLong budgetClock = new AtomicLong();
    final ActorRef<CallBudgetProtocol.Command> budget;
    final CityWeather.Dependencies deps;
    final TestProbe<CityWeatherProtocol.Status> probe = testKit.createTestProbe();
    final TestProbe<CallBudgetProtocol.Usage> usageProbe = testKit.createTestProbe();

    Rig(Answer first, int callsPerMinute, String apiKey, City... registered) {
      this(first, callsPerMinute, apiKey, INTERVAL, registered);
    }

    Rig(Answer first, int callsPerMinute, String apiKey, Duration interval, City... registered) {
      owm = new StubHttpServer(uri -> first);
      closing.add(owm);
      budget = testKit.spawn(CallBudget.create(callsPerMinute, budgetClock::get));
      WeatherSettings settings =
          new WeatherSettings(owm.baseUrl(), apiKey, interval, callsPerMinute, interval);
      deps =
          new CityWeather.Dependencies(
              settings,
              new OwmClient(owm.baseUrl(), apiKey),
              budget,
              publisher,
              new MemoryCities(registered),
              metrics);
    }

    ActorRef<CityWeatherProtocol.Command> spawn(City city) {
      return testKit.spawn(CityWeather.create(city.id(), deps));
    }

    CityWeatherProtocol.Status status(ActorRef<CityWeatherProtocol.Command> city) {
      city.tell(new CityWeatherProtocol.GetStatus(probe.getRef()));
      return probe.receiveMessage(Duration.ofSeconds(30));
    }

    /** Waits (real time: the HTTP call) until the grain's status passes {@code check}. */
    CityWeatherProtocol.Status awaitStatus(
        ActorRef<CityWeatherProtocol.Command> city,
        java.util.function.Predicate<CityWeatherProtocol.Status> ok) {
      return probe.awaitAssert(
          Duration.ofSeconds(30),
          Duration.ofMillis(20),
          () -> {
            CityWeatherProtocol.Status s = status(city);
            assertTrue(ok.test(s), String.valueOf(s));
            return s;
          });
    }

    /** Calls the budget granted so far, once the grain handled what it was sent before. */
    long granted(ActorRef<CityWeatherProtocol.Command> city) {
      status(city);
      budget.tell(new CallBudgetProtocol.GetUsage(usageProbe.getRef()));
      return usageProbe.receiveMessage(Duration.ofSeconds(30)).granted();
    }

    /** Lets {@code d} pass and returns the calls granted by then. */
    long after(Duration d, ActorRef<CityWeatherProtocol.Command> city) {
      pass(d);
      return granted(city);
    }

    /** Lets {@code d} pass; a call it triggers is answered only once the time is there. */
    void pass(Duration d) {
      owm.hold();
      try {
        time.timePasses(d);
      } finally {
        owm.release();
      }
    }
  }

  private static Answer ok() {
    return new Answer(200, LONDON_200);
  }

  /** Failures the city grains reported to the JVM's profiler under one message class. */
  private static long profiledFailures(String message) {
    return GrainProfiler.global().snapshot().grains().stream()
        .filter(e -> e.grain().equals(CityWeather.TYPE_KEY.name()) && e.message().equals(message))
        .mapToLong(GrainProfile.Entry::failures)
        .sum();
  }

  private static boolean failing(CityWeatherProtocol.Status s) {
    return "failing".equals(s.state());
  }

  private static boolean reporting(CityWeatherProtocol.Status s) {
    return "reporting".equals(s.state());
  }

  @Test
  void aReportIsPublishedKeyedByTheCityAndTheNextOneAfterTheInterval() {
    Rig rig = new Rig(ok(), 60, KEY, LONDON);
    ActorRef<CityWeatherProtocol.Command> city = rig.spawn(LONDON);

    CityWeatherProtocol.Status s = rig.awaitStatus(city, CityWeatherTest::reporting);
    assertEquals("london,gb", s.cityId());
    assertEquals(282.57f, s.temperature());
    assertNull(s.lastError());
    assertNotNull(s.lastReport());
    assertEquals(1, rig.publisher.records.size());
    KeyedRecord record = rig.publisher.records.get(0);
    assertEquals("london,gb", record.key());
    assertNull(record.deadLetterReason());
    WeatherReport report = EventJson.read(record.value(), WeatherReport.class);
    assertEquals("london,gb", report.location());
    assertEquals(Instant.ofEpochSecond(1588044368), report.forecastdate());
    assertEquals("light rain", report.description());
    URI call = rig.owm.requests().get(0);
    assertEquals("/data/2.5/weather", call.getPath());
    assertTrue(call.getQuery().startsWith("id=2643743&units=metric&appid="), call.getQuery());
    assertEquals(1, rig.metrics.get(PipelineMetrics.PRODUCED, Topics.WEATHER));

    // Nothing until the interval is over, then exactly one more call and report.
    assertEquals(1, rig.after(INTERVAL.minusMillis(1), city));
    assertEquals(1, rig.owm.requests().size());
    assertEquals(2, rig.after(Duration.ofMillis(1), city));
    rig.probe.awaitAssert(
        Duration.ofSeconds(30),
        () -> {
          assertEquals(2, rig.publisher.records.size());
          return null;
        });
    assertEquals(2, rig.owm.requests().size());
    assertEquals(List.of("london,gb", "london,gb"), keys(rig.publisher));
    testKit.stop(city);
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            401,
            fixture("openweathermap/http401_invalid_api_key.json"),
            "API key rejected (401): Invalid API key."),
        Arguments.of(
            404,
            fixture("openweathermap/http404_city_not_found.json"),
            "city not found by the API: London,GB"),
        Arguments.of(
            429,
            fixture("openweathermap/http429_rate_limited.json"),
            "rate limited (429): Your account is temporary blocked due to exceeding of requests"),
        Arguments.of(503, "<html>down</html>", "HTTP 503: <html>down</html>"),
        Arguments.of(200, "{\"name\":\"London\"}", "malformed weather JSON for London,GB"));
  }

  @ParameterizedTest(name = "HTTP {0}")
  @MethodSource("refusals")
  void aRefusalMarksTheCityFailingWithTheReasonAndBacksOffUntilASuccessClearsIt(
      int status, String body, String reason) {
    Rig rig = new Rig(new Answer(status, body), 60, KEY, LONDON);
    long failedFetches = profiledFailures("Fetched");
    ActorRef<CityWeatherProtocol.Command> city = rig.spawn(LONDON);

    CityWeatherProtocol.Status s = rig.awaitStatus(city, CityWeatherTest::failing);
    assertEquals(failedFetches + 1, profiledFailures("Fetched"));
    assertTrue(s.lastError().startsWith(reason), s.lastError());
    assertNull(s.lastReport());
    assertEquals(List.of(), rig.publisher.records);
    assertEquals(0, rig.metrics.get(PipelineMetrics.PRODUCED, Topics.WEATHER));

    // First retry within [48 s, 72 s]; then, failing again, the second within [96 s, 144 s].
    // The second answer differs, so the test sees when the grain has handled it.
    rig.owm.answer(uri -> new Answer(503, "again"));
    assertEquals(1, rig.after(Duration.ofSeconds(47), city));
    assertEquals(2, rig.after(Duration.ofSeconds(26), city));
    s = rig.awaitStatus(city, c -> failing(c) && c.lastError().equals("HTTP 503: again"));
    assertEquals(2, rig.owm.requests().size());
    assertEquals(2, rig.after(Duration.ofSeconds(95), city));
    rig.owm.answer(uri -> ok());
    assertEquals(3, rig.after(Duration.ofSeconds(50), city));

    s = rig.awaitStatus(city, CityWeatherTest::reporting);
    assertNull(s.lastError());
    assertEquals(List.of("london,gb"), keys(rig.publisher));
    assertEquals(3, rig.owm.requests().size());
    // Two failed calls, then a success that is not one.
    assertEquals(failedFetches + 2, profiledFailures("Fetched"));
    // Back on the interval: the failures no longer lengthen the wait.
    assertEquals(3, rig.after(INTERVAL.minusMillis(1), city));
    assertEquals(4, rig.after(Duration.ofMillis(1), city));
    testKit.stop(city);
  }

  @Test
  void aFailedPublishMarksTheCityFailingAndIsRetried() {
    Rig rig = new Rig(ok(), 60, KEY, LONDON);
    rig.publisher.failuresLeft.set(1);
    long failedPublishes = profiledFailures("PublishFailed");
    ActorRef<CityWeatherProtocol.Command> city = rig.spawn(LONDON);

    CityWeatherProtocol.Status s = rig.awaitStatus(city, CityWeatherTest::failing);
    assertEquals(failedPublishes + 1, profiledFailures("PublishFailed"));
    assertTrue(s.lastError().startsWith("publish failed: "), s.lastError());
    assertTrue(s.lastError().contains("broker unavailable"), s.lastError());
    assertEquals(List.of(), rig.publisher.records);
    assertEquals(1, rig.after(Duration.ofSeconds(47), city));
    assertEquals(2, rig.after(Duration.ofSeconds(26), city));
    s = rig.awaitStatus(city, CityWeatherTest::reporting);
    assertNull(s.lastError());
    assertEquals(List.of("london,gb"), keys(rig.publisher));
    testKit.stop(city);
  }

  @Test
  void citiesWaitForTheSharedBudgetAndNoCallGoesBeyondIt() {
    City paris = new City("paris,fr", "Paris", "FR", 2988507, Instant.EPOCH);
    // One call per minute, on a budget clock that stands still until the test moves it; an
    // interval of an hour, so the city that reported does not ask again meanwhile.
    Rig rig = new Rig(ok(), 1, KEY, Duration.ofHours(1), LONDON, paris);
    ActorRef<CityWeatherProtocol.Command> london = rig.spawn(LONDON);
    ActorRef<CityWeatherProtocol.Command> parisGrain = rig.spawn(paris);

    rig.probe.awaitAssert(
        Duration.ofSeconds(30),
        Duration.ofMillis(20),
        () -> {
          List<String> states = List.of(rig.status(london).state(), rig.status(parisGrain).state());
          assertTrue(
              states.contains("reporting") && states.contains("waiting"), String.valueOf(states));
          return null;
        });
    ActorRef<CityWeatherProtocol.Command> waiting =
        rig.status(london).state().equals("waiting") ? london : parisGrain;
    assertEquals(1, rig.owm.requests().size());
    assertEquals(1, rig.publisher.records.size());
    rig.budget.tell(new CallBudgetProtocol.GetUsage(rig.usageProbe.getRef()));
    CallBudgetProtocol.Usage usage = rig.usageProbe.receiveMessage();
    assertEquals(1, usage.granted());
    assertEquals(1, usage.denied());

    // The first grant leaves the budget's 60 s window; the waiting grain, in line, gets the call.
    rig.budgetClock.addAndGet(Duration.ofSeconds(60).toNanos());
    rig.pass(Duration.ofSeconds(60).plusMillis(500));
    CityWeatherProtocol.Status s = rig.awaitStatus(waiting, CityWeatherTest::reporting);
    assertNull(s.lastError());
    assertEquals(2, rig.owm.requests().size());
    assertEquals(2, rig.publisher.records.size());
    rig.budget.tell(new CallBudgetProtocol.GetUsage(rig.usageProbe.getRef()));
    usage = rig.usageProbe.receiveMessage();
    assertEquals(2, usage.granted());
    assertEquals(1, usage.denied());
    testKit.stop(london);
    testKit.stop(parisGrain);
  }

  @Test
  void theApiKeyNeverAppearsInTheStatusEvenWhenTheServerEchoesIt() {
    // A broken server that quotes the request, key included, in its error message.
    Rig rig = new Rig(null, 60, KEY, LONDON);
    rig.owm.answer(uri -> new Answer(500, "{\"message\":\"cannot serve " + uri + "\"}"));
    ActorRef<CityWeatherProtocol.Command> city = rig.spawn(LONDON);

    CityWeatherProtocol.Status s = rig.awaitStatus(city, CityWeatherTest::failing);
    String query = rig.owm.requests().get(0).getQuery();
    assertTrue(query.contains("appid=" + KEY), "the call carried the key: " + query);
    assertTrue(
        s.lastError().startsWith("HTTP 500: cannot serve /data/2.5/weather?"), s.lastError());
    assertTrue(s.lastError().contains("appid=***"), s.lastError());
    assertFalse(s.toString().contains(KEY), s.toString());
    assertFalse(s.toString().contains("k3y-Secret"), s.toString());
    assertFalse(rig.deps.settings().toString().contains(KEY));
    testKit.stop(city);
  }

  @Test
  void withoutAKeyTheCityFailsWithTheReasonAndCallsNothing() {
    Rig rig = new Rig(ok(), 60, "", LONDON);
    ActorRef<CityWeatherProtocol.Command> city = rig.spawn(LONDON);
    CityWeatherProtocol.Status s = rig.awaitStatus(city, CityWeatherTest::failing);
    assertEquals("no API key: set OWM_API_KEY", s.lastError());
    assertEquals(0, rig.after(Duration.ofMinutes(5), city));
    assertEquals(List.of(), rig.owm.requests());
    testKit.stop(city);
  }

  @Test
  void aCityThatIsNotRegisteredStopsWithoutACall() {
    Rig rig = new Rig(ok(), 60, KEY); // nothing registered
    ActorRef<CityWeatherProtocol.Command> city = rig.spawn(LONDON);
    rig.probe.expectTerminated(city, Duration.ofSeconds(30));
    assertEquals(List.of(), rig.owm.requests());
    assertEquals(List.of(), rig.publisher.records);
  }

  private static List<String> keys(RecordingPublisher p) {
    return p.records.stream().map(KeyedRecord::key).toList();
  }
}
