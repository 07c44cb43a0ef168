package kafkapipeline.api.grains;

import java.time.Instant;
import kafkapipeline.api.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The grain interface of the Wikipedia recent-changes source ({@code
 * kafkapipeline.grains.wikipedia.WikipediaSource}): the commands other modules send it and its
 * replies, kept apart from the grain's behaviour, as Orleans keeps grain interfaces apart from
 * grain classes.
 */
public final class WikipediaProtocol {
  private WikipediaProtocol() {}

  /** Every message the grain takes (its own timers and replies to itself implement it too). */
  public interface Command extends CborSerializable {}

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /**
   * {@code state}: disabled, starting, connecting, streaming or backing off. Counts are since this
   * grain started; {@code eventsPerSecond} is over the last minute.
   */
  public record Status(
      String state,
      double eventsPerSecond,
      Instant lastEventTime,
      long published,
      long canaries,
      long malformed,
      long oversize,
      long serverErrors,
      long connections,
      String position,
      String lastError)
      implements CborSerializable {}
}
