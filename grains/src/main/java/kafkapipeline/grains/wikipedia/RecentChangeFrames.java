package kafkapipeline.grains.wikipedia;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.RecentChange;
import kafkapipeline.grains.persist.WikipediaRowMapper;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;

/**
 * What one server-sent event of EventStreams is to the source. Every event that carries an
 * {@code id:} moves the stream position, whatever it is, so a resumed stream starts after it.
 */
final class RecentChangeFrames {
  private RecentChangeFrames() {}

  sealed interface Frame {
    /** The event's {@code id:} (an opaque JSON array of Kafka positions), if it had one. */
    Optional<String> position();
  }

  /** A recent change to publish, keyed by its {@code meta.id}. */
  record Change(String key, byte[] json, Optional<String> position) implements Frame {}

  /** A test event Wikimedia injects at least hourly; consumers must discard it. */
  record Canary(Optional<String> position) implements Frame {}

  /**
   * A {@code message} whose data is not a usable recent change. It is still published, as it
   * came, so the persister puts it in {@code dead_letters} where it can be inspected.
   */
  record Malformed(String key, byte[] data, String reason, Optional<String> position) implements Frame {}

  /** An {@code event: error} the server sends after the stream has started. */
  record ServerError(String message, Optional<String> position) implements Frame {}

  static final String MALFORMED_KEY = "malformed";

  static Frame decode(ServerSentEvent event) {
    Optional<String> position = event.getId();
    String type = event.getEventType().orElse("message");
    if (type.equals("error")) return new ServerError(event.getData(), position);
    byte[] data = event.getData().getBytes(StandardCharsets.UTF_8);
    RecentChange change;
    try {
      change = EventJson.read(data, RecentChange.class);
    } catch (EventJson.MalformedEventException e) {
      return new Malformed(MALFORMED_KEY, data, e.getMessage(), position);
    }
    if (change.isCanary()) return new Canary(position);
    try {
      WikipediaRowMapper.validate(change);
    } catch (EventJson.MalformedEventException e) {
      return new Malformed(MALFORMED_KEY, data, e.getMessage(), position);
    }
    return new Change(change.meta().id(), data, position);
  }
}
