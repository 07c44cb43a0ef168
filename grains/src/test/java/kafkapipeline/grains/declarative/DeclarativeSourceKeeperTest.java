package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The keeper wakes every stored source that can run, every round, and stops waking a deleted one.
 */
class DeclarativeSourceKeeperTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void wakesEveryRunnableStoredSourceEachRoundAndNotADeletedOne() {
    MemorySourceStore store = new MemorySourceStore();
    store.save(Fakes.launches("http://unused/", Duration.ofSeconds(1)));
    store.save(Fakes.recentChanges("http://unused/"));
    store.saveRaw("broken", "[]");
    TestProbe<String> woken = testKit.createTestProbe();
    testKit.spawn(
        DeclarativeSourceKeeper.create(store, Duration.ofMillis(100), woken.getRef()::tell));
    // Sorted by name in the store: changes, launches; "broken" cannot run.
    assertEquals(List.of("changes", "launches"), woken.receiveSeveralMessages(2));
    assertEquals(List.of("changes", "launches"), woken.receiveSeveralMessages(2));
    store.delete("launches");
    // A round may have read the store before the delete; within a few rounds only "changes".
    int changesInARow = 0;
    for (int received = 0; changesInARow < 4; received++) {
      assertTrue(received < 20, "a deleted source is still woken");
      changesInARow = woken.receiveMessage().equals("changes") ? changesInARow + 1 : 0;
    }
  }
}
