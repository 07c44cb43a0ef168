package kafkapipeline.api.grains;

import java.time.Instant;
import kafkapipeline.api.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The grain interface of the SpaceX launches source ({@code
 * kafkapipeline.grains.spacex.SpaceXSource}): the commands other modules send it and its replies,
 * kept apart from the grain's behaviour, as Orleans keeps grain interfaces apart from grain
 * classes.
 */
public final class SpaceXProtocol {
  private SpaceXProtocol() {}

  /** Every message the grain takes (its own timers and replies to itself implement it too). */
  public interface Command extends CborSerializable {}

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /**
   * {@code state}: starting (no poll finished yet), running, or failing. {@code lastPoll} is when
   * the last poll (good or not) started, {@code lastSuccess} when the last good one ended; {@code
   * lastError} is the reason of the failure, or of the launches skipped in the last good poll.
   */
  public record Status(
      String state,
      Instant lastPoll,
      Instant lastSuccess,
      int launchesLastPoll,
      long lastPollMillis,
      long eventsPublished,
      long malformed,
      int failuresInRow,
      String lastError)
      implements CborSerializable {}
}
