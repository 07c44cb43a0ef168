package kafkapipeline.grains.wikipedia;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.RecentChange;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import kafkapipeline.grains.persist.WikipediaRowMapper;

/**
 * What one decoded server-sent event of EventStreams is to the source. {@link #decode} never
 * throws: whatever the server sent becomes exactly one frame. Every frame carries the stream's last
 * event id at that point (empty when the stream never set one), so a resumed stream starts after
 * it, whether the frame is published, discarded or dead-lettered.
 */
final class RecentChangeFrames {
  private RecentChangeFrames() {}

  sealed interface Frame {
    /** The last event id (an opaque JSON array of Kafka positions), if the stream set one. */
    Optional<String> position();
  }

  /** A recent change to publish, keyed by its {@code meta.id}. */
  record Change(String key, byte[] json, Optional<String> position) implements Frame {}

  /** A test event Wikimedia injects at least hourly; consumers must discard it. */
  record Canary(Optional<String> position) implements Frame {}

  /**
   * A {@code message} whose data is not a usable recent change (not JSON, not an object, or an
   * object without what a row needs). Published as a dead-letter marker, so it ends in {@code
   * dead_letters} with {@code reason}.
   */
  record Malformed(String key, byte[] data, String reason, Optional<String> position)
      implements Frame {}

  /**
   * An event too large to publish: over the SSE event limit (then only its head was kept) or over
   * {@link Topics#MAX_EVENT_BYTES}. Published as a dead-letter marker holding its head.
   */
  record Oversize(String key, byte[] head, long bytes, String reason, Optional<String> position)
      implements Frame {}

  /** An {@code event: error} the server sends after the stream has started. */
  record ServerError(String message, Optional<String> position) implements Frame {}

  /** An event with an id but no data: nothing to publish, but the position moves. */
  record PositionOnly(Optional<String> position) implements Frame {}

  /** The key of a dead letter whose input names no usable id. */
  static final String MALFORMED_KEY = "malformed";

  // Longer ids are not used as a dead letter's key; the record must stay well within Kafka's limit.
  static final int MAX_KEY_CHARS = 512;
  private static final int MAX_ERROR_CHARS = 500;

  // Only to tell what shape the data has (and to refuse trailing garbage, which the event codec
  // ignores): the change itself is read by EventJson, the one codec of payloads.
  private static final ObjectReader SHAPE =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build().reader();

  static Frame decode(SseDecoder.Output output) {
    if (output instanceof SseDecoder.Event e) return decode(e);
    if (output instanceof SseDecoder.IdOnly id) return new PositionOnly(position(id.lastEventId()));
    if (output instanceof SseDecoder.Oversize o) {
      return new Oversize(
          deadLetterKey(null, o.lastEventId()),
          o.head(),
          o.bytes(),
          o.reason() + " (the SSE event limit)",
          position(o.lastEventId()));
    }
    throw new IllegalArgumentException("not an event: " + output); // Retry is the connection's
  }

  private static Frame decode(SseDecoder.Event event) {
    Optional<String> position = position(event.lastEventId());
    if (event.type().equals("error")) return new ServerError(cut(event.data()), position);
    byte[] data = event.data().getBytes(StandardCharsets.UTF_8);
    JsonNode tree;
    try {
      tree = SHAPE.readTree(data);
    } catch (JsonProcessingException e) {
      return new Malformed(
          deadLetterKey(null, event.lastEventId()),
          data,
          "not JSON: " + e.getOriginalMessage(),
          position);
    } catch (IOException | RuntimeException e) {
      return new Malformed(
          deadLetterKey(null, event.lastEventId()), data, "not JSON: " + e, position);
    }
    if (tree == null || tree.isMissingNode()) {
      return new Malformed(
          deadLetterKey(null, event.lastEventId()), data, "no JSON in the data", position);
    }
    if (!tree.isObject()) {
      return new Malformed(
          deadLetterKey(null, event.lastEventId()),
          data,
          "not a JSON object but " + tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT),
          position);
    }
    JsonNode metaId = tree.path("meta").path("id");
    String key = deadLetterKey(metaId.isTextual() ? metaId.asText() : null, event.lastEventId());
    RecentChange change;
    try {
      change = WikipediaRowMapper.validate(EventJson.read(data, RecentChange.class));
    } catch (EventJson.MalformedEventException e) {
      if (isCanary(tree)) return new Canary(position);
      return new Malformed(key, data, e.getMessage(), position);
    } catch (RuntimeException e) {
      return new Malformed(key, data, "unreadable recent change: " + e, position);
    }
    if (change.isCanary()) return new Canary(position);
    int size = new KeyedRecord(change.meta().id(), data).sizeBytes();
    if (size > Topics.MAX_EVENT_BYTES) {
      return new Oversize(
          key,
          data,
          size,
          "an event of " + size + " bytes, over Kafka's limit of " + Topics.MAX_EVENT_BYTES,
          position);
    }
    return new Change(change.meta().id(), data, position);
  }

  // Canaries need not be complete changes (they have no wiki); they are discarded either way.
  private static boolean isCanary(JsonNode tree) {
    return RecentChange.CANARY_DOMAIN.equals(tree.path("meta").path("domain").asText(null));
  }

  /** The event's {@code meta.id} when known, else its SSE id, else {@link #MALFORMED_KEY}. */
  static String deadLetterKey(String metaId, String sseId) {
    if (metaId != null && !metaId.isBlank() && metaId.length() <= MAX_KEY_CHARS) return metaId;
    if (!sseId.isEmpty() && sseId.length() <= MAX_KEY_CHARS) return sseId;
    return MALFORMED_KEY;
  }

  private static Optional<String> position(String lastEventId) {
    return lastEventId.isEmpty() ? Optional.empty() : Optional.of(lastEventId);
  }

  private static String cut(String s) {
    return s.length() <= MAX_ERROR_CHARS ? s : s.substring(0, MAX_ERROR_CHARS) + "…";
  }
}
