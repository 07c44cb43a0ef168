package kafkapipeline.grains.spacex;

import static kafkapipeline.grains.StubHttpServer.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.SpaceXLaunch;
import kafkapipeline.api.Topics;
import kafkapipeline.api.grains.SpaceXProtocol;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.StubHttpServer;
import kafkapipeline.grains.StubHttpServer.Answer;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SpaceX source against a local SpaceX API stand-in serving the recorded fixtures (the 9
 * upcoming launches; rockets and launchpads by id; payloads answer 404, as there is no recorded
 * payload collection) and a recording publisher.
 *
 * <p>Time is {@link ManualTime}: a poll happens only when the test lets time pass. A poll stamps
 * {@code lastPoll} when it starts, so an unchanged {@code lastPoll} after a status round trip
 * proves that no poll started. Interval 5 min, jitter ±20 %: a first retry between 4 and 6 min, a
 * second between 8 and 12.
 */
class SpaceXSourceTest {
  private static final Duration INTERVAL = Duration.ofMinutes(5);
  private static final String UPCOMING = fixture("spacex/v4_launches_upcoming.DERIVED.json");
  private static final ObjectMapper json = new ObjectMapper();

  private static final ActorTestKit testKit =
      ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
  private static final ManualTime time = ManualTime.get(testKit.system());

  private final TestProbe<SpaceXProtocol.Status> probe = testKit.createTestProbe();
  private StubHttpServer api;
  private volatile Answer upcoming;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void start() throws Exception {
    Map<String, String> byPath = new HashMap<>();
    for (String kind : List.of("rockets", "launchpads")) {
      for (JsonNode n : json.readTree(fixture("spacex/v4_" + kind + ".json")))
        byPath.put("/v4/" + kind + "/" + n.get("id").asText(), n.toString());
    }
    upcoming = new Answer(200, UPCOMING);
    api =
        new StubHttpServer(
            uri -> {
              if (uri.getPath().equals("/v4/launches/upcoming")) return upcoming;
              String body = byPath.get(uri.getPath());
              return body == null ? new Answer(404, "Not Found") : new Answer(200, body);
            });
  }

  @AfterEach
  void stop() {
    api.close();
  }

  /** Records every publish call; fails the first {@code failures} calls. */
  static final class RecordingPublisher implements EventPublisher {
    final List<List<KeyedRecord>> calls = Collections.synchronizedList(new ArrayList<>());
    final List<KeyedRecord> acknowledged = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger failuresLeft = new AtomicInteger();

    @Override
    public CompletionStage<Void> publish(String topic, List<KeyedRecord> records) {
      assertEquals(Topics.SPACEX, topic);
      calls.add(List.copyOf(records));
      if (failuresLeft.getAndDecrement() > 0)
        return CompletableFuture.failedFuture(new RuntimeException("broker unavailable"));
      acknowledged.addAll(records);
      return CompletableFuture.completedFuture(null);
    }
  }

  private static List<String> upcomingIds() throws Exception {
    List<String> ids = new ArrayList<>();
    for (JsonNode n : json.readTree(UPCOMING)) ids.add(n.get("id").asText());
    return ids;
  }

  private SpaceXProtocol.Status status(ActorRef<SpaceXProtocol.Command> source) {
    source.tell(new SpaceXProtocol.GetStatus(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(30));
  }

  private SpaceXProtocol.Status await(
      ActorRef<SpaceXProtocol.Command> source, Predicate<SpaceXProtocol.Status> ok) {
    return probe.awaitAssert(
        Duration.ofSeconds(30),
        Duration.ofMillis(20),
        () -> {
          SpaceXProtocol.Status s = status(source);
          assertTrue(ok.test(s), String.valueOf(s));
          return s;
        });
  }

  /** Lets {@code d} pass and asserts that no poll started in it. */
  private void noPollWithin(Duration d, ActorRef<SpaceXProtocol.Command> source) {
    SpaceXProtocol.Status before = status(source);
    pass(d);
    SpaceXProtocol.Status after = status(source);
    assertEquals(before.lastPoll(), after.lastPoll(), "a poll started within " + d);
    assertEquals(before, after);
  }

  /** Lets {@code d} pass; a poll it triggers is answered only once the time is there. */
  private void pass(Duration d) {
    api.hold();
    try {
      time.timePasses(d);
    } finally {
      api.release();
    }
  }

  private long requests(String pathPrefix) {
    return api.count((URI u) -> u.getPath().startsWith(pathPrefix));
  }

  private ActorRef<SpaceXProtocol.Command> spawn(RecordingPublisher publisher, PipelineMetrics m) {
    return testKit.spawn(
        SpaceXSource.create(
            new SpaceXSettings(api.baseUrl(), INTERVAL, false),
            new SpaceXClient(api.baseUrl()),
            publisher,
            m));
  }

  @Test
  void everyPollPublishesEachLaunchOnceKeyedByItsIdAndPollsAgainAfterTheInterval()
      throws Exception {
    RecordingPublisher publisher = new RecordingPublisher();
    PipelineMetrics metrics = new PipelineMetrics();
    ActorRef<SpaceXProtocol.Command> source = spawn(publisher, metrics);

    SpaceXProtocol.Status s = await(source, st -> "running".equals(st.state()));
    assertEquals(9, s.launchesLastPoll());
    assertEquals(9, s.eventsPublished());
    assertEquals(0, s.failuresInRow());
    assertNull(s.lastError());
    assertNotNull(s.lastSuccess());
    assertEquals(1, publisher.calls.size(), "one publish call per poll");
    List<String> ids = upcomingIds();
    assertEquals(ids, publisher.calls.get(0).stream().map(KeyedRecord::key).toList());
    SpaceXLaunch crew5 = EventJson.read(publisher.calls.get(0).get(3).value(), SpaceXLaunch.class);
    assertEquals("62dd70d5202306255024d139", crew5.launchId());
    assertEquals("Crew-5", crew5.missionName());
    assertEquals("Falcon 9", crew5.rocketName());
    assertEquals("KSC LC 39A", crew5.siteName());
    assertEquals(188, crew5.flightNumber());
    assertNull(crew5.payloadType(), "payload lookups answer 404: the columns stay null");
    assertEquals(9, metrics.get(PipelineMetrics.PRODUCED, Topics.SPACEX));
    // 2 rockets and 3 launchpads among the 9 launches: each looked up once.
    assertEquals(2, requests("/v4/rockets/"));
    assertEquals(3, requests("/v4/launchpads/"));
    assertEquals(1, requests("/v4/launches/"));

    noPollWithin(INTERVAL.minusMillis(1), source);
    pass(Duration.ofMillis(1));
    s = await(source, st -> st.eventsPublished() == 18);
    assertEquals("running", s.state());
    assertEquals(2, publisher.calls.size());
    assertEquals(ids, publisher.calls.get(1).stream().map(KeyedRecord::key).toList());
    assertEquals(2, requests("/v4/launches/"));
    assertEquals(2, requests("/v4/rockets/"), "names are cached: ids are stable");
    assertEquals(3, requests("/v4/launchpads/"));
    testKit.stop(source);
  }

  @Test
  void aFailedPollPublishesNothingBacksOffExponentiallyAndTheNextGoodPollClearsIt()
      throws Exception {
    upcoming = new Answer(503, "<html>\n busy </html>");
    RecordingPublisher publisher = new RecordingPublisher();
    ActorRef<SpaceXProtocol.Command> source = spawn(publisher, new PipelineMetrics());

    SpaceXProtocol.Status s = await(source, st -> st.failuresInRow() == 1);
    assertEquals("failing", s.state());
    assertEquals("HTTP 503: GET /v4/launches/upcoming: <html> busy </html>", s.lastError());
    assertNull(s.lastSuccess());
    assertEquals(List.of(), publisher.calls);

    // First retry within [4 min, 6 min], the second within [8 min, 12 min].
    noPollWithin(Duration.ofSeconds(239), source);
    upcoming = new Answer(429, "Too Many Requests");
    pass(Duration.ofSeconds(122));
    s = await(source, st -> st.failuresInRow() == 2);
    assertEquals("rate limited (429): GET /v4/launches/upcoming: Too Many Requests", s.lastError());
    noPollWithin(Duration.ofSeconds(479), source);
    upcoming = new Answer(200, UPCOMING);
    pass(Duration.ofSeconds(242));
    s = await(source, st -> "running".equals(st.state()));
    assertEquals(0, s.failuresInRow());
    assertNull(s.lastError());
    assertEquals(9, s.eventsPublished());
    assertEquals(3, requests("/v4/launches/"));
    assertEquals(List.of(upcomingIds()), keysPerCall(publisher));
    // Back on the interval.
    noPollWithin(INTERVAL.minusMillis(1), source);
    testKit.stop(source);
  }

  @Test
  void aFailedPublishIsCountedAndTheRetryPublishesTheSameLaunches() throws Exception {
    RecordingPublisher publisher = new RecordingPublisher();
    publisher.failuresLeft.set(1);
    PipelineMetrics metrics = new PipelineMetrics();
    ActorRef<SpaceXProtocol.Command> source = spawn(publisher, metrics);

    SpaceXProtocol.Status s = await(source, st -> st.failuresInRow() == 1);
    assertEquals("failing", s.state());
    assertTrue(s.lastError().startsWith("publish failed: "), s.lastError());
    assertTrue(s.lastError().contains("broker unavailable"), s.lastError());
    assertEquals(0, s.eventsPublished());
    assertEquals(1, metrics.get(PipelineMetrics.PUBLISH_FAILURES, Topics.SPACEX));
    assertEquals(0, metrics.get(PipelineMetrics.PRODUCED, Topics.SPACEX));

    noPollWithin(Duration.ofSeconds(239), source);
    pass(Duration.ofSeconds(122));
    s = await(source, st -> "running".equals(st.state()));
    assertEquals(9, s.eventsPublished());
    assertEquals(List.of(upcomingIds(), upcomingIds()), keysPerCall(publisher));
    assertEquals(upcomingIds(), publisher.acknowledged.stream().map(KeyedRecord::key).toList());
    assertEquals(9, metrics.get(PipelineMetrics.PRODUCED, Topics.SPACEX));
    testKit.stop(source);
  }

  @Test
  void aMalformedLaunchIsCountedAndSkippedAndTheOthersArePublished() throws Exception {
    // The recorded list with one element that is not a launch object after its 9 launches.
    String body = UPCOMING.strip();
    upcoming = new Answer(200, body.substring(0, body.length() - 1) + ", \"not a launch\"]");
    RecordingPublisher publisher = new RecordingPublisher();
    PipelineMetrics metrics = new PipelineMetrics();
    ActorRef<SpaceXProtocol.Command> source = spawn(publisher, metrics);

    SpaceXProtocol.Status s = await(source, st -> "running".equals(st.state()));
    assertEquals(9, s.eventsPublished());
    assertEquals(1, s.malformed());
    assertTrue(
        s.lastError()
            .startsWith("skipped 1 malformed launch(es) in the last poll, first: launch #9"),
        s.lastError());
    assertEquals(List.of(upcomingIds()), keysPerCall(publisher));
    assertEquals(1, metrics.get(PipelineMetrics.MALFORMED_SOURCE_DATA, SpaceXSource.SOURCE));
    testKit.stop(source);
  }

  private static List<List<String>> keysPerCall(RecordingPublisher p) {
    return p.calls.stream().map(c -> c.stream().map(KeyedRecord::key).toList()).toList();
  }
}
