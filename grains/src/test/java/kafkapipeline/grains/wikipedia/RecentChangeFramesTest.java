package kafkapipeline.grains.wikipedia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import kafkapipeline.api.RecentChange;
import kafkapipeline.grains.persist.WikipediaRowMapper;
import kafkapipeline.grains.wikipedia.RecentChangeFrames.Frame;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.unmarshalling.sse.EventStreamUnmarshalling;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real EventStreams frames through Pekko's SSE parser, then decoded as the source does. */
class RecentChangeFramesTest {
  private static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("frames-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static List<ServerSentEvent> parse(byte[] stream) throws Exception {
    Materializer mat = Materializer.matFromSystem(system);
    Source<ServerSentEvent, ?> events = EventStreamUnmarshalling.fromEventsStream(system)
        .unmarshal(HttpEntities.create(ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM), stream), mat)
        .toCompletableFuture().get();
    return events.runWith(Sink.seq(), mat).toCompletableFuture().get();
  }

  /** The recording; its last event lacks the blank line that ends an event. */
  private static byte[] recording() throws Exception {
    try (InputStream in = RecentChangeFramesTest.class.getResourceAsStream("/fixtures/wikimedia/wiki_visualizer_example.events.sse")) {
      return in.readAllBytes();
    }
  }

  private static byte[] terminated(byte[] stream) {
    byte[] out = java.util.Arrays.copyOf(stream, stream.length + 2);
    out[stream.length] = '\n';
    out[stream.length + 1] = '\n';
    return out;
  }

  @Test
  void anEventCutOffBeforeItsBlankLineIsNotDelivered() throws Exception {
    // As when a connection drops mid-event: the partial event must not become a change.
    assertEquals(2, parse(recording()).size());
    assertEquals(3, parse(terminated(recording())).size());
  }

  private static ServerSentEvent message(String data, String id) {
    return ServerSentEvent.create(data, Optional.of("message"), Optional.of(id), OptionalInt.empty());
  }

  @Test
  void recordedFramesBecomeChangesKeyedByEventIdWithTheirPositions() throws Exception {
    List<ServerSentEvent> events = parse(terminated(recording()));
    assertEquals(3, events.size());
    List<Frame> frames = events.stream().map(RecentChangeFrames::decode).toList();
    List<String> keys = frames.stream().map(f -> assertInstanceOf(RecentChangeFrames.Change.class, f).key()).toList();
    assertEquals(List.of("da75cd5f-4dc4-4954-8a88-b5b6d4fec7e4", "59aaf71d-fcc4-4695-b6f5-759b920c76ec",
        "ef2956d7-6e00-4a1c-b000-dcc18b07f3ea"), keys);
    assertEquals(events.get(0).getId(), frames.get(0).position());
    assertTrue(frames.get(0).position().orElseThrow().startsWith("[{\"topic\":\"eqiad.mediawiki.recentchange\""));
  }

  @Test
  void aRecordedChangeKeepsItsWikiSixtyFourBitRevisionsAndUtcTime() throws Exception {
    RecentChangeFrames.Change c = (RecentChangeFrames.Change) RecentChangeFrames.decode(parse(terminated(recording())).get(2));
    RecentChange change = WikipediaRowMapper.parse(c.json());
    assertEquals("wikidatawiki", change.wiki());
    assertEquals(1842863379L, change.id());
    assertEquals(1787821201L, change.revision().newValue());
    assertEquals(26784L, change.length().newValue());
    assertEquals(Instant.parse("2022-12-11T04:27:02Z"), change.changedAt());
    assertEquals(Boolean.TRUE, change.bot());
    assertEquals(Boolean.TRUE, change.patrolled());
  }

  @Test
  void canariesAreRecognisedAndStillMoveThePosition() {
    Frame f = RecentChangeFrames.decode(message(
        "{\"$schema\":\"/mediawiki/recentchange/1.0.1\",\"meta\":{\"domain\":\"canary\",\"id\":\"c-1\",\"dt\":\"2025-05-03T08:15:00Z\"}}", "[42]"));
    assertInstanceOf(RecentChangeFrames.Canary.class, f);
    assertEquals(Optional.of("[42]"), f.position());
  }

  @Test
  void unusableMessagesAreMalformedWithTheirReasonAndKeptAsTheyCame() {
    RecentChangeFrames.Malformed cut = assertInstanceOf(RecentChangeFrames.Malformed.class,
        RecentChangeFrames.decode(message("{\"meta\":{\"id\":", "[1]")));
    assertTrue(cut.reason().startsWith("not a valid RecentChange"), cut.reason());
    assertEquals("{\"meta\":{\"id\":", new String(cut.data(), StandardCharsets.UTF_8));
    RecentChangeFrames.Malformed noWiki = assertInstanceOf(RecentChangeFrames.Malformed.class,
        RecentChangeFrames.decode(message("{\"meta\":{\"id\":\"x\",\"domain\":\"en.wikipedia.org\"},\"type\":\"edit\"}", "[2]")));
    assertEquals("recent change without wiki", noWiki.reason());
    RecentChangeFrames.Malformed wrongType = assertInstanceOf(RecentChangeFrames.Malformed.class,
        RecentChangeFrames.decode(message("{\"meta\":{\"id\":\"x\"},\"wiki\":\"enwiki\",\"namespace\":\"six\"}", "[3]")));
    assertTrue(wrongType.reason().contains("namespace") || wrongType.reason().contains("Integer"), wrongType.reason());
  }

  @Test
  void errorEventsAreServerErrors() {
    Frame f = RecentChangeFrames.decode(ServerSentEvent.create("{\"message\":\"consumer lag\"}", "error"));
    assertEquals("{\"message\":\"consumer lag\"}", assertInstanceOf(RecentChangeFrames.ServerError.class, f).message());
  }

  @Test
  void retryAfterIsReadInSecondsAndNonsenseIsIgnored() {
    assertEquals(Duration.ofSeconds(5), SseConnection.parseSeconds(" 5 "));
    assertEquals(Duration.ZERO, SseConnection.parseSeconds("Wed, 21 Oct 2015 07:28:00 GMT"));
    assertEquals(Duration.ofHours(1), SseConnection.parseSeconds("99999"));
  }
}
