package kafkapipeline.grains.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.cassandra.DeadLetterStore.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class BatchTriageTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
  private static final int MAX_BYTES = 64;

  /** What the stand-in mapper does with a record: its first byte decides. */
  private static final Function<ConsumerRecord<String, byte[]>, String> MAPPER =
      record -> {
        byte[] value = record.value();
        int what = value.length == 0 ? 0 : Byte.toUnsignedInt(value[0]) % 6;
        return switch (what) {
          case 0 -> throw new MalformedEventException("malformed");
          case 1 -> throw new ArithmeticException("long overflow");
          case 2 -> throw new NullPointerException();
          case 3 -> throw new IllegalStateException("bug");
          case 4 -> null; // a mapper that makes no row is a dead letter too
          default -> "row:" + record.key();
        };
      };

  private static ConsumerRecord<String, byte[]> record(long offset, byte[] value, String header) {
    RecordHeaders headers = new RecordHeaders();
    if (header != null)
      headers.add(Topics.DEAD_LETTER_HEADER, header.getBytes(StandardCharsets.UTF_8));
    return new ConsumerRecord<>(
        "faker",
        (int) (offset % 3),
        offset,
        0L,
        TimestampType.CREATE_TIME,
        -1,
        -1,
        "k" + offset,
        value,
        headers,
        Optional.empty());
  }

  /** Records of every kind: tombstones, marked, oversized, and values the mapper throws on. */
  private static Gen<List<ConsumerRecord<String, byte[]>>> batches() {
    Gen<int[]> spec =
        integers()
            .between(0, 9)
            .zip(
                integers().between(0, 255),
                integers().between(0, 2 * MAX_BYTES),
                (kind, first, length) -> new int[] {kind, first, length});
    return lists()
        .of(spec)
        .ofSizeBetween(0, 40)
        .map(
            specs -> {
              List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
              for (int i = 0; i < specs.size(); i++) {
                int[] s = specs.get(i);
                byte[] value = new byte[s[2]];
                if (value.length > 0) value[0] = (byte) s[1];
                out.add(
                    switch (s[0]) {
                      case 0 -> record(i, null, null);
                      case 1 -> record(i, value, "too big at the source");
                      case 2 -> record(i, null, "");
                      default -> record(i, value, null);
                    });
              }
              return out;
            });
  }

  @Test
  void everyRecordBecomesExactlyOneOutcomeAndNothingThrows() {
    qt().withExamples(5_000)
        .forAll(batches())
        .checkAssert(
            batch -> {
              BatchTriage.Outcome<String> out = BatchTriage.sort(batch, MAPPER, MAX_BYTES, NOW);
              assertEquals(
                  batch.size(),
                  out.rows().size() + out.deadLetters().size() + out.tombstones().size());
              assertEquals(out.rows().size(), out.rowRecords().size());
              Set<Long> seen = new HashSet<>();
              out.rowRecords().forEach(r -> assertTrue(seen.add(r.offset())));
              out.deadLetters().forEach(d -> assertTrue(seen.add(d.offset())));
              out.tombstones().forEach(r -> assertTrue(seen.add(r.offset())));
              for (DeadLetter d : out.deadLetters()) {
                assertTrue(
                    d.errorClass() != null && !d.errorClass().isEmpty(),
                    "dead letter without its error class");
                assertTrue(d.error() != null, "dead letter without a reason");
              }
              // Rows keep record order.
              for (int i = 1; i < out.rowRecords().size(); i++) {
                assertTrue(out.rowRecords().get(i - 1).offset() < out.rowRecords().get(i).offset());
              }
            });
  }

  @Test
  void eachKindOfRecordGoesWhereItBelongs() {
    byte[] good = {5, 1, 2};
    List<ConsumerRecord<String, byte[]>> batch =
        List.of(
            record(0, good, null),
            record(1, null, null),
            record(2, new byte[] {1}, null),
            record(3, new byte[MAX_BYTES + 1], null),
            record(4, good, "event of 2000000 bytes exceeds the event limit"),
            record(5, new byte[] {2}, null),
            record(6, new byte[] {0}, null));
    BatchTriage.Outcome<String> out = BatchTriage.sort(batch, MAPPER, MAX_BYTES, NOW);
    assertEquals(List.of("row:k0"), out.rows());
    assertEquals(List.of(1L), out.tombstones().stream().map(ConsumerRecord::offset).toList());
    assertEquals(
        List.of(
            "2 ArithmeticException long overflow",
            "3 RecordTooLarge record of 65 bytes exceeds max-record-bytes (64)",
            "4 SourceDeadLetter event of 2000000 bytes exceeds the event limit",
            "5 NullPointerException null",
            "6 MalformedEventException malformed"),
        out.deadLetters().stream()
            .map(d -> d.offset() + " " + d.errorClass() + " " + d.error())
            .toList());
    DeadLetter marked = out.deadLetters().get(2);
    assertEquals("faker", marked.topic());
    assertEquals("k4", marked.key());
    assertEquals(NOW, marked.failedAt());
    assertEquals(
        List.of((byte) 5, (byte) 1, (byte) 2),
        List.of(marked.payload()[0], marked.payload()[1], marked.payload()[2]));
  }

  @Test
  void aHugeReasonIsCutToItsStart() {
    String huge = "x".repeat(200_000);
    BatchTriage.Outcome<String> out =
        BatchTriage.sort(
            List.of(record(0, new byte[] {5}, huge), record(1, new byte[] {1}, null)),
            record -> {
              throw new IllegalArgumentException(huge);
            },
            MAX_BYTES,
            NOW);
    for (DeadLetter d : out.deadLetters()) {
      assertEquals("x".repeat(BatchTriage.MAX_REASON_CHARS) + "… (200000 characters)", d.error());
    }
    assertEquals(2, out.deadLetters().size());
  }
}
