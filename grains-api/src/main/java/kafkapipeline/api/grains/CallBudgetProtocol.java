package kafkapipeline.api.grains;

import java.time.Duration;
import kafkapipeline.api.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The grain interface of the weather call budget ({@code kafkapipeline.grains.weather.CallBudget}):
 * the commands other modules send it and its replies, kept apart from the grain's behaviour, as
 * Orleans keeps grain interfaces apart from grain classes.
 *
 * <p>A {@link Granted} is one call, counted when it is sent: the caller makes the call at once.
 */
public final class CallBudgetProtocol {
  private CallBudgetProtocol() {}

  /**
   * How often a requester in line sends its {@link AwaitTurn} again while it waits. A requester not
   * heard of for three times this long has left the line (a stopped grain, say); one that was lost
   * in a handover of the budget gets back in line with its next one.
   */
  public static final Duration TURN_REFRESH = Duration.ofSeconds(20);

  /** Every message the grain takes (its own timers and replies to itself implement it too). */
  public interface Command extends CborSerializable {}

  /**
   * A call now or never: answered at once with {@link Granted} if a call is free in the window and
   * nobody waits in line, else {@link Denied} with when to ask again (the adding of a city: the
   * HTTP client is told to come back).
   */
  public record Acquire(ActorRef<Answer> replyTo) implements Command {}

  /**
   * A call in turn (a city's poll or retry): {@link Granted} at once if a call is free and nobody
   * waits, else {@link Queued} at once and {@link Granted} when its turn comes, oldest first. Send
   * it again every {@link #TURN_REFRESH} while waiting: a requester already in line keeps its
   * place.
   *
   * @param requester who waits (a city id): one place in line each
   */
  public record AwaitTurn(String requester, ActorRef<Answer> replyTo) implements Command {}

  public record GetUsage(ActorRef<Usage> replyTo) implements Command {}

  public sealed interface Answer extends CborSerializable {}

  public record Granted() implements Answer {}

  public record Denied(Duration retryIn) implements Answer {}

  /**
   * In line behind {@code ahead} others; a turn is expected in about {@code expectedIn}.
   *
   * @param ahead requesters granted before this one
   */
  public record Queued(int ahead, Duration expectedIn) implements Answer {}

  /**
   * @param tokensLeft calls still free in the sliding 60 s window now
   * @param denied answers that were not a grant ({@link Denied} or {@link Queued})
   */
  public record Usage(int callsPerMinute, double tokensLeft, long granted, long denied)
      implements CborSerializable {}
}
