package kafkapipeline.grains.declarative;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Streaming steps over a JSON document that never build its tree, so what they hold is bounded by
 * what they are asked for, not by the document: finding the value at a JSON Pointer, and copying
 * one value compactly into a buffer that stops growing at a limit. Each reads from a parser the
 * caller owns and throws what Jackson throws on bad input.
 */
final class JsonScan {
  private JsonScan() {}

  /**
   * From a value's first token, moves {@code p} to the first token of the value at {@code pointer}:
   * true if there is one. False when there is none (a missing member or index, or a scalar on the
   * way); {@code p} is then somewhere inside the document, only good for closing. Unlike a tree, a
   * member named twice is found at its first occurrence.
   */
  static boolean seek(JsonParser p, JsonPointer pointer) throws IOException {
    JsonPointer at = pointer;
    while (!at.matches()) {
      JsonToken t = p.currentToken();
      boolean found = false;
      if (t == JsonToken.START_OBJECT) {
        String want = at.getMatchingProperty();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          if (name.equals(want)) {
            found = true;
            break;
          }
          p.skipChildren();
        }
      } else if (t == JsonToken.START_ARRAY) {
        int want = at.getMatchingIndex();
        int index = 0;
        while (want >= 0 && p.nextToken() != JsonToken.END_ARRAY) {
          if (index++ == want) {
            found = true;
            break;
          }
          p.skipChildren();
        }
      }
      if (!found) return false;
      at = at.tail();
    }
    return true;
  }

  /**
   * Copies the value at {@code p}'s current token to {@code out} as compact JSON, numbers exactly
   * as written (no rounding through a double), and leaves {@code p} at the value's last token. Past
   * {@code out}'s limit the rest of the value is read but not kept.
   */
  static void copy(JsonParser p, JsonFactory json, Bounded out) throws IOException {
    int depth = 0;
    try (JsonGenerator g = json.createGenerator(out)) {
      JsonToken t = p.currentToken();
      while (true) {
        if (!out.over()) g.copyCurrentEventExact(p);
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) depth++;
        else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) depth--;
        if (depth == 0) break;
        t = p.nextToken();
        if (t == null) throw new IOException("the document ends inside a value");
      }
    }
  }

  /** A byte buffer that keeps at most {@code limit} bytes and counts the rest. */
  static final class Bounded extends ByteArrayOutputStream {
    private final int limit;
    private long dropped;

    Bounded(int limit) {
      super(Math.min(limit, 256));
      this.limit = limit;
    }

    boolean over() {
      return dropped > 0;
    }

    @Override
    public synchronized void write(int b) {
      if (count + 1 > limit) dropped++;
      else super.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      if (dropped > 0 || (long) count + len > limit) dropped += len;
      else super.write(b, off, len);
    }
  }
}
