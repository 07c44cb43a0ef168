package kafkapipeline.api.grains;

import java.util.List;
import kafkapipeline.api.CborSerializable;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The grain interface of a topic persister ({@code kafkapipeline.grains.persist.TopicPersister}):
 * the commands other modules send it and its replies, kept apart from the grain's behaviour, as
 * Orleans keeps grain interfaces apart from grain classes.
 */
public final class PersisterProtocol {
  private PersisterProtocol() {}

  /** Every message the grain takes (its own timers and replies to itself implement it too). */
  public interface Command extends CborSerializable {}

  /**
   * Every silo's persisters register under this key, so one silo's API can ask the persisters of a
   * topic on all silos.
   */
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "persisters");

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /**
   * A persister's state: its topic and table, the silo it runs on, the partitions its consumer owns
   * now (with what is in flight), how often its stream restarted and why last.
   */
  public record Status(
      String topic,
      String table,
      String silo,
      List<PartitionState> partitions,
      long restarts,
      String lastError)
      implements CborSerializable {}

  /**
   * One partition a persister's consumer holds. {@code state}: owned, or draining (being handed
   * over in a rebalance). {@code startedAt}: the offset it was assigned at; {@code admitted}: the
   * last record taken into the stream; {@code written}: every record up to it is in Cassandra (or a
   * dead letter); {@code inFlight}: records taken in and not yet written.
   */
  public record PartitionState(
      int partition, String state, long startedAt, long admitted, long written, long inFlight)
      implements CborSerializable {}

  /**
   * Drains (what was read is written and committed, as at the silo's graceful stop) and then stops:
   * for a source removed at run time. {@code replyTo} hears {@code Done} once stopped.
   */
  public record Stop(ActorRef<Done> replyTo) implements Command {}
}
