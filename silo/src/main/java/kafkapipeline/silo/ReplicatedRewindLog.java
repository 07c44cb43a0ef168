package kafkapipeline.silo;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * {@link RewindLog} in Pekko Distributed Data: one {@link LWWMap} from topic to entry, read and
 * written on this silo's replica ({@code readLocal}, {@code writeLocal}) and gossiped to the
 * others. A read never waits for another silo; a write is on every silo within the gossip interval
 * (2 s by default). Fails the stage only when the local replicator does not answer within {@code
 * timeout}.
 */
final class ReplicatedRewindLog implements RewindLog {
  static final Key<LWWMap<String, Entry>> KEY = LWWMapKey.create("topic-rewinds");

  private final ActorSystem<?> system;
  private final ActorRef<Replicator.Command> replicator;
  private final SelfUniqueAddress self;
  private final Duration timeout;

  ReplicatedRewindLog(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    DistributedData ddata = DistributedData.get(system);
    this.replicator = ddata.replicator();
    this.self = ddata.selfUniqueAddress();
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<Map<String, Entry>> all() {
    return AskPattern.<Replicator.Command, Replicator.GetResponse<LWWMap<String, Entry>>>ask(
            replicator,
            reply -> new Replicator.Get<>(KEY, Replicator.readLocal(), reply),
            timeout,
            system.scheduler())
        .thenApply(
            r -> {
              if (r instanceof Replicator.GetSuccess<LWWMap<String, Entry>> ok)
                return Map.copyOf(ok.get(KEY).getEntries());
              if (r instanceof Replicator.NotFound) return Map.of();
              throw new IllegalStateException("the rewind log could not be read: " + r);
            });
  }

  @Override
  public CompletionStage<Void> put(String topic, Entry entry) {
    return update(map -> map.put(self, topic, entry));
  }

  @Override
  public CompletionStage<Void> restore(String topic, String id, Entry previous) {
    return update(
        map -> {
          Entry now = map.getEntries().get(topic);
          if (now == null || !now.id().equals(id)) return map; // a later rewind's: keep it
          return previous == null ? map.remove(self, topic) : map.put(self, topic, previous);
        });
  }

  private CompletionStage<Void> update(
      Function<LWWMap<String, Entry>, LWWMap<String, Entry>> modify) {
    return AskPattern.<Replicator.Command, Replicator.UpdateResponse<LWWMap<String, Entry>>>ask(
            replicator,
            reply ->
                new Replicator.Update<>(
                    KEY, LWWMap.create(), Replicator.writeLocal(), reply, modify::apply),
            timeout,
            system.scheduler())
        .thenApply(
            r -> {
              if (r instanceof Replicator.UpdateSuccess) return null;
              throw new IllegalStateException("the rewind log could not be written: " + r);
            });
  }
}
