package kafkapipeline.grains.wikipedia;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.RecentChange;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.persist.WikipediaRowMapper;
import kafkapipeline.grains.wikipedia.RecentChangeFrames.Frame;
import org.junit.jupiter.api.Test;

/** Real EventStreams frames through {@link SseDecoder}, then decoded as the source does. */
class RecentChangeFramesTest {
  private static List<SseDecoder.Output> parse(byte[] stream) {
    return new SseDecoder(4_190_000, 4_194_304).feed(stream);
  }

  /** The recording; its last event lacks the blank line that ends an event. */
  private static byte[] recording() throws Exception {
    try (InputStream in =
        RecentChangeFramesTest.class.getResourceAsStream(
            "/fixtures/wikimedia/wiki_visualizer_example.events.sse")) {
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

  private static Frame message(String data, String id) {
    return RecentChangeFrames.decode(new SseDecoder.Event("message", data, id));
  }

  @Test
  void recordedFramesBecomeChangesKeyedByEventIdWithTheirPositions() throws Exception {
    List<SseDecoder.Output> events = parse(terminated(recording()));
    assertEquals(3, events.size());
    List<Frame> frames = events.stream().map(RecentChangeFrames::decode).toList();
    List<String> keys =
        frames.stream()
            .map(f -> assertInstanceOf(RecentChangeFrames.Change.class, f).key())
            .toList();
    assertEquals(
        List.of(
            "da75cd5f-4dc4-4954-8a88-b5b6d4fec7e4",
            "59aaf71d-fcc4-4695-b6f5-759b920c76ec",
            "ef2956d7-6e00-4a1c-b000-dcc18b07f3ea"),
        keys);
    assertEquals(
        Optional.of(((SseDecoder.Event) events.get(0)).lastEventId()), frames.get(0).position());
    assertTrue(
        frames
            .get(0)
            .position()
            .orElseThrow()
            .startsWith("[{\"topic\":\"eqiad.mediawiki.recentchange\""));
  }

  @Test
  void aRecordedChangeKeepsItsWikiSixtyFourBitRevisionsAndUtcTime() throws Exception {
    RecentChangeFrames.Change c =
        (RecentChangeFrames.Change)
            RecentChangeFrames.decode(parse(terminated(recording())).get(2));
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
    Frame f =
        message(
            "{\"$schema\":\"/mediawiki/recentchange/1.0.1\",\"meta\":{\"domain\":\"canary\",\"id\":\"c-1\",\"dt\":\"2025-05-03T08:15:00Z\"}}",
            "[42]");
    assertInstanceOf(RecentChangeFrames.Canary.class, f);
    assertEquals(Optional.of("[42]"), f.position());
  }

  @Test
  void unusableMessagesAreMalformedWithTheirReasonAndKeptAsTheyCame() {
    RecentChangeFrames.Malformed cut =
        assertInstanceOf(RecentChangeFrames.Malformed.class, message("{\"meta\":{\"id\":", "[1]"));
    assertTrue(cut.reason().startsWith("not JSON"), cut.reason());
    assertEquals("{\"meta\":{\"id\":", new String(cut.data(), StandardCharsets.UTF_8));
    assertEquals("[1]", cut.key(), "no meta.id to be read: keyed by the SSE id");
    RecentChangeFrames.Malformed noWiki =
        assertInstanceOf(
            RecentChangeFrames.Malformed.class,
            message(
                "{\"meta\":{\"id\":\"x\",\"domain\":\"en.wikipedia.org\"},\"type\":\"edit\"}",
                "[2]"));
    assertEquals("recent change without wiki", noWiki.reason());
    assertEquals("x", noWiki.key(), "keyed by its meta.id");
    RecentChangeFrames.Malformed wrongType =
        assertInstanceOf(
            RecentChangeFrames.Malformed.class,
            message("{\"meta\":{\"id\":\"x\"},\"wiki\":\"enwiki\",\"namespace\":\"six\"}", "[3]"));
    assertTrue(
        wrongType.reason().contains("namespace") || wrongType.reason().contains("Integer"),
        wrongType.reason());
  }

  @Test
  void dataThatIsNotAJsonObjectIsMalformedNeverAnException() {
    for (String data :
        List.of(
            "null",
            "1",
            "-2.5e300",
            "[]",
            "[{\"meta\":{\"id\":\"x\"},\"wiki\":\"w\"}]",
            "\"text\"",
            "true",
            "",
            "  ",
            "nul",
            "{",
            "}",
            "{}",
            "{\"meta\":null}",
            "{\"meta\":{\"id\":\"x\"},\"wiki\":\"w\"} trailing",
            "{\"meta\":{\"id\":\"x\"},\"wiki\":\"w\"}{}",
            "\uFEFF{}",
            "{\"a\":\"\u2028\u2029\u0085\"}",
            "[".repeat(5_000),
            "{\"a\":".repeat(5_000))) {
      Frame f = message(data, "[9]");
      RecentChangeFrames.Malformed m =
          assertInstanceOf(RecentChangeFrames.Malformed.class, f, data);
      assertEquals(Optional.of("[9]"), m.position(), data);
      assertArrayEquals(data.getBytes(StandardCharsets.UTF_8), m.data(), data);
    }
    RecentChangeFrames.Malformed nothing =
        assertInstanceOf(RecentChangeFrames.Malformed.class, message("null", ""));
    assertEquals(RecentChangeFrames.MALFORMED_KEY, nothing.key(), "no meta.id, no SSE id");
    assertEquals(Optional.empty(), nothing.position());
    assertEquals("not a JSON object but null", nothing.reason());
  }

  @Test
  void thePersistersMapperRefusesNullAsMalformedToo() {
    // What a replayed dead letter of "data: null" meets: a counted refusal, not a crash.
    assertThrows(
        EventJson.MalformedEventException.class,
        () -> WikipediaRowMapper.parse("null".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aChangeWithRawLineSeparatorsInItsStringsIsAChange() {
    Frame f =
        message(
            "{\"meta\":{\"id\":\"m-1\"},\"wiki\":\"enwiki\",\"comment\":\"a\u2028b\u2029c\u0085d\"}",
            "[5]");
    RecentChangeFrames.Change c = assertInstanceOf(RecentChangeFrames.Change.class, f);
    assertEquals("a\u2028b\u2029c\u0085d", WikipediaRowMapper.parse(c.json()).comment());
  }

  static String changeOfBytes(int total, String key) {
    String start = "{\"meta\":{\"id\":\"" + key + "\"},\"wiki\":\"enwiki\",\"comment\":\"";
    String end = "\"}";
    return start + "c".repeat(total - key.length() - start.length() - end.length()) + end;
  }

  @Test
  void anEventOverKafkasLimitIsOversizeKeyedByItsMetaId() {
    String fits = changeOfBytes(Topics.MAX_EVENT_BYTES, "k-1");
    assertInstanceOf(RecentChangeFrames.Change.class, message(fits, "[1]"));
    String over = changeOfBytes(Topics.MAX_EVENT_BYTES + 1, "k-1");
    RecentChangeFrames.Oversize o =
        assertInstanceOf(RecentChangeFrames.Oversize.class, message(over, "[1]"));
    assertEquals("k-1", o.key());
    assertEquals(Topics.MAX_EVENT_BYTES + 1, o.bytes());
    assertEquals(Optional.of("[1]"), o.position());
    assertTrue(o.reason().contains("over Kafka's limit of 1000000"), o.reason());
  }

  @Test
  void anEventOverTheSseLimitIsOversizeKeyedByItsSseId() {
    Frame f =
        RecentChangeFrames.decode(
            new SseDecoder.Oversize(
                "message", "[7]", 5_000_000, new byte[] {'{'}, "an event of over 4194304 bytes"));
    RecentChangeFrames.Oversize o = assertInstanceOf(RecentChangeFrames.Oversize.class, f);
    assertEquals("[7]", o.key());
    assertEquals(5_000_000, o.bytes());
    assertEquals(Optional.of("[7]"), o.position());
    assertTrue(o.reason().startsWith("an event of over 4194304 bytes"), o.reason());
    String longId = "[" + "9".repeat(RecentChangeFrames.MAX_KEY_CHARS) + "]";
    assertEquals(
        RecentChangeFrames.MALFORMED_KEY,
        ((RecentChangeFrames.Oversize)
                RecentChangeFrames.decode(
                    new SseDecoder.Oversize("message", longId, 5_000_000, new byte[0], "x")))
            .key(),
        "an id too long for a key");
  }

  @Test
  void anIdWithoutDataIsAPositionOnly() {
    assertEquals(
        new RecentChangeFrames.PositionOnly(Optional.of("[3]")),
        RecentChangeFrames.decode(new SseDecoder.IdOnly("[3]")));
    assertEquals(
        new RecentChangeFrames.PositionOnly(Optional.empty()),
        RecentChangeFrames.decode(new SseDecoder.IdOnly("")));
  }

  @Test
  void errorEventsAreServerErrors() {
    Frame f =
        RecentChangeFrames.decode(
            new SseDecoder.Event("error", "{\"message\":\"consumer lag\"}", ""));
    assertEquals(
        "{\"message\":\"consumer lag\"}",
        assertInstanceOf(RecentChangeFrames.ServerError.class, f).message());
    Frame huge = RecentChangeFrames.decode(new SseDecoder.Event("error", "e".repeat(100_000), ""));
    assertTrue(
        ((RecentChangeFrames.ServerError) huge).message().length() < 1_000,
        "an error's message is cut short");
  }

  @Test
  void retryAfterIsReadInSecondsAndNonsenseIsIgnored() {
    assertEquals(Duration.ofSeconds(5), SseConnection.parseSeconds(" 5 "));
    assertEquals(Duration.ZERO, SseConnection.parseSeconds("Wed, 21 Oct 2015 07:28:00 GMT"));
    assertEquals(Duration.ofHours(1), SseConnection.parseSeconds("99999"));
  }

  @Test
  void aNonAsciiLastEventIdIsSentAsItsUtf8Bytes() {
    String header = SseConnection.headerValue("[\u2028\u00e9]");
    byte[] sent = new byte[header.length()];
    for (int i = 0; i < sent.length; i++)
      sent[i] = (byte) header.charAt(i); // as pekko-http renders it
    assertEquals("[\u2028\u00e9]", new String(sent, StandardCharsets.UTF_8));
  }
}
