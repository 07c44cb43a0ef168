package kafkapipeline.grains.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.cassandra.DeadLetterStore.DeadLetter;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import kafkapipeline.grains.kafka.Origin;
import kafkapipeline.grains.persist.BatchTriage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** What a replayed dead letter is published as: its first position kept through every replay. */
class DeadLetterReplayTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void aFirstDeadLetterGoesBackToWhereItStoodWithThatAsItsOrigin() {
    DeadLetter d = new DeadLetter("faker", 3, 120L, "k", new byte[] {1}, "X", "bad", NOW);
    KeyedRecord r = DeadLetterStore.replayed(d);
    assertEquals(new Origin(3, 120L), r.origin());
    assertEquals("k", r.key());
    assertNull(r.deadLetterReason());
  }

  @Test
  void aReplayOfAReplayKeepsTheFirstOrigin() {
    ConsumerRecord<String, byte[]> again =
        new ConsumerRecord<>("faker", 3, 900L, "k", new byte[] {1});
    again.headers().add(Topics.ORIGIN_HEADER, "3:120".getBytes(StandardCharsets.US_ASCII));
    DeadLetter d = DeadLetter.of(again, "X", "still bad", NOW);
    assertEquals(new Origin(3, 120L), d.origin());
    assertEquals(900L, d.offset());
    assertEquals(new Origin(3, 120L), DeadLetterStore.replayed(d).origin());
  }

  @Test
  void aMalformedOriginHeaderMakesTheFailedPositionTheFirst() {
    ConsumerRecord<String, byte[]> hostile = new ConsumerRecord<>("faker", 1, 55L, "k", null);
    hostile.headers().add(Topics.ORIGIN_HEADER, "1:-5\u0000".getBytes(StandardCharsets.UTF_8));
    DeadLetter d = DeadLetter.of(hostile, "X", "bad", NOW);
    assertNull(d.origin());
    assertEquals(new Origin(1, 55L), DeadLetterStore.replayed(d).origin());
  }

  @Test
  void aSourceMarkedDeadLetterKeepsItsMarkAndOrigin() {
    DeadLetter d =
        new DeadLetter(
            "wikipedia",
            0,
            7L,
            "k",
            new byte[] {1},
            BatchTriage.SOURCE_DEAD_LETTER,
            "too large",
            NOW,
            new Origin(0, 2L));
    KeyedRecord r = DeadLetterStore.replayed(d);
    assertEquals("too large", r.deadLetterReason());
    assertEquals(new Origin(0, 2L), r.origin());
  }
}
