package kafkapipeline.api.grains;

import kafkapipeline.api.CborSerializable;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The grain interface of a topic persister ({@code kafkapipeline.grains.persist.TopicPersister}):
 * the commands other modules send it and its replies, kept apart from the grain's behaviour, as
 * Orleans keeps grain interfaces apart from grain classes.
 */
public final class PersisterProtocol {
  private PersisterProtocol() {}

  /** Every message the grain takes (its own timers and replies to itself implement it too). */
  public interface Command extends CborSerializable {}

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  public record Status(String topic, String table, long restarts, String lastError)
      implements CborSerializable {}

  /**
   * Drains (what was read is written and committed, as at the silo's graceful stop) and then stops:
   * for a source removed at run time. {@code replyTo} hears {@code Done} once stopped.
   */
  public record Stop(ActorRef<Done> replyTo) implements Command {}
}
