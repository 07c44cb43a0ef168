package kafkapipeline.grains.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import kafkapipeline.api.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** A row's write time: its offset above every clock time, or its origin's for a replay. */
class WriteTimeTest {
  private static ConsumerRecord<String, byte[]> record(int partition, long offset, byte[] origin) {
    RecordHeaders headers = new RecordHeaders();
    if (origin != null) headers.add(Topics.ORIGIN_HEADER, origin);
    return new ConsumerRecord<>(
        "t",
        partition,
        offset,
        0L,
        TimestampType.CREATE_TIME,
        1,
        1,
        "k",
        new byte[] {1},
        headers,
        Optional.empty());
  }

  @Test
  void offsetsOrderWriteTimesAboveAnyClockTimeBefore2112() {
    qt().withExamples(5_000)
        .forAll(longs().between(0, Long.MAX_VALUE / 4), longs().between(0, Long.MAX_VALUE / 4))
        .checkAssert(
            (a, b) -> {
              long ta = WriteTime.of(record(0, a, null));
              long tb = WriteTime.of(record(0, b, null));
              assertEquals(Long.compare(a, b), Long.compare(ta, tb));
              // 2112-01-01 in microseconds: any row the driver's clock wrote is older.
              assertTrue(ta > 4_480_000_000L * 1_000_000L);
            });
  }

  @Test
  void aReplayTakesItsOriginsPositionOnItsOwnPartitionOnly() {
    assertEquals(WriteTime.BASE + 7, WriteTime.of(record(2, 900, ascii("2:7"))));
    assertEquals(WriteTime.BASE + 900, WriteTime.of(record(3, 900, ascii("2:7"))));
    for (String bad :
        new String[] {
          "",
          ":",
          "2:",
          ":7",
          "2:-7",
          "-2:7",
          "2:7:1",
          " 2:7",
          "2:7 ",
          "2:0x7",
          "2:99999999999999999999",
          "２:7"
        }) {
      assertEquals(WriteTime.BASE + 900, WriteTime.of(record(2, 900, ascii(bad))), bad);
    }
  }

  @Test
  void anyHeaderBytesGiveAWriteTimeAndNeverThrow() {
    qt().withExamples(20_000)
        .forAll(
            lists()
                .of(integers().between(0, 255))
                .ofSizeBetween(0, 48)
                .map(
                    list -> {
                      byte[] bytes = new byte[list.size()];
                      for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (int) list.get(i);
                      return bytes;
                    }),
            integers().between(0, 4),
            longs().between(0, 1L << 40))
        .checkAssert(
            (header, partition, offset) -> {
              long t = WriteTime.of(record(partition, offset, header));
              assertTrue(t >= WriteTime.BASE);
              kafkapipeline.grains.kafka.Origin parsed =
                  kafkapipeline.grains.kafka.Origin.parse(header);
              long origin =
                  parsed != null && parsed.partition() == partition && parsed.offset() < offset
                      ? parsed.offset()
                      : -1;
              assertEquals(origin >= 0 ? WriteTime.BASE + origin : WriteTime.BASE + offset, t);
              if (origin >= 0) {
                // Only a well-formed "<this partition>:<digits>" is taken.
                String text = new String(header, StandardCharsets.US_ASCII);
                assertTrue(text.matches("[0-9]+:[0-9]+"), text);
                assertEquals((long) partition, Long.parseLong(text.split(":")[0]));
                assertEquals((long) origin, Long.parseLong(text.split(":")[1]));
              }
            });
  }

  @Test
  void aWellFormedOriginIsTakenExactlyWhenItCanBeTheRecordsFirstPosition() {
    // Its own partition, before its own offset: a forged "0:4000000000000" on a record at offset
    // 1,000 would otherwise give its row a write time no later version could beat.
    qt().withExamples(5_000)
        .forAll(integers().between(0, 3), integers().between(0, 3), longs().between(0, 1L << 50))
        .checkAssert(
            (partition, named, origin) -> {
              long own = 1_000;
              long t = WriteTime.of(record(partition, own, ascii(named + ":" + origin)));
              boolean taken = named.equals(partition) && origin < own;
              assertEquals(WriteTime.BASE + (taken ? origin : own), t);
            });
  }

  @Test
  void aCoordinatorWithoutTheTableYetIsTransientABadRowIsNot() {
    assertTrue(RowWriter.isSchemaNotThereYet("unconfigured table fakerdata"));
    assertTrue(RowWriter.isSchemaNotThereYet("Keyspace kafkapipeline does not exist"));
    assertTrue(RowWriter.isSchemaNotThereYet("table kafkapipeline.launches does not exist"));
    assertFalse(RowWriter.isSchemaNotThereYet("Key may not be empty"));
    assertFalse(
        RowWriter.isSchemaNotThereYet("Undefined column name foo in table kafkapipeline.t"));
    assertFalse(RowWriter.isSchemaNotThereYet(null));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
