package kafkapipeline.grains.wikipedia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import kafkapipeline.grains.wikipedia.SseDecoder.Event;
import kafkapipeline.grains.wikipedia.SseDecoder.IdOnly;
import kafkapipeline.grains.wikipedia.SseDecoder.Output;
import kafkapipeline.grains.wikipedia.SseDecoder.Oversize;
import kafkapipeline.grains.wikipedia.SseDecoder.Retry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One case per rule of WHATWG HTML "Interpreting an event stream" (and per limit of ours). Every
 * case is decoded whole, split in two at every byte position, and byte by byte: each must give
 * exactly the expected outputs.
 */
class SseDecoderTest {
  private static final int LINE = 64;
  private static final int EVENT = 128;

  /** A case: its name, the stream's bytes and what they must decode to. */
  record Case(String name, byte[] stream, List<Output> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Concatenates strings (as UTF-8) and int arrays (as raw bytes). */
  static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      else for (int b : (int[]) p) out.write(b);
    }
    return out.toByteArray();
  }

  static Case c(String name, Object stream, Output... expected) {
    byte[] b = stream instanceof byte[] raw ? raw : bytes(stream);
    return new Case(name, b, List.of(expected));
  }

  static Event msg(String data) {
    return new Event("message", data, "");
  }

  static Event msg(String data, String id) {
    return new Event("message", data, id);
  }

  static String x(int n) {
    return "x".repeat(n);
  }

  static Stream<Case> cases() {
    int[] bom = {0xEF, 0xBB, 0xBF};
    return Stream.of(
        // line endings
        c("LF ends lines", "data: a\n\n", msg("a")),
        c("CR ends lines", "data: a\r\r", msg("a")),
        c("CRLF ends lines", "data: a\r\n\r\n", msg("a")),
        c(
            "CRLF is one line end, also split between chunks",
            "data: a\r\ndata: b\r\n\r\n",
            msg("a\nb")),
        c("LF CR is two line ends", "data: a\n\rdata: b\n\n", msg("a"), msg("b")),
        c("mixed line ends in one event", "data: a\rdata: b\ndata: c\r\n\n", msg("a\nb\nc")),
        c(
            "CR CR LF: a line end, then an empty line",
            "data: a\r\r\ndata: b\n\n",
            msg("a"),
            msg("b")),
        // BOM
        c("a BOM at the start is dropped", bytes(bom, "data: a\n\n"), msg("a")),
        c("only one BOM is dropped", bytes(bom, bom, "data: a\n\ndata: b\n\n"), msg("b")),
        c(
            "a BOM later is an ordinary character",
            bytes("data: a\n\n", bom, "data: b\n\ndata: ", bom, "c\n\n"),
            msg("a"),
            msg("\uFEFFc")),
        c(
            "half a BOM is not one",
            bytes(new int[] {0xEF, 0xBB}, "data: a\n\ndata: b\n\n"),
            msg("b")),
        c("a stream of only a BOM", bytes(bom)),
        // comments
        c("a comment is ignored", ": hello\ndata: a\n: inside\ndata: b\n\n", msg("a\nb")),
        c("a comment alone dispatches nothing", ":ok\n\n: more\n\n"),
        // field parsing
        c("a field without a colon has an empty value", "data\n\n", msg("")),
        c("two valueless data fields", "data\ndata\n\n", msg("\n")),
        c("no space after the colon", "data:a\n\n", msg("a")),
        c("only one space is removed", "data:  a \n\n", msg(" a ")),
        c("a tab is not a space", "data:\ta\n\n", msg("\ta")),
        c("a value may hold colons", "data: a: b:c\n\n", msg("a: b:c")),
        c("field names are case-sensitive", "Data: a\nDATA: b\n\n"),
        c("unknown fields are ignored", "foo: bar\ndata: a\nidx: 3\n\n", msg("a")),
        // data
        c("multi-line data joined by LF", "data: a\ndata: b\ndata: c\n\n", msg("a\nb\nc")),
        c("an empty data line counts", "data:\n\n", msg("")),
        c("a data line of one space is empty", "data: \n\n", msg("")),
        c("a trailing empty data line keeps its LF", "data: a\ndata:\n\n", msg("a\n")),
        c("NUL in data is kept", "data: a\0b\n\n", msg("a\0b")),
        c("no data: nothing dispatched", "event: add\n\n"),
        c(
            "an event cut off before its empty line is not dispatched",
            "data: a\n\ndata: b\n",
            msg("a")),
        c("nor one cut off mid-line", "data: a\n\ndata: b", msg("a")),
        // event type
        c("event sets the type", "event: add\ndata: a\n\n", new Event("add", "a", "")),
        c(
            "the type does not outlive its event",
            "event: add\ndata: a\n\ndata: b\n\n",
            new Event("add", "a", ""),
            msg("b")),
        c("an empty event field means message", "event\ndata: a\n\n", msg("a")),
        c("a type of an event without data is dropped", "event: add\n\ndata: b\n\n", msg("b")),
        // id
        c("id is the event's last event id", "id: 1\ndata: a\n\n", msg("a", "1")),
        c(
            "the last event id persists",
            "id: 1\ndata: a\n\ndata: b\n\n",
            msg("a", "1"),
            msg("b", "1")),
        c("id after data in the event applies to it", "data: a\nid: 2\n\n", msg("a", "2")),
        c(
            "id without data moves the last event id",
            "id: 7\n\ndata: a\n\n",
            new IdOnly("7"),
            msg("a", "7")),
        c(
            "id without data, unchanged, is not surfaced again",
            "id: 1\ndata: a\n\nid: 1\n\n",
            msg("a", "1")),
        c(
            "id with NUL is ignored",
            "id: 1\n\nid: x\0y\ndata: a\n\n",
            new IdOnly("1"),
            msg("a", "1")),
        c(
            "an empty id clears the last event id",
            "id: 1\ndata: a\n\nid\ndata: b\n\n",
            msg("a", "1"),
            msg("b", "")),
        c(
            "an id cut off before its empty line does not move",
            "id: 1\ndata: a\n\nid: 2\n",
            msg("a", "1")),
        // retry
        c("retry of digits is surfaced at once", "retry: 5000\n", new Retry(5000)),
        c("retry then an event", "retry: 10\ndata: a\n\n", new Retry(10), msg("a")),
        c(
            "retry that is not only digits is ignored",
            "retry: 5s\nretry: -1\nretry:\nretry: 1 \nretry: +3\n\n"),
        c(
            "retry too large saturates",
            "retry: 99999999999999999999999\n",
            new Retry(Long.MAX_VALUE)),
        // U+2028, U+2029, U+0085 are ordinary characters everywhere
        c(
            "raw U+2028/U+2029/U+0085 in data",
            "data: {\"c\":\"a\u2028b\u2029c\u0085d\"}\n\n",
            msg("{\"c\":\"a\u2028b\u2029c\u0085d\"}")),
        c(
            "raw U+2028/U+2029/U+0085 in a comment",
            ": x\u2028y\u2029z\u0085\ndata: a\n\n",
            msg("a")),
        c(
            "raw U+2028/U+2029/U+0085 in an id",
            "id: [\u2028\u2029\u0085]\ndata: a\n\n",
            msg("a", "[\u2028\u2029\u0085]")),
        c(
            "raw U+2028 in an event type",
            "event: a\u2028b\ndata: a\n\n",
            new Event("a\u2028b", "a", "")),
        c("U+2028 in a field name makes it unknown", "da\u2028ta: a\n\n"),
        c(
            "U+2028 at a line's start and end",
            "data: \u2028\ndata:\u2029\n\n",
            msg("\u2028\n\u2029")),
        // invalid UTF-8
        c(
            "an invalid byte becomes U+FFFD",
            bytes("data: a", new int[] {0xFF}, "b\n\n"),
            msg("a\uFFFDb")),
        c(
            "a truncated sequence at a line's end",
            bytes("data: ", new int[] {0xE2, 0x80}, "\n\n"),
            msg("\uFFFD")),
        c(
            "an encoded surrogate is one U+FFFD per byte",
            bytes("data: ", new int[] {0xED, 0xA0, 0x80}, "\n\n"),
            msg("\uFFFD\uFFFD\uFFFD")),
        c(
            "an overlong encoding",
            bytes("data: ", new int[] {0xC0, 0xAF}, "\n\n"),
            msg("\uFFFD\uFFFD")),
        c(
            "invalid bytes in an id and a comment",
            bytes(": ", new int[] {0xFE}, "\nid: ", new int[] {0x80}, "\ndata: a\n\n"),
            msg("a", "\uFFFD")),
        c(
            "an invalid byte in a field name makes it unknown",
            bytes(new int[] {0xFF}, "data: a\n\n")),
        // limits
        c(
            "data exactly at the event limit",
            "data: " + x(42) + "\ndata: " + x(42) + "\ndata: " + x(41) + "\n\n",
            msg(x(42) + "\n" + x(42) + "\n" + x(41))),
        c(
            "an event over the limit is skipped with its id, the next one is not",
            "id: 9\ndata: " + x(42) + "\ndata: " + x(42) + "\ndata: " + x(42) + "\n\ndata: ok\n\n",
            new Oversize(
                "message",
                "9",
                EVENT + 1,
                bytes(x(42) + "\n" + x(42) + "\n" + x(42)),
                "an event of over 128 bytes"),
            msg("ok", "9")),
        c(
            "an event over the limit, its id after the data",
            "data: " + x(50) + "\ndata: " + x(50) + "\ndata: " + x(50) + "\nid: 3\n\n",
            new Oversize(
                "message",
                "3",
                153,
                bytes(x(50) + "\n" + x(50) + "\n" + x(50)),
                "an event of over 128 bytes")),
        c(
            "an oversize event keeps its type",
            "event: big\ndata: " + x(200) + "\n\n",
            new Oversize("big", "", 201, bytes(x(58)), "a line of over 64 bytes")),
        c("a line at the limit", "data: " + x(LINE - 6) + "\n\n", msg(x(LINE - 6))),
        c(
            "a data line over the line limit skips the event",
            "id: 4\ndata: " + x(100) + "\ndata: more\n\ndata: ok\n\n",
            new Oversize("message", "4", 106, bytes(x(58) + "\nmore"), "a line of over 64 bytes"),
            msg("ok", "4")),
        c("an over-long comment is dropped", ": " + x(500) + "\ndata: a\n\n", msg("a")),
        c(
            "an over-long unknown field and retry are dropped",
            "foo: " + x(500) + "\nretry: " + "9".repeat(100) + "\ndata: a\n\n",
            msg("a")),
        c(
            "an over-long event line skips its event",
            "event: " + x(100) + "\ndata: a\n\n",
            new Oversize("message", "", 109, bytes("a"), "a line of over 64 bytes")),
        c(
            "an over-long id line skips its event and sets no id",
            "id: 1\n\nid: " + x(100) + "\ndata: a\n\n",
            new IdOnly("1"),
            new Oversize("message", "1", 106, bytes("a"), "a line of over 64 bytes")),
        c("an over-long line cut off by the end is never surfaced", "data: " + x(500)));
  }

  static List<Output> decode(List<byte[]> chunks) {
    SseDecoder decoder = new SseDecoder(LINE, EVENT);
    List<Output> out = new ArrayList<>();
    for (byte[] chunk : chunks) out.addAll(decoder.feed(chunk));
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decodesAsTheStandardSaysWhereverTheStreamIsSplit(Case c) {
    byte[] s = c.stream();
    assertEquals(c.expected(), decode(List.of(s)), "whole");
    for (int cut = 0; cut <= s.length; cut++) {
      List<byte[]> two =
          List.of(Arrays.copyOfRange(s, 0, cut), Arrays.copyOfRange(s, cut, s.length));
      assertEquals(c.expected(), decode(two), "split at byte " + cut);
    }
    List<byte[]> single = new ArrayList<>();
    for (byte b : s) single.add(new byte[] {b});
    assertEquals(c.expected(), decode(single), "byte by byte");
  }

  @Test
  void aHugeEventIsCountedNotBuffered() {
    SseDecoder decoder = new SseDecoder(1 << 20, 1 << 20);
    List<Output> out = new ArrayList<>(decoder.feed(bytes("id: big\n")));
    byte[] line = bytes("data: " + x(64 * 1024 - 7) + "\n");
    for (int i = 0; i < 64; i++) {
      out.addAll(decoder.feed(line));
      assertTrue(
          decoder.retainedBytes() <= (1 << 20) + (1 << 16) + 4_096 + 1_000,
          "retained " + decoder.retainedBytes());
    }
    out.addAll(decoder.feed(bytes("\ndata: next\n\n")));
    assertEquals(2, out.size(), String.valueOf(out));
    Oversize big = (Oversize) out.get(0);
    assertEquals(64L * 65_530, big.bytes());
    assertEquals(SseDecoder.HEAD_BYTES, big.head().length);
    assertEquals("big", big.lastEventId());
    assertEquals(msg("next", "big"), out.get(1));
    assertTrue(
        decoder.retainedBytes() < 70_000,
        "buffers shrink after the event: " + decoder.retainedBytes());
  }
}
