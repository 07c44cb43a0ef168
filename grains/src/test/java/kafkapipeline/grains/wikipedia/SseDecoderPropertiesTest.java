package kafkapipeline.grains.wikipedia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import kafkapipeline.grains.wikipedia.SseDecoder.Event;
import kafkapipeline.grains.wikipedia.SseDecoder.IdOnly;
import kafkapipeline.grains.wikipedia.SseDecoder.Output;
import kafkapipeline.grains.wikipedia.SseDecoder.Oversize;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Properties of {@link SseDecoder}: (a) generated events, written with random line endings and
 * split at random points, decode to exactly the events written, however split; (b) arbitrary bytes
 * never make it throw, and what it holds stays within its limits.
 */
class SseDecoderPropertiesTest {
  private static final int EXAMPLES = 4_000;

  /**
   * Characters that matter: separators, the JavaScript line terminators, a BOM, NUL, a surrogate
   * pair.
   */
  private static final List<String> ALPHABET =
      List.of(
          "a",
          "d",
          "i",
          " ",
          ":",
          "\t",
          "\u2028",
          "\u2029",
          "\u0085",
          "\uFEFF",
          "\u00e9",
          "\uD83D\uDE00",
          "\0",
          "{",
          "\"");

  private static final Gen<String> TEXT =
      lists().of(Generate.pick(ALPHABET)).ofSizeBetween(0, 8).map(parts -> String.join("", parts));

  /** One event as written: optional comment, type and id, then its data lines. */
  record Written(
      Optional<String> comment, Optional<String> type, Optional<String> id, List<String> data) {}

  private static final Gen<Written> EVENT =
      TEXT.toOptionals(70)
          .zip(
              TEXT.toOptionals(50),
              TEXT.toOptionals(50),
              lists().of(TEXT).ofSizeBetween(0, 3),
              Written::new);

  private static final String[] ENDINGS = {"\n", "\r", "\r\n"};

  /** The stream's lines, without their endings. */
  static List<String> lines(List<Written> events) {
    List<String> lines = new ArrayList<>();
    for (Written e : events) {
      e.comment().ifPresent(c -> lines.add(":" + c));
      e.type().ifPresent(t -> lines.add("event: " + t));
      e.id().ifPresent(id -> lines.add("id: " + id));
      // An empty value is written as a field without a colon, the same thing.
      for (String d : e.data()) lines.add(d.isEmpty() ? "data" : "data: " + d);
      lines.add("");
    }
    return lines;
  }

  static byte[] serialize(boolean bom, List<String> lines, List<Integer> endings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (bom) out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    String previous = "\n";
    for (int i = 0; i < lines.size(); i++) {
      String ending = ENDINGS[endings.isEmpty() ? 0 : endings.get(i % endings.size())];
      // After a CR, an empty line ended by LF would be read as the CR's LF: one line end.
      if (previous.equals("\r") && lines.get(i).isEmpty() && ending.equals("\n")) ending = "\r\n";
      out.writeBytes((lines.get(i) + ending).getBytes(StandardCharsets.UTF_8));
      previous = ending;
    }
    return out.toByteArray();
  }

  /** What the standard dispatches for the written events. */
  static List<Output> expected(List<Written> events) {
    List<Output> out = new ArrayList<>();
    String id = "";
    String dispatched = "";
    for (Written e : events) {
      if (e.id().isPresent() && !e.id().get().contains("\0")) id = e.id().get();
      boolean moved = !id.equals(dispatched);
      dispatched = id;
      if (!e.data().isEmpty()) {
        String type = e.type().filter(t -> !t.isEmpty()).orElse("message");
        out.add(new Event(type, String.join("\n", e.data()), id));
      } else if (moved) {
        out.add(new IdOnly(id));
      }
    }
    return out;
  }

  static List<byte[]> split(byte[] stream, List<Integer> cuts) {
    TreeSet<Integer> at = new TreeSet<>();
    for (int c : cuts) at.add(c % (stream.length + 1));
    List<byte[]> chunks = new ArrayList<>();
    int from = 0;
    for (int c : at) {
      chunks.add(Arrays.copyOfRange(stream, from, c));
      from = c;
    }
    chunks.add(Arrays.copyOfRange(stream, from, stream.length));
    return chunks;
  }

  static List<Output> decode(SseDecoder decoder, List<byte[]> chunks) {
    List<Output> out = new ArrayList<>();
    for (byte[] c : chunks) out.addAll(decoder.feed(c));
    return out;
  }

  @Test
  void anyChunkingOfWrittenEventsDecodesToThoseEvents() {
    qt().withExamples(EXAMPLES)
        .forAll(
            lists().of(EVENT).ofSizeBetween(0, 6),
            lists().of(integers().between(0, 2)).ofSizeBetween(1, 12),
            lists().of(integers().between(0, 2_000)).ofSizeBetween(0, 8),
            booleans().all())
        .checkAssert(
            (events, endings, cuts, bom) -> {
              byte[] stream = serialize(bom, lines(events), endings);
              List<Output> want = expected(events);
              assertEquals(want, decode(new SseDecoder(4_096, 8_192), List.of(stream)), "whole");
              assertEquals(
                  want,
                  decode(new SseDecoder(4_096, 8_192), split(stream, cuts)),
                  "cut at " + cuts);
            });
  }

  private static final int LINE = 32;
  private static final int MAX_EVENT = 64;

  /** Pieces that make the decoder's states likely, mixed with any byte at all. */
  private static final List<byte[]> TOKENS =
      List.of(
          b("data:"),
          b("data: "),
          b("data"),
          b("id: "),
          b("id:"),
          b("event: "),
          b("retry: 12"),
          b("retry: 9x"),
          b(":"),
          b("\n"),
          b("\r"),
          b("\r\n"),
          b("\n\n"),
          b("x"),
          b(" "),
          b("\0"),
          b("\u2028"),
          b("\u0085"),
          new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
          new byte[] {(byte) 0xFF},
          new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
          new byte[] {(byte) 0xE2, (byte) 0x80},
          b("x".repeat(40)),
          b("x".repeat(100)));

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static final Gen<byte[]> PIECE =
      Generate.frequency(
          org.quicktheories.api.Pair.of(3, Generate.pick(TOKENS)),
          org.quicktheories.api.Pair.of(
              1,
              Generate.byteArrays(
                  integers().between(1, 4),
                  Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0))));

  private static final Gen<byte[]> HOSTILE =
      lists()
          .of(PIECE)
          .ofSizeBetween(0, 200)
          .map(
              pieces -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                pieces.forEach(out::writeBytes);
                return out.toByteArray();
              });

  @Test
  void arbitraryBytesNeverThrowAndStayWithinTheLimits() {
    // Line and event buffers, a skipped event's head, and the type and ids (chars of at most LINE
    // bytes).
    long bound = LINE + MAX_EVENT + SseDecoder.HEAD_BYTES + 3L * 2 * LINE;
    qt().withExamples(EXAMPLES)
        .forAll(HOSTILE, lists().of(integers().between(0, 5_000)).ofSizeBetween(0, 10))
        .checkAssert(
            (stream, cuts) -> {
              SseDecoder decoder = new SseDecoder(LINE, MAX_EVENT);
              List<Output> out = new ArrayList<>();
              for (byte[] chunk : split(stream, cuts)) {
                out.addAll(decoder.feed(chunk));
                assertTrue(decoder.retainedBytes() <= bound, "retained " + decoder.retainedBytes());
              }
              for (Output o : out) {
                if (o instanceof Event e)
                  assertTrue(e.data().length() < MAX_EVENT, "event of " + e.data().length());
                if (o instanceof Oversize x) assertTrue(x.head().length <= SseDecoder.HEAD_BYTES);
              }
              assertEquals(
                  decode(new SseDecoder(LINE, MAX_EVENT), List.of(stream)),
                  out,
                  "the same, unsplit");
            });
  }
}
