package kafkapipeline.api.grains;

import java.time.Duration;
import kafkapipeline.api.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The grain interface of the weather call budget ({@code kafkapipeline.grains.weather.CallBudget}):
 * the commands other modules send it and its replies, kept apart from the grain's behaviour, as
 * Orleans keeps grain interfaces apart from grain classes.
 */
public final class CallBudgetProtocol {
  private CallBudgetProtocol() {}

  /** Every message the grain takes (its own timers and replies to itself implement it too). */
  public interface Command extends CborSerializable {}

  public record Acquire(ActorRef<Answer> replyTo) implements Command {}

  public record GetUsage(ActorRef<Usage> replyTo) implements Command {}

  public sealed interface Answer extends CborSerializable {}

  public record Granted() implements Answer {}

  public record Denied(Duration retryIn) implements Answer {}

  public record Usage(int callsPerMinute, double tokensLeft, long granted, long denied)
      implements CborSerializable {}
}
