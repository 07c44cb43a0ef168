package kafkapipeline.api.grains;

import java.time.Instant;
import kafkapipeline.api.CborSerializable;
import kafkapipeline.api.sources.SourceKind;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The grain interface of a declarative source grain ({@code
 * kafkapipeline.grains.declarative.DeclarativeSource}): the commands other modules send it and its
 * replies, kept apart from the grain's behaviour, as Orleans keeps grain interfaces apart from
 * grain classes.
 */
public final class DeclarativeSourceProtocol {
  private DeclarativeSourceProtocol() {}

  /** Every message the grain takes (its own timers and replies to itself implement it too). */
  public interface Command extends CborSerializable {}

  /** Activates the grain wherever its shard lives; otherwise does nothing. */
  public enum Wake implements Command {
    INSTANCE
  }

  /** Stops the grain (its spec was deleted, or its shard is handed off). */
  public enum Stop implements Command {
    INSTANCE
  }

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /** STARTING until the first success; STOPPED is how a caller shows a source with no grain. */
  public enum State {
    STARTING,
    RUNNING,
    BACKING_OFF,
    STOPPED
  }

  /**
   * Counts since the grain started. {@code position}: sse, the saved Last-Event-ID; http-poll, the
   * last ETag (else Last-Modified). {@code nextAttemptAt}: when the next poll or connection is due,
   * null while one is under way.
   */
  public record Status(
      String name,
      SourceKind kind,
      State state,
      long published,
      long malformed,
      long filtered,
      Instant lastEventAt,
      String lastError,
      Instant nextAttemptAt,
      String position)
      implements CborSerializable {}
}
