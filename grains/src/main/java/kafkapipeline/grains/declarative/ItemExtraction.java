package kafkapipeline.grains.declarative;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
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

  /** The items of a polled document. */
  public static Extraction document(byte[] body, SourceSpec spec) {
    return extract(body, spec, null, MALFORMED_KEY);
  }

  /**
   * The items of one SSE event's data, unless the spec's filter drops the event. {@code sseId} (the
   * event's last event id, may be empty) keys a dead letter whose input names no usable key.
   */
  public static Extraction event(byte[] data, SourceSpec spec, String sseId) {
    String fallback =
        sseId != null && !sseId.isEmpty() && sseId.length() <= MAX_KEY_CHARS
            ? sseId
            : MALFORMED_KEY;
    return extract(data, spec, spec.filter(), fallback);
  }

  /** A dead-letter marker alone: for input that never got to be a document (an oversize event). */
  public static Extraction deadLetter(String key, byte[] head, String reason) {
    return new Extraction(List.of(KeyedRecord.deadLetter(key, head, reason)), 0, 1, 0, reason);
  }

  private static Extraction extract(
      byte[] bytes, SourceSpec spec, SseFilter filter, String fallbackKey) {
    byte[] input = bytes == null ? new byte[0] : bytes;
    JsonNode root;
    try {
      root = JSON.readTree(input);
    } catch (JsonProcessingException e) {
      return deadLetter(fallbackKey, input, "not JSON: " + e.getOriginalMessage());
    } catch (Exception e) {
      // Jackson's own limits (nesting, string and number length) and anything else it throws.
      return deadLetter(fallbackKey, input, "not JSON: " + e);
    }
    if (root == null || root.isMissingNode())
      return deadLetter(fallbackKey, input, "no JSON in the input");
    if (filter != null && dropped(root, filter)) return Extraction.FILTERED;
    JsonNode items = at(root, spec.items());
    if (items == null) return deadLetter(fallbackKey, input, "items pointer is not valid");
    if (items.isMissingNode())
      return deadLetter(fallbackKey, input, "nothing at items pointer '" + spec.items() + "'");
    List<JsonNode> list = new ArrayList<>();
    if (items.isArray()) items.forEach(list::add);
    else if (items.isObject()) list.add(items);
    else
      return deadLetter(
          fallbackKey,
          input,
          "items at '"
              + (spec.items() == null ? "" : spec.items())
              + "' are not an array or object but "
              + items.getNodeType().name().toLowerCase(Locale.ROOT));
    List<KeyedRecord> records = new ArrayList<>(list.size());
    int malformed = 0;
    String problem = null;
    for (JsonNode item : list) {
      KeyedRecord record = record(item, spec.key(), fallbackKey);
      if (record.deadLetterReason() != null) {
        malformed++;
        problem = record.deadLetterReason();
      }
      records.add(record);
    }
    return new Extraction(List.copyOf(records), records.size() - malformed, malformed, 0, problem);
  }

  private static KeyedRecord record(JsonNode item, String keyPointer, String fallbackKey) {
    byte[] value = compact(item);
    JsonNode keyNode = at(item, keyPointer);
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
    if (record.sizeBytes() > Topics.MAX_EVENT_BYTES) {
      return KeyedRecord.deadLetter(
          key,
          value,
          "an item of "
              + record.sizeBytes()
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

  private static boolean dropped(JsonNode root, SseFilter filter) {
    JsonNode value = at(root, filter.pointer());
    return value != null
        && value.isValueNode()
        && !value.isNull()
        && filter.dropValues() != null
        && filter.dropValues().contains(value.asText());
  }

  /** The node at a JSON Pointer ({@code ""} or null: the node itself); null if not a pointer. */
  private static JsonNode at(JsonNode node, String pointer) {
    if (pointer == null || pointer.isEmpty()) return node;
    try {
      return node.at(JsonPointer.compile(pointer));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] compact(JsonNode item) {
    try {
      return JSON.writeValueAsBytes(item);
    } catch (JsonProcessingException e) {
      // A tree Jackson just read always writes; kept total all the same.
      return item.toString().getBytes(StandardCharsets.UTF_8);
    }
  }
}
