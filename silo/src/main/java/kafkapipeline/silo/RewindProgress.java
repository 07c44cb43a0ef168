package kafkapipeline.silo;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.grains.PersisterProtocol;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * How far the last rewind of each topic has been read again, as any silo sees it: the rewind is the
 * one the topic's persisters were resumed with (each keeps its last, so every silo's answer is the
 * same; a persister restarted since knows none), the progress is the group's committed offset of
 * each partition against the rewind's from and end offsets. Kafka is asked only when some topic has
 * a rewind. A rewind is {@code rewinding} until every partition's committed offset reaches the end
 * offset recorded at the rewind, then {@code done}; while one of its persisters is still paused it
 * is {@code paused}.
 */
final class RewindProgress {
  enum State {
    PAUSED,
    REWINDING,
    DONE;

    @JsonValue
    String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One topic's last rewind: when and how old (seconds), from which point, the records to read
   * again, those read so far and those remaining (null while Kafka does not answer), per partition.
   */
  record Progress(
      String topic,
      State state,
      Instant at,
      long ageSeconds,
      String request,
      long records,
      Long reread,
      Long remaining,
      List<PartitionProgress> partitions) {}

  record PartitionProgress(int partition, long from, long end, Long committed) {}

  private final ActorSystem<?> system;
  private final Duration askTimeout;
  private final KafkaLag lag;

  RewindProgress(ActorSystem<?> system, Duration askTimeout, KafkaLag lag) {
    this.system = system;
    this.askTimeout = askTimeout;
    this.lag = lag;
  }

  /** The progress of the last rewind of each of {@code topics} that has one, by topic. */
  CompletionStage<List<Progress>> of(List<String> topics) {
    return EverySilo.<PersisterProtocol.Command, PersisterProtocol.Status>ask(
            system, PersisterProtocol.KEY, PersisterProtocol.GetStatus::new, askTimeout)
        .thenCompose(
            statuses -> {
              Map<String, PersisterProtocol.Rewound> last = new TreeMap<>();
              Map<String, Boolean> paused = new TreeMap<>();
              for (PersisterProtocol.Status s : statuses) {
                if (!topics.contains(s.topic())) continue;
                if (s.phase() != PersisterProtocol.Phase.RUNNING) paused.put(s.topic(), true);
                PersisterProtocol.Rewound r = s.lastRewind();
                if (r == null) continue;
                last.merge(s.topic(), r, (a, b) -> a.at().isAfter(b.at()) ? a : b);
              }
              if (last.isEmpty()) return CompletableFuture.completedFuture(List.of());
              return lag.lag(List.copyOf(last.keySet()))
                  .exceptionally(e -> null)
                  .thenApply(lags -> progress(last, paused, lags, Instant.now()));
            });
  }

  /** Pure: the progress of each rewind against the lag rows (null: Kafka did not answer). */
  static List<Progress> progress(
      Map<String, PersisterProtocol.Rewound> rewinds,
      Map<String, Boolean> paused,
      List<KafkaLag.PartitionLag> lags,
      Instant now) {
    List<Progress> out = new ArrayList<>();
    rewinds.forEach(
        (topic, r) -> {
          long records = 0;
          long reread = 0;
          List<PartitionProgress> parts = new ArrayList<>();
          for (PersisterProtocol.RewoundPartition p :
              r.partitions().stream()
                  .sorted(Comparator.comparingInt(PersisterProtocol.RewoundPartition::partition))
                  .toList()) {
            Long committed = null;
            if (lags != null)
              for (KafkaLag.PartitionLag l : lags)
                if (l.topic().equals(topic) && l.partition() == p.partition())
                  committed = l.committed();
            long at = committed == null ? p.from() : committed;
            records += p.end() - p.from();
            reread += Math.max(0, Math.min(at, p.end()) - p.from());
            parts.add(new PartitionProgress(p.partition(), p.from(), p.end(), committed));
          }
          Long readSoFar = lags == null ? null : reread;
          Long remaining = lags == null ? null : records - reread;
          State state =
              paused.getOrDefault(topic, false)
                  ? State.PAUSED
                  : remaining != null && remaining == 0 ? State.DONE : State.REWINDING;
          out.add(
              new Progress(
                  topic,
                  state,
                  r.at(),
                  Math.max(0, Duration.between(r.at(), now).toSeconds()),
                  r.request(),
                  records,
                  readSoFar,
                  remaining,
                  parts));
        });
    return out;
  }
}
