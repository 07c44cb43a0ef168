package kafkapipeline.silo;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.CborSerializable;
import kafkapipeline.api.grains.PersisterProtocol;

/**
 * The last rewind of each topic, as every silo knows it without asking anyone: the coordinator of a
 * rewind writes its entry when it pauses the persisters ({@link State#PAUSED}), when it has moved
 * the offsets and resumed them ({@link State#MOVED}), and any silo marks it {@link State#DONE} once
 * the group has committed up to the ends recorded at the rewind (then Kafka is no longer asked for
 * it). A rewind that failed puts back the entry it replaced.
 *
 * <p>So {@code GET /api/topics/rewinds} (the dashboard polls it) reads one local map: no request to
 * any persister, and Kafka only for rewinds still being read. {@link ReplicatedRewindLog} keeps it
 * in Pekko Distributed Data (a last-writer-wins map, gossiped to every silo within seconds; lost
 * only when every silo stops at once, like the persisters' own memory of it before).
 */
interface RewindLog {
  enum State {
    PAUSED,
    MOVED,
    DONE
  }

  /**
   * One topic's last rewind: its id, the silo that coordinated it, how far it got, when it began,
   * what was asked ({@code from ...} or {@code offset ...}) and, once moved, per partition the
   * offset it was moved to and the end offset then.
   */
  record Entry(
      String id,
      String coordinator,
      State state,
      Instant at,
      String request,
      List<PersisterProtocol.RewoundPartition> partitions)
      implements CborSerializable {
    Entry withState(State s) {
      return new Entry(id, coordinator, s, at, request, partitions);
    }
  }

  /** Every topic's last rewind, from this silo's copy. */
  CompletionStage<Map<String, Entry>> all();

  /** Makes {@code entry} the topic's last rewind. */
  CompletionStage<Void> put(String topic, Entry entry);

  /**
   * Puts {@code previous} back (none: removes the topic's entry) if the topic's entry is still the
   * rewind {@code id}'s: how a failed rewind undoes its {@link State#PAUSED} entry.
   */
  CompletionStage<Void> restore(String topic, String id, Entry previous);
}
