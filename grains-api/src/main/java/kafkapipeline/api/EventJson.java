package kafkapipeline.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON codec for Kafka payloads. Timestamps are ISO-8601 strings in UTC; unknown fields are
 * ignored so a newer producer does not break an older consumer. Thread-safe.
 */
public final class EventJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** One reader per payload type, resolved once: readValue(bytes, Class) looks it up per call. */
  private static final ClassValue<ObjectReader> READERS =
      new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
          return MAPPER.readerFor(type);
        }
      };

  private EventJson() {}

  public static byte[] write(Object event) {
    try {
      return MAPPER.writeValueAsBytes(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses a payload into a non-null event; throws {@link MalformedEventException} naming what is
   * wrong, and nothing else, whatever the bytes: not JSON, JSON {@code null} or another type, a
   * field of the wrong type or out of its range, nesting or numbers past Jackson's read limits.
   */
  public static <T> T read(byte[] payload, Class<T> type) {
    if (payload == null) {
      throw new MalformedEventException("empty payload (null value)");
    }
    try {
      T event = READERS.get(type).readValue(payload);
      if (event == null)
        throw new MalformedEventException("JSON null is not a " + type.getSimpleName());
      return event;
    } catch (JsonProcessingException e) {
      throw new MalformedEventException(
          "not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedEventException(
          "unreadable " + type.getSimpleName() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      // A record's constructor or a Jackson converter rejecting a value (e.g. a date past
      // Instant's range throws DateTimeException from inside the deserializer).
      if (e instanceof MalformedEventException m) throw m;
      throw new MalformedEventException(
          "not a valid "
              + type.getSimpleName()
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage());
    }
  }

  /** A payload that cannot become an event. The message says why and is safe to log. */
  public static final class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message) {
      super(message);
    }
  }
}
