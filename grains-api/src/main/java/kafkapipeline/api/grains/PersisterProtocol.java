package kafkapipeline.api.grains;

import java.time.Instant;
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

  /** The persisters of one topic (one per silo), registered under this key too. */
  public static ServiceKey<Command> keyOf(String topic) {
    return ServiceKey.create(Command.class, "persisters-" + topic);
  }

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /**
   * A persister's state: its topic and table, the silo it runs on, whether its consumer runs
   * ({@code phase}), the partitions its consumer owns now (with what is in flight), how often its
   * stream restarted and why last, and the last rewind it resumed after (null if none since it
   * started).
   */
  public record Status(
      String topic,
      String table,
      String silo,
      Phase phase,
      List<PartitionState> partitions,
      long restarts,
      String lastError,
      Rewound lastRewind)
      implements CborSerializable {}

  /**
   * Whether a persister's consumer runs: {@code RUNNING}; {@code PAUSING} (a {@link Pause} is
   * draining it); {@code PAUSED} (its consumer is closed and out of the group, the actor waits for
   * a {@link Resume}).
   */
  public enum Phase {
    RUNNING,
    PAUSING,
    PAUSED
  }

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

  /**
   * Which rewind a {@link Pause} or {@link Resume} belongs to: an id its coordinator made (a UUID)
   * and the coordinator's silo (host:port), named to whoever it keeps out.
   */
  public record RewindId(String id, String coordinator) implements CborSerializable {}

  /**
   * Pauses for a rewind: the persister drains (what it read is written and committed, as at a
   * graceful stop), closes its consumer so that it leaves group {@code persister-<topic>}, and
   * stays alive, paused for {@code rewind}. {@code replyTo} hears {@link Paused} once the consumer
   * is closed (at once if it was paused for the same rewind already); a persister paused or pausing
   * for another rewind answers at once with {@link Paused#busyWith} that rewind and stays as it is.
   * A persister not told to {@link Resume} within {@code resumeAfterMillis} of the pause's arrival
   * (or, if its drain ends later, once it ends) resumes by itself, so a coordinator that died never
   * leaves a topic unread.
   */
  public record Pause(ActorRef<Paused> replyTo, RewindId rewind, long resumeAfterMillis)
      implements Command {}

  /**
   * A persister's answer to {@link Pause}: its topic and silo; {@code drained} false if its drain
   * ended on its timeout with records unwritten (they are read again after the resume); {@code
   * busyWith} null if it paused for the asking rewind, else the other rewind it is paused for (then
   * it did not pause for this one, and {@code drained} means nothing).
   */
  public record Paused(String topic, String silo, boolean drained, RewindId busyWith)
      implements CborSerializable {}

  /**
   * Starts a persister paused for {@code rewind} again, from the group's committed offsets; {@code
   * rewound} (null after a failed rewind) is kept for the status, so any silo can show the rewind's
   * progress. {@code replyTo} hears {@link Resumed}; a persister that runs answers at once. A
   * persister paused for another rewind ignores it (answers {@code resumed} false) and stays
   * paused.
   */
  public record Resume(ActorRef<Resumed> replyTo, RewindId rewind, Rewound rewound)
      implements Command {}

  /**
   * A persister's answer to {@link Resume}: {@code resumed} true if it runs (or will, once its
   * drain ends), false if it stays paused for another rewind.
   */
  public record Resumed(String topic, String silo, boolean resumed) implements CborSerializable {}

  /**
   * A rewind of a topic, as its coordinator made it: when ({@code at}), from which point ({@code
   * request}: {@code "from 2026-12-01T10:00:00Z"} or {@code "offset 0"}), and per partition the
   * offset the group was moved to and the end offset then.
   */
  public record Rewound(Instant at, String request, List<RewoundPartition> partitions)
      implements CborSerializable {}

  /** One partition of a {@link Rewound}: the group moved to {@code from}; {@code end} then. */
  public record RewoundPartition(int partition, long from, long end) implements CborSerializable {}
}
