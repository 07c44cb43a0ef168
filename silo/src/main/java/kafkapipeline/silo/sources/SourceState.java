package kafkapipeline.silo.sources;

import java.time.Duration;
import java.time.Instant;

/**
 * A source's state as its grain reports it.
 *
 * @param state e.g. starting, running, paused, failing, finished; {@code unknown} when its grain
 *     did not answer
 * @param eventsPerSecond its rate, where it has one (null for pollers)
 * @param lastEventTime when it last published (or polled successfully); null before that
 * @param detail counts or the last error, readable by a person; null when there is nothing to say
 * @param expectedInterval the longest time between two of its events while it runs as set (a
 *     poller's interval, a generator's 1/rate); null when no event is expected (paused, disabled,
 *     finished, no cities, or not known): the source-stale alert judges only sources that have one
 */
public record SourceState(
    String state,
    Double eventsPerSecond,
    Instant lastEventTime,
    String detail,
    Duration expectedInterval) {
  /** A state with no expected interval. */
  public SourceState(String state, Double eventsPerSecond, Instant lastEventTime, String detail) {
    this(state, eventsPerSecond, lastEventTime, detail, null);
  }

  /** The state of a source whose grain gave no answer. */
  public static SourceState noAnswer(Throwable error) {
    return new SourceState("unknown", null, null, "no answer: " + error);
  }
}
