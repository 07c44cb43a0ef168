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
import java.util.function.Function;
import kafkapipeline.api.grains.PersisterProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the last rewind of each topic has been read again, as any silo sees it: the rewind is the
 * topic's entry in the {@link RewindLog} (this silo's copy: no persister is asked), the progress is
 * the group's committed offset of each partition against the rewind's from and end offsets. Kafka
 * is asked only for rewinds still being read ({@link RewindLog.State#MOVED}): one found read to its
 * ends is marked {@link RewindLog.State#DONE} in the log and shown from it from then on. A rewind
 * is {@code paused} while its coordinator pauses the persisters and moves the offsets, {@code
 * rewinding} until every partition's committed offset reaches the end offset recorded at the
 * rewind, then {@code done}. A {@code paused} entry older than {@code abandonedAfter} is left out:
 * its coordinator died mid-way and the persisters resumed by themselves.
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

  /**
   * A partition's rewind; {@code committed} null when Kafka was not asked (done) or did not answer.
   */
  record PartitionProgress(int partition, long from, long end, Long committed) {}

  private static final Logger log = LoggerFactory.getLogger(RewindProgress.class);

  private final RewindLog rewinds;
  private final Function<List<String>, CompletionStage<List<KafkaLag.PartitionLag>>> lag;
  private final Duration abandonedAfter;

  /**
   * {@code lag}: the lag rows of the given topics' groups ({@link KafkaLag#lag}); {@code
   * abandonedAfter}: how long a paused persister waits for its coordinator.
   */
  RewindProgress(
      RewindLog rewinds,
      Function<List<String>, CompletionStage<List<KafkaLag.PartitionLag>>> lag,
      Duration abandonedAfter) {
    this.rewinds = rewinds;
    this.lag = lag;
    this.abandonedAfter = abandonedAfter;
  }

  /** The progress of the last rewind of each of {@code topics} that has one, by topic. */
  CompletionStage<List<Progress>> of(List<String> topics) {
    return rewinds
        .all()
        .exceptionally(
            e -> {
              log.warn("Rewind progress: the rewind log did not answer: {}", e.toString());
              return Map.of();
            })
        .thenCompose(
            all -> {
              Instant now = Instant.now();
              Map<String, RewindLog.Entry> shown = new TreeMap<>();
              all.forEach(
                  (topic, e) -> {
                    if (!topics.contains(topic)) return;
                    if (e.state() == RewindLog.State.PAUSED
                        && e.at().plus(abandonedAfter).isBefore(now)) return;
                    shown.put(topic, e);
                  });
              List<String> reading =
                  shown.entrySet().stream()
                      .filter(e -> e.getValue().state() == RewindLog.State.MOVED)
                      .map(Map.Entry::getKey)
                      .toList();
              if (reading.isEmpty())
                return CompletableFuture.completedFuture(progress(shown, List.of(), now));
              return lag.apply(reading)
                  .exceptionally(e -> null)
                  .thenApply(
                      lags -> {
                        List<Progress> out = progress(shown, lags, now);
                        for (Progress p : out)
                          if (p.state() == State.DONE && reading.contains(p.topic()))
                            markDone(p.topic(), shown.get(p.topic()));
                        return out;
                      });
            });
  }

  /** From now on the rewind is shown as done without asking Kafka (a failure: asked again). */
  private void markDone(String topic, RewindLog.Entry e) {
    rewinds
        .put(topic, e.withState(RewindLog.State.DONE))
        .whenComplete(
            (ok, error) -> {
              if (error != null)
                log.warn(
                    "Rewind of {} read again, but not marked done: {}", topic, error.toString());
            });
  }

  /**
   * Pure: the progress of each rewind against the lag rows of those being read ({@code lags} null:
   * Kafka did not answer).
   */
  static List<Progress> progress(
      Map<String, RewindLog.Entry> rewinds, List<KafkaLag.PartitionLag> lags, Instant now) {
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
            if (lags != null && r.state() == RewindLog.State.MOVED)
              for (KafkaLag.PartitionLag l : lags)
                if (l.topic().equals(topic) && l.partition() == p.partition())
                  committed = l.committed();
            long at =
                r.state() == RewindLog.State.DONE
                    ? p.end()
                    : committed == null ? p.from() : committed;
            records += p.end() - p.from();
            reread += Math.max(0, Math.min(at, p.end()) - p.from());
            parts.add(new PartitionProgress(p.partition(), p.from(), p.end(), committed));
          }
          // Paused: the offsets are not moved yet, so nothing is known to read.
          boolean known =
              r.state() == RewindLog.State.DONE
                  || (r.state() == RewindLog.State.MOVED && lags != null);
          Long readSoFar = known ? reread : null;
          Long remaining = known ? records - reread : null;
          State state =
              switch (r.state()) {
                case PAUSED -> State.PAUSED;
                case DONE -> State.DONE;
                case MOVED -> remaining != null && remaining == 0 ? State.DONE : State.REWINDING;
              };
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
