package kafkapipeline.api.grains;

import java.time.Instant;
import kafkapipeline.api.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The grain interface of a city weather grain ({@code kafkapipeline.grains.weather.CityWeather}):
 * the commands other modules send it and its replies, kept apart from the grain's behaviour, as
 * Orleans keeps grain interfaces apart from grain classes.
 */
public final class CityWeatherProtocol {
  private CityWeatherProtocol() {}

  /** Every message the grain takes (its own timers and replies to itself implement it too). */
  public interface Command extends CborSerializable {}

  /** Activates the grain wherever its shard lives; otherwise does nothing. */
  public enum Wake implements Command {
    INSTANCE
  }

  /** Stops polling (the city was removed). */
  public enum Stop implements Command {
    INSTANCE
  }

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /**
   * {@code state}: starting, waiting (for the call budget), reporting, or failing. {@code
   * nextPoll}: when its next poll starts (null while one is under way, {@code pollInFlight});
   * {@code failuresInRow}: failed polls since the last good one (each doubles the wait, up to a
   * cap).
   */
  public record Status(
      String cityId,
      String state,
      String silo,
      Instant lastReport,
      Float temperature,
      String lastError,
      Instant nextPoll,
      int failuresInRow,
      boolean pollInFlight)
      implements CborSerializable {}
}
