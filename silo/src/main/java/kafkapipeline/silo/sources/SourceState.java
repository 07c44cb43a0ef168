package kafkapipeline.silo.sources;

import java.time.Instant;

/**
 * A source's state as its grain reports it.
 *
 * @param state e.g. starting, running, paused, failing, finished; {@code unknown} when its grain
 *     did not answer
 * @param eventsPerSecond its rate, where it has one (null for pollers)
 * @param lastEventTime when it last published (or polled successfully); null before that
 * @param detail counts or the last error, readable by a person; null when there is nothing to say
 */
public record SourceState(
    String state, Double eventsPerSecond, Instant lastEventTime, String detail) {
  /** The state of a source whose grain gave no answer. */
  public static SourceState noAnswer(Throwable error) {
    return new SourceState("unknown", null, null, "no answer: " + error);
  }
}
