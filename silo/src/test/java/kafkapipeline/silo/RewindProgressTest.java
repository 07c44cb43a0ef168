package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import kafkapipeline.api.grains.PersisterProtocol;
import org.junit.jupiter.api.Test;

/**
 * The rewinds' progress comes from the rewind log, never from the persisters: Kafka is asked only
 * for rewinds still being read, a rewind read to its ends is marked done in the log (and Kafka is
 * not asked for it again), and a paused entry whose coordinator died is left out.
 */
class RewindProgressTest {
  private static final Duration ABANDONED_AFTER = Duration.ofSeconds(150);

  /** A rewind log in memory. */
  static final class MemoryLog implements RewindLog {
    final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Map<String, Entry>> all() {
      return CompletableFuture.completedFuture(Map.copyOf(entries));
    }

    @Override
    public CompletionStage<Void> put(String topic, Entry entry) {
      entries.put(topic, entry);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> restore(String topic, String id, Entry previous) {
      Entry now = entries.get(topic);
      if (now != null && now.id().equals(id)) {
        if (previous == null) entries.remove(topic);
        else entries.put(topic, previous);
      }
      return CompletableFuture.completedFuture(null);
    }
  }

  private static RewindLog.Entry entry(String id, RewindLog.State state, Instant at) {
    return new RewindLog.Entry(
        id,
        "silo-1",
        state,
        at,
        "offset 0",
        List.of(
            new PersisterProtocol.RewoundPartition(0, 0, 100),
            new PersisterProtocol.RewoundPartition(1, 0, 40)));
  }

  @Test
  void kafkaIsAskedOnlyForRewindsBeingReadAndADoneOneIsMarkedInTheLog() {
    MemoryLog log = new MemoryLog();
    Instant now = Instant.now();
    log.put("faker", entry("a", RewindLog.State.MOVED, now.minusSeconds(30)));
    log.put("spacex", entry("b", RewindLog.State.DONE, now.minusSeconds(3600)));
    log.put("weather", entry("c", RewindLog.State.PAUSED, now.minusSeconds(5)));
    log.put(
        "wikipedia",
        entry("d", RewindLog.State.PAUSED, now.minus(ABANDONED_AFTER).minusSeconds(1)));
    List<List<String>> asked = new ArrayList<>();
    List<KafkaLag.PartitionLag> lags = new ArrayList<>();
    lags.add(new KafkaLag.PartitionLag("faker", 0, 100, 50L, 50, "s1"));
    lags.add(new KafkaLag.PartitionLag("faker", 1, 40, 40L, 0, "s2"));
    RewindProgress progress =
        new RewindProgress(
            log,
            topics -> {
              asked.add(topics);
              return CompletableFuture.completedFuture(List.copyOf(lags));
            },
            ABANDONED_AFTER);
    List<String> all = List.of("faker", "spacex", "weather", "wikipedia");

    List<RewindProgress.Progress> first = progress.of(all).toCompletableFuture().join();
    assertEquals(List.of(List.of("faker")), asked, "only the rewind being read is asked for");
    assertEquals(
        List.of("faker rewinding 50", "spacex done 0", "weather paused null"),
        first.stream().map(p -> p.topic() + " " + p.state().json() + " " + p.remaining()).toList());
    assertEquals(RewindLog.State.MOVED, log.entries.get("faker").state());

    // Read to its ends: done, marked so, and Kafka is not asked for it again.
    lags.set(0, new KafkaLag.PartitionLag("faker", 0, 100, 100L, 0, "s1"));
    RewindProgress.Progress done =
        progress.of(List.of("faker")).toCompletableFuture().join().get(0);
    assertEquals(RewindProgress.State.DONE, done.state());
    assertEquals(140L, done.reread());
    assertEquals(RewindLog.State.DONE, log.entries.get("faker").state());
    asked.clear();
    done = progress.of(List.of("faker")).toCompletableFuture().join().get(0);
    assertEquals(RewindProgress.State.DONE, done.state());
    assertEquals(140L, done.reread());
    assertEquals(List.of(), asked);
  }

  @Test
  void withoutARewindKafkaIsNotAsked() {
    List<List<String>> asked = new ArrayList<>();
    RewindProgress progress =
        new RewindProgress(
            new MemoryLog(),
            topics -> {
              asked.add(topics);
              return CompletableFuture.completedFuture(List.of());
            },
            ABANDONED_AFTER);
    assertEquals(List.of(), progress.of(List.of("faker")).toCompletableFuture().join());
    assertEquals(List.of(), asked);
  }
}
