package kafkapipeline.grains.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The race of a resume with the silo's stop: whichever comes first, the stream the resume makes is
 * either drained by the stop or refused (and ended by its maker), never left running.
 */
class StreamSlotTest {
  @Test
  void aStreamSetAfterTheStopIsRefused() {
    StreamSlot<String> slot = new StreamSlot<>();
    slot.set("first");
    slot.clear(); // paused
    // The silo's stop runs while paused: nothing to drain ...
    assertEquals(null, slot.stop());
    // ... and the resume, whose check came before the stop, makes a stream: refused.
    assertFalse(slot.set("resumed"));
    assertEquals(null, slot.get());
    assertTrue(slot.stopped());
  }

  @Test
  void aStreamSetBeforeTheStopIsTheStopsToDrain() {
    StreamSlot<String> slot = new StreamSlot<>();
    assertTrue(slot.set("resumed"));
    assertEquals("resumed", slot.stop());
    assertFalse(slot.set("again"));
  }
}
