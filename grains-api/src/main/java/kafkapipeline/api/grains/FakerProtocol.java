package kafkapipeline.api.grains;

import kafkapipeline.api.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The grain interface of the fake-person generator ({@code
 * kafkapipeline.grains.faker.FakerSource}): the commands other modules send it and its replies,
 * kept apart from the grain's behaviour, as Orleans keeps grain interfaces apart from grain
 * classes.
 */
public final class FakerProtocol {
  private FakerProtocol() {}

  /** Every message the grain takes (its own timers and replies to itself implement it too). */
  public interface Command extends CborSerializable {}

  public record SetRate(double perSecond, ActorRef<Status> replyTo) implements Command {}

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /** {@code state}: starting, running, paused, or finished (the limit is reached). */
  public record Status(
      String state,
      long seed,
      long nextPosition,
      double ratePerSecond,
      long limit,
      String lastError,
      java.time.Instant lastPublished)
      implements CborSerializable {}
}
