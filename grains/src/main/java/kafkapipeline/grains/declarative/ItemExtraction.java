package kafkapipeline.grains.declarative;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import kafkapipeline.api.Topics;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.api.sources.SseFilter;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;

/**
 * A declarative source's items, from a polled document or one SSE event's data. Pure, and never
 * throws, whatever the bytes: every outcome is an {@link Extraction} whose records are exactly what
 * to publish.
 *
 * <p>The items are at the spec's {@code items} JSON Pointer ({@code ""} or null: the document): an
 * array gives its elements, an object is one item. Each item becomes one record keyed by the text
 * at the spec's {@code key} (a string, or a number or boolean as its JSON text), its value the item
 * as compact JSON (numbers as written, not rounded through a double). A document that is not JSON,
 * has nothing or a scalar at {@code items}, is one malformed outcome: one dead-letter marker
 * ({@link KeyedRecord#deadLetter}) with the reason and the document's head. An item without a
 * usable key (missing, null, empty, an object or array, over {@value #MAX_KEY_CHARS} characters),
 * or whose record would be over {@link Topics#MAX_EVENT_BYTES}, is one malformed item, published as
 * a dead-letter marker too, so it ends in {@code dead_letters} with its reason and the items around
 * it still go through.
 *
 * <p>Bounded whatever the input: the document is read as a stream, never as a tree, so the work and
 * memory are those of the records made, at most {@code maxItems} of them, each no larger than its
 * item's text. A document with more items at {@code items} is one dead-letter marker (its head,
 * reason beginning {@link #TOO_MANY}): parsing stops at the first item past the limit, and the
 * caller fails its attempt. An item whose compact JSON is over a record's limit is not kept past
 * that limit either. A member named twice is read at its first occurrence (a tree keeps the last).
 */
public final class ItemExtraction {
  /** The key of a dead letter when the input names no usable one. */
  public static final String MALFORMED_KEY = "malformed";

  /** Longer keys are not used: a key is for partitioning, not a payload. */
  public static final int MAX_KEY_CHARS = 512;

  // Big decimals keep every number as written (1.10, 1e400) instead of rounding it to a double;
  // trailing tokens (two documents, garbage after one) make the document malformed.
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  // One scalar inside a document, read where the parser stands (the rest of the document follows).
  private static final ObjectReader SCALAR =
      JSON.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ItemExtraction() {}

  /**
   * What to publish.
   *
   * @param records events and dead-letter markers, in the order of the items
   * @param published records that are events
   * @param malformed records that are dead-letter markers (malformed items or a malformed document)
   * @param filtered events dropped by the spec's filter (0 or 1: a whole SSE event is dropped)
   * @param problem the last malformed outcome's reason, null if none
   */
  public record Extraction(
      List<KeyedRecord> records, int published, int malformed, int filtered, String problem) {
    /** Nothing to publish. */
    public static final Extraction NONE = new Extraction(List.of(), 0, 0, 0, null);

    static final Extraction FILTERED = new Extraction(List.of(), 0, 0, 1, null);
  }

  /** The items of a polled document, at most {@code maxItems} of them (see {@link #extract}). */
  public static Extraction document(byte[] body, SourceSpec spec, int maxItems) {
    return extract(body, spec, null, MALFORMED_KEY, maxItems);
  }

  /**
   * The items of one SSE event's data, unless the spec's filter drops the event. {@code sseId} (the
   * event's last event id, may be empty) keys a dead letter whose input names no usable key. An
   * event with more than {@code maxItems} items is one dead letter.
   */
  public static Extraction event(byte[] data, SourceSpec spec, String sseId, int maxItems) {
    String fallback =
        sseId != null && !sseId.isEmpty() && sseId.length() <= MAX_KEY_CHARS
            ? sseId
            : MALFORMED_KEY;
    return extract(data, spec, spec.filter(), fallback, maxItems);
  }

  /** A dead-letter marker alone: for input that never got to be a document (an oversize event). */
  public static Extraction deadLetter(String key, byte[] head, String reason) {
    return new Extraction(List.of(KeyedRecord.deadLetter(key, head, reason)), 0, 1, 0, reason);
  }

  /** The reason of an extraction stopped at {@code maxItems}, beginning with {@link #TOO_MANY}. */
  static String tooMany(int maxItems, String pointer) {
    return TOO_MANY
        + maxItems
        + " items at '"
        + (pointer == null ? "" : pointer)
        + "' (the limit per document, setting max-items); parsing stopped there";
  }

  /** How the reason of an extraction stopped at its item limit begins. */
  public static final String TOO_MANY = "more than ";

  /**
   * Streams over the input (items, then validity; for an event validity and filter first) and never
   * builds the document's tree: it holds the records made so far and one item's compact copy, each
   * at most a record's size, so at most {@code maxItems} records, and stops at the item after the
   * last one allowed.
   */
  private static Extraction extract(
      byte[] bytes, SourceSpec spec, SseFilter filter, String fallbackKey, int maxItems) {
    byte[] input = bytes == null ? new byte[0] : bytes;
    try {
      // An event's filter sees only well-formed events, as before; a document is checked whole
      // after its items, so one over the limit is not read past it.
      if (filter != null) {
        if (!wellFormed(input)) return deadLetter(fallbackKey, input, "no JSON in the input");
        if (dropped(input, filter)) return Extraction.FILTERED;
      }
      Extraction items = items(input, spec, fallbackKey, maxItems);
      if (items.malformed() == 1 && items.problem().startsWith(TOO_MANY)) return items;
      if (filter == null && !wellFormed(input))
        return deadLetter(fallbackKey, input, "no JSON in the input");
      return items;
    } catch (JsonProcessingException e) {
      return deadLetter(fallbackKey, input, "not JSON: " + e.getOriginalMessage());
    } catch (Exception e) {
      // Jackson's own limits (nesting, string and number length) and anything else it throws.
      return deadLetter(fallbackKey, input, "not JSON: " + e);
    }
  }

  private static Extraction items(byte[] input, SourceSpec spec, String fallbackKey, int maxItems)
      throws java.io.IOException {
    JsonPointer items = pointer(spec.items());
    if (items == null) return deadLetter(fallbackKey, input, "items pointer is not valid");
    try (JsonParser p = JSON.createParser(input)) {
      if (p.nextToken() == null) return deadLetter(fallbackKey, input, "no JSON in the input");
      if (!JsonScan.seek(p, items))
        return deadLetter(fallbackKey, input, "nothing at items pointer '" + spec.items() + "'");
      JsonToken t = p.currentToken();
      if (t == JsonToken.START_OBJECT)
        return records(List.of(item(input, p, spec.key(), fallbackKey)));
      if (t != JsonToken.START_ARRAY)
        return deadLetter(
            fallbackKey,
            input,
            "items at '"
                + (spec.items() == null ? "" : spec.items())
                + "' are not an array or object but "
                + scalarType(t));
      List<KeyedRecord> records = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (records.size() == maxItems) {
          String reason = tooMany(maxItems, spec.items());
          return new Extraction(
              List.of(KeyedRecord.deadLetter(fallbackKey, input, reason)), 0, 1, 0, reason);
        }
        records.add(item(input, p, spec.key(), fallbackKey));
      }
      return records(records);
    }
  }

  private static Extraction records(List<KeyedRecord> records) {
    int malformed = 0;
    String problem = null;
    for (KeyedRecord r : records) {
      if (r.deadLetterReason() != null) {
        malformed++;
        problem = r.deadLetterReason();
      }
    }
    return new Extraction(List.copyOf(records), records.size() - malformed, malformed, 0, problem);
  }

  /** False for input without a value; throws on input that is not one JSON value. */
  private static boolean wellFormed(byte[] input) throws java.io.IOException {
    try (JsonParser p = JSON.createParser(input)) {
      if (p.nextToken() == null) return false;
      p.skipChildren();
      JsonToken trailing = p.nextToken();
      if (trailing != null)
        throw new JsonParseException(
            p, "Trailing token (of type " + trailing + ") found after the value");
      return true;
    }
  }

  /** The record of the item at {@code p}'s current token; leaves {@code p} at its last token. */
  private static KeyedRecord item(byte[] input, JsonParser p, String keyPointer, String fallbackKey)
      throws java.io.IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    JsonScan.Bounded out = new JsonScan.Bounded(Topics.MAX_EVENT_BYTES);
    JsonScan.copy(p, JSON.getFactory(), out);
    int end = (int) p.currentLocation().getByteOffset();
    return record(input, start, end, out, keyPointer, fallbackKey);
  }

  private static String scalarType(JsonToken t) {
    return switch (t) {
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      default -> t.name().toLowerCase(Locale.ROOT);
    };
  }

  /**
   * An item's record: its key read from its text ({@code input} from {@code start} to {@code end}),
   * its value the compact copy in {@code out} (whole unless over a record's size).
   */
  private static KeyedRecord record(
      byte[] input, int start, int end, JsonScan.Bounded out, String keyPointer, String fallbackKey)
      throws java.io.IOException {
    byte[] value = out.toByteArray();
    JsonPointer pointer = pointer(keyPointer);
    JsonNode keyNode;
    if (pointer == null) keyNode = null;
    else {
      try (JsonParser p = JSON.createParser(input, start, end - start)) {
        p.nextToken();
        if (!JsonScan.seek(p, pointer)) keyNode = MissingNode.getInstance();
        else if (p.currentToken().isStructStart()) keyNode = JSON.createObjectNode();
        else keyNode = SCALAR.readValue(p);
      }
    }
    String key = keyNode == null ? null : keyText(keyNode);
    if (key == null) {
      String why =
          keyNode == null
              ? "key pointer is not valid"
              : keyNode.isMissingNode() || keyNode.isNull()
                  ? "no key at '" + keyPointer + "'"
                  : keyNode.isContainerNode()
                      ? "the key at '" + keyPointer + "' is not a string but an object or array"
                      : "the key at '"
                          + keyPointer
                          + "' is empty or over "
                          + MAX_KEY_CHARS
                          + " characters";
      return KeyedRecord.deadLetter(fallbackKey, value, why);
    }
    KeyedRecord record = new KeyedRecord(key, value);
    if (out.over() || record.sizeBytes() > Topics.MAX_EVENT_BYTES) {
      return KeyedRecord.deadLetter(
          key,
          value,
          "an item of "
              + (out.over() ? "over " + out.size() : String.valueOf(record.sizeBytes()))
              + " bytes, over Kafka's limit of "
              + Topics.MAX_EVENT_BYTES);
    }
    return record;
  }

  /** The usable key text, or null. */
  private static String keyText(JsonNode node) {
    String text;
    if (node.isTextual()) text = node.textValue();
    else if (node.isNumber() || node.isBoolean()) text = node.asText();
    else return null;
    return text.isEmpty() || text.length() > MAX_KEY_CHARS ? null : text;
  }

  /** The event's value at the filter's pointer is one of its drop values. */
  private static boolean dropped(byte[] input, SseFilter filter) throws java.io.IOException {
    JsonPointer pointer = pointer(filter.pointer());
    if (pointer == null || filter.dropValues() == null) return false;
    try (JsonParser p = JSON.createParser(input)) {
      p.nextToken();
      if (!JsonScan.seek(p, pointer) || p.currentToken().isStructStart()) return false;
      JsonNode value = SCALAR.readValue(p);
      return value != null
          && value.isValueNode()
          && !value.isNull()
          && filter.dropValues().contains(value.asText());
    }
  }

  /** A JSON Pointer ({@code ""} or null: the value itself); null if not a pointer. */
  private static JsonPointer pointer(String pointer) {
    if (pointer == null || pointer.isEmpty()) return JsonPointer.empty();
    try {
      return JsonPointer.compile(pointer);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
