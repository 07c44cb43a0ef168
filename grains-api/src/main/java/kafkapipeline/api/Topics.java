package kafkapipeline.api;

/**
 * The topics of the built-in sources (the names are the original pipeline's) and the limits every
 * topic shares. The list of sources and their topics is the silo's source registry.
 */
public final class Topics {
  public static final String FAKER = "faker";
  public static final String WEATHER = "weather";
  public static final String WIKIPEDIA = "wikipedia";
  public static final String SPACEX = "spacex";

  /**
   * The largest event (key plus value, in bytes) a source may publish. The producer's {@code
   * max.request.size} and every topic's {@code max.message.bytes} are set from it with room for the
   * record's framing, so an event within it always fits Kafka; a larger one is published as a
   * dead-letter marker instead (see {@link #DEAD_LETTER_HEADER}).
   */
  public static final int MAX_EVENT_BYTES = 1_000_000;

  /** Kafka's per-record framing and batch header, on top of {@link #MAX_EVENT_BYTES}. */
  public static final int RECORD_OVERHEAD_BYTES = 48_576;

  /** {@code max.message.bytes} of every topic and {@code max.request.size} of the producer. */
  public static final int MAX_MESSAGE_BYTES = MAX_EVENT_BYTES + RECORD_OVERHEAD_BYTES;

  /**
   * A record header a source sets when what it read could not become an event (too large, not an
   * object, ...): its value is the reason (UTF-8), the record's value the start of what was read.
   * Persisters store such a record in {@code dead_letters} with that reason, never as a row.
   */
  public static final String DEAD_LETTER_HEADER = "dead-letter-reason";

  /**
   * A record header a replayed dead letter carries: where the record first stood in its topic,
   * {@code "<partition>:<offset>"} (ASCII). A persister writes the row of such a record with the
   * write time of that first position, so a replay never puts an older version over a newer one
   * written since (see {@code kafkapipeline.grains.persist.WriteTime}).
   */
  public static final String ORIGIN_HEADER = "pipeline-origin";

  private Topics() {}
}
