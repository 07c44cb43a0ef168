package kafkapipeline.grains.wikipedia;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An incremental {@code text/event-stream} decoder following WHATWG HTML, "Server-sent events",
 * section "Interpreting an event stream". Fed the bytes of one connection in chunks of any size, it
 * yields what the bytes so far complete; the result never depends on where the chunks were split.
 *
 * <p>Rules: lines end in LF, CR or CRLF (also a CR ending one chunk and its LF starting the next);
 * one UTF-8 BOM at the very start is dropped; lines are split on bytes and then decoded as UTF-8
 * with U+FFFD for invalid input, so U+2028, U+2029 and U+0085 are ordinary characters; {@code :}
 * starts a comment; a line without a colon is a field with an empty value; one space after the
 * colon is removed; {@code data} appends its value and LF; {@code event} sets the type; {@code id}
 * sets the last event id unless the value holds NUL; {@code retry} of ASCII digits only is surfaced
 * at once as {@link Retry}; other fields are ignored; an empty line dispatches. What a stream holds
 * after its last empty line is never dispatched.
 *
 * <p>Limits: a line longer than {@code maxLineBytes} (without its line end) is not kept past the
 * limit, and the data of one event (values plus their LFs) is not buffered past {@code
 * maxEventBytes}. An event that breaks either comes out as {@link Oversize} with its id and the
 * first {@link #HEAD_BYTES} of its data instead of as an {@link Event}; an over-long comment,
 * unknown field or {@code retry} is dropped, as the standard ignores those anyway. So the decoder
 * holds at most about {@code maxLineBytes + maxEventBytes} bytes, whatever it is fed, and never
 * throws on input. Not thread-safe: one decoder per connection.
 */
public final class SseDecoder {
  /** How much of a skipped event's data an {@link Oversize} keeps for inspection. */
  static final int HEAD_BYTES = 4_096;

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final byte[] LF = {'\n'};
  // Buffers grown past this for one long line or event are dropped after it.
  private static final int KEEP_CAPACITY = 64 * 1024;

  public sealed interface Output {}

  /**
   * A dispatched event. {@code type} is {@code message} unless the event named one; {@code
   * lastEventId} is the last event id at dispatch (empty when the stream never set one).
   */
  public record Event(String type, String data, String lastEventId) implements Output {}

  /**
   * An empty line ended an event without data, so nothing is dispatched, but the last event id
   * changed to {@code lastEventId}: a client resuming must resume from here.
   */
  public record IdOnly(String lastEventId) implements Output {}

  /**
   * An event that was skipped for its size: {@code bytes} is what its data lines held (values and
   * their LFs) plus any over-long other line, {@code head} the first {@link #HEAD_BYTES} bytes of
   * its data, {@code reason} which limit it broke. Its id, if any, still became the last event id.
   */
  public record Oversize(String type, String lastEventId, long bytes, byte[] head, String reason)
      implements Output {
    @Override
    public boolean equals(Object o) {
      return o instanceof Oversize x
          && type.equals(x.type)
          && lastEventId.equals(x.lastEventId)
          && bytes == x.bytes
          && Arrays.equals(head, x.head)
          && reason.equals(x.reason);
    }

    @Override
    public int hashCode() {
      return 31 * type.hashCode()
          + lastEventId.hashCode()
          + Long.hashCode(bytes)
          + Arrays.hashCode(head);
    }

    @Override
    public String toString() {
      return "Oversize[" + type + ", id=" + lastEventId + ", " + bytes + " bytes, " + reason + "]";
    }
  }

  /** A {@code retry} field: the server's reconnection time in milliseconds (saturating). */
  public record Retry(long millis) implements Output {}

  private final int maxLineBytes;
  private final int maxEventBytes;

  private int bomSeen; // bytes of the BOM matched at the stream's start; -1 once past it
  private boolean afterCr; // the last byte was a CR: an LF next is the same line end

  private byte[] line;
  private int lineLength;
  private long lineOverflow; // bytes of the current line beyond maxLineBytes

  private byte[] data;
  private int dataLength;
  private String eventType = "";
  private String lastEventId = ""; // the last event ID buffer
  private String dispatchedId = ""; // the last event ID string at the last dispatch

  private String oversizeReason; // non-null: the current event is being skipped
  private long oversizeBytes;
  private byte[] oversizeHead;

  SseDecoder(int maxLineBytes, int maxEventBytes) {
    if (maxLineBytes < 16 || maxEventBytes < 16)
      throw new IllegalArgumentException("SSE limits must be >= 16 bytes");
    this.maxLineBytes = maxLineBytes;
    this.maxEventBytes = maxEventBytes;
    line = new byte[Math.min(256, maxLineBytes)];
    data = new byte[Math.min(256, maxEventBytes)];
  }

  /** Decodes the next bytes of the stream; returns what they complete, in stream order. */
  List<Output> feed(byte[] bytes) {
    return feed(bytes, 0, bytes.length);
  }

  List<Output> feed(byte[] bytes, int offset, int length) {
    List<Output> out = new ArrayList<>(2);
    int i = offset;
    int end = offset + length;
    while (i < end && bomSeen >= 0) {
      if (bytes[i] == BOM[bomSeen]) {
        i++;
        if (++bomSeen == BOM.length) bomSeen = -1;
      } else {
        // Not a BOM after all: what matched so far is the start of the first line.
        int matched = bomSeen;
        bomSeen = -1;
        appendToLine(BOM, 0, matched);
      }
    }
    while (i < end) {
      if (afterCr) {
        afterCr = false;
        if (bytes[i] == '\n') {
          i++;
          continue;
        }
      }
      int lineEnd = i;
      while (lineEnd < end && bytes[lineEnd] != '\n' && bytes[lineEnd] != '\r') lineEnd++;
      appendToLine(bytes, i, lineEnd - i);
      if (lineEnd == end) break;
      afterCr = bytes[lineEnd] == '\r';
      endLine(out);
      i = lineEnd + 1;
    }
    return out;
  }

  /** Bytes held now (buffers' capacity): stays within the limits whatever the input. */
  long retainedBytes() {
    return line.length
        + data.length
        + (oversizeHead == null ? 0 : oversizeHead.length)
        + 2L * (eventType.length() + lastEventId.length() + dispatchedId.length());
  }

  private void appendToLine(byte[] bytes, int offset, int length) {
    int room = maxLineBytes - lineLength;
    int kept = Math.min(room, length);
    if (kept > 0) {
      line = ensure(line, lineLength + kept, maxLineBytes);
      System.arraycopy(bytes, offset, line, lineLength, kept);
      lineLength += kept;
    }
    lineOverflow += length - kept;
  }

  private void endLine(List<Output> out) {
    try {
      if (lineOverflow > 0) {
        overlongLine();
      } else if (lineLength == 0) {
        dispatch(out);
      } else {
        field(out);
      }
    } finally {
      lineLength = 0;
      lineOverflow = 0;
      if (line.length > KEEP_CAPACITY) line = new byte[256];
    }
  }

  private int colon() {
    for (int i = 0; i < lineLength; i++) {
      if (line[i] == ':') return i;
    }
    return -1;
  }

  private void field(List<Output> out) {
    if (line[0] == ':') return; // a comment
    int colon = colon();
    int nameEnd = colon < 0 ? lineLength : colon;
    int valueStart = colon < 0 ? lineLength : colon + 1;
    if (valueStart < lineLength && line[valueStart] == ' ') valueStart++;
    int valueLength = lineLength - valueStart;
    if (isName(nameEnd, "data")) {
      appendData(valueStart, valueLength);
    } else if (isName(nameEnd, "event")) {
      eventType = utf8(line, valueStart, valueLength);
    } else if (isName(nameEnd, "id")) {
      if (indexOf(line, valueStart, lineLength, (byte) 0) < 0)
        lastEventId = utf8(line, valueStart, valueLength);
    } else if (isName(nameEnd, "retry")) {
      if (valueLength > 0 && allDigits(valueStart, lineLength))
        out.add(new Retry(saturatingParse(valueStart, lineLength)));
    }
    // any other field is ignored
  }

  /**
   * A line past the limit. A comment, an unknown field or a {@code retry} (no number is that long)
   * is dropped, as the standard ignores them anyway; {@code data}, {@code event} or {@code id}
   * spoil the current event, which then comes out as {@link Oversize}.
   */
  private void overlongLine() {
    if (line[0] == ':') return;
    int colon = colon();
    int nameEnd = colon < 0 ? lineLength : colon;
    boolean isData = isName(nameEnd, "data");
    if (!isData && !isName(nameEnd, "event") && !isName(nameEnd, "id")) return;
    if (oversizeReason == null) {
      startSkipping("a line of over " + maxLineBytes + " bytes");
    }
    if (isData) {
      int valueStart = colon + 1;
      if (valueStart < lineLength && line[valueStart] == ' ') valueStart++;
      addToHead(line, valueStart, lineLength - valueStart);
      addToHead(LF, 0, 1);
      oversizeBytes += lineLength - valueStart + lineOverflow + 1;
    } else {
      oversizeBytes += lineLength + lineOverflow;
    }
  }

  private void appendData(int valueStart, int valueLength) {
    if (oversizeReason == null && (long) dataLength + valueLength + 1 > maxEventBytes) {
      startSkipping("an event of over " + maxEventBytes + " bytes");
    }
    if (oversizeReason != null) {
      addToHead(line, valueStart, valueLength);
      addToHead(LF, 0, 1);
      oversizeBytes += valueLength + 1;
      return;
    }
    data = ensure(data, dataLength + valueLength + 1, maxEventBytes);
    System.arraycopy(line, valueStart, data, dataLength, valueLength);
    dataLength += valueLength;
    data[dataLength++] = '\n';
  }

  /** From now on the current event's data is only counted, not kept (beyond its head). */
  private void startSkipping(String reason) {
    oversizeReason = reason;
    oversizeHead = Arrays.copyOf(data, Math.min(dataLength, HEAD_BYTES));
    oversizeBytes = dataLength;
    dataLength = 0;
    if (data.length > KEEP_CAPACITY) data = new byte[256];
  }

  private void addToHead(byte[] bytes, int offset, int length) {
    int n = Math.min(length, HEAD_BYTES - oversizeHead.length);
    if (n <= 0) return;
    int at = oversizeHead.length;
    oversizeHead = Arrays.copyOf(oversizeHead, at + n);
    System.arraycopy(bytes, offset, oversizeHead, at, n);
  }

  private void dispatch(List<Output> out) {
    boolean idMoved = !lastEventId.equals(dispatchedId);
    dispatchedId = lastEventId;
    String type = eventType.isEmpty() ? "message" : eventType;
    if (oversizeReason != null) {
      byte[] head = oversizeHead;
      // The head holds the data's LFs; as at dispatch, the last one goes.
      if (head.length > 0 && head.length < HEAD_BYTES && head[head.length - 1] == '\n')
        head = Arrays.copyOf(head, head.length - 1);
      out.add(new Oversize(type, lastEventId, oversizeBytes, head, oversizeReason));
      oversizeReason = null;
      oversizeHead = null;
      oversizeBytes = 0;
    } else if (dataLength == 0) {
      if (idMoved) out.add(new IdOnly(lastEventId));
    } else {
      out.add(new Event(type, utf8(data, 0, dataLength - 1), lastEventId));
    }
    dataLength = 0;
    eventType = "";
    if (data.length > KEEP_CAPACITY) data = new byte[256];
  }

  private boolean isName(int nameLength, String name) {
    if (nameLength != name.length()) return false;
    for (int i = 0; i < nameLength; i++) {
      if (line[i] != name.charAt(i)) return false;
    }
    return true;
  }

  private boolean allDigits(int from, int to) {
    for (int i = from; i < to; i++) {
      if (line[i] < '0' || line[i] > '9') return false;
    }
    return true;
  }

  private long saturatingParse(int from, int to) {
    long n = 0;
    for (int i = from; i < to; i++) {
      int digit = line[i] - '0';
      if (n > (Long.MAX_VALUE - digit) / 10) return Long.MAX_VALUE;
      n = n * 10 + digit;
    }
    return n;
  }

  private static int indexOf(byte[] bytes, int from, int to, byte b) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == b) return i;
    }
    return -1;
  }

  /**
   * UTF-8 with U+FFFD for what is not valid, as the WHATWG Encoding standard's decoder does. The
   * JDK's decoder agrees with it except on an encoded surrogate (ED A0..BF ..), which it replaces
   * with one U+FFFD where the standard has one per byte; so the ED is replaced here and the JDK
   * decodes the rest, whose stray continuation bytes it replaces one by one.
   */
  static String utf8(byte[] bytes, int offset, int length) {
    int end = offset + length;
    StringBuilder out = null;
    int from = offset;
    for (int i = offset; i + 1 < end; i++) {
      if (bytes[i] == (byte) 0xED
          && (bytes[i + 1] & 0xFF) >= 0xA0
          && (bytes[i + 1] & 0xFF) <= 0xBF) {
        if (out == null) out = new StringBuilder(length);
        out.append(new String(bytes, from, i - from, StandardCharsets.UTF_8)).append('\uFFFD');
        from = i + 1;
      }
    }
    if (out == null) return new String(bytes, offset, length, StandardCharsets.UTF_8);
    return out.append(new String(bytes, from, end - from, StandardCharsets.UTF_8)).toString();
  }

  private static byte[] ensure(byte[] buffer, int needed, int max) {
    if (needed <= buffer.length) return buffer;
    int size = (int) Math.min(max, Math.max(needed, 2L * buffer.length));
    return Arrays.copyOf(buffer, size);
  }
}
