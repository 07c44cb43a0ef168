package kafkapipeline.grains.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import kafkapipeline.api.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The origin header's parser against a model (a regular expression and {@link BigInteger}): any
 * bytes at all, and strings of the characters that matter, never throw and parse exactly when the
 * model says they spell an origin in range.
 */
class OriginTest {
  private static final Pattern SHAPE = Pattern.compile("[0-9]+:[0-9]+");

  /** What the model says {@code bytes} spell: the origin, or null. */
  private static Origin model(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    if (bytes.length > Origin.MAX_HEADER_BYTES || !SHAPE.matcher(text).matches()) return null;
    String[] parts = text.split(":");
    BigInteger partition = new BigInteger(parts[0]);
    BigInteger offset = new BigInteger(parts[1]);
    if (partition.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0
        || offset.compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0) return null;
    return new Origin(partition.intValueExact(), offset.longValueExact());
  }

  private static byte[] bytes(List<Integer> values) {
    byte[] out = new byte[values.size()];
    for (int i = 0; i < out.length; i++) out[i] = (byte) (int) values.get(i);
    return out;
  }

  @Test
  void everyOriginsHeaderParsesBackToIt() {
    qt().withExamples(5_000)
        .forAll(
            integers().from(0).upToAndIncluding(Integer.MAX_VALUE),
            longs().between(0, Long.MAX_VALUE))
        .checkAssert(
            (p, o) -> {
              Origin origin = new Origin(p, o);
              assertEquals(origin, Origin.parse(origin.header()));
              assertEquals(p + ":" + o, new String(origin.header(), StandardCharsets.US_ASCII));
            });
  }

  @Test
  void anyBytesParseAsTheModelSaysAndNeverThrow() {
    qt().withExamples(5_000)
        .forAll(lists().of(integers().between(-128, 127)).ofSizeBetween(0, 40))
        .checkAssert(
            values ->
                assertEquals(model(bytes(values)), Origin.parse(bytes(values)), values::toString));
  }

  @Test
  void nearMissesOfTheShapeParseAsTheModelSays() {
    // Digits, colons, signs, spaces, a non-ASCII digit byte: mostly almost-valid headers, also
    // ones just over the partition's or the offset's range.
    Gen<Integer> character =
        arbitrary()
            .pick(
                List.of(
                    (int) '0', (int) '1', (int) '7', (int) '9', (int) ':', (int) '-', (int) '+',
                    (int) ' ', 0xD9, (int) '2'));
    qt().withExamples(20_000)
        .forAll(lists().of(character).ofSizeBetween(0, 32))
        .checkAssert(
            values ->
                assertEquals(model(bytes(values)), Origin.parse(bytes(values)), values::toString));
  }

  @Test
  void theBoundsOfTheRange() {
    assertEquals(
        new Origin(Integer.MAX_VALUE, Long.MAX_VALUE),
        Origin.parse(
            (Integer.MAX_VALUE + ":" + Long.MAX_VALUE).getBytes(StandardCharsets.US_ASCII)));
    assertNull(Origin.parse("2147483648:0".getBytes(StandardCharsets.US_ASCII)));
    assertNull(Origin.parse("0:9223372036854775808".getBytes(StandardCharsets.US_ASCII)));
    assertNull(Origin.parse("-1:5".getBytes(StandardCharsets.US_ASCII)));
    assertNull(Origin.parse(":5".getBytes(StandardCharsets.US_ASCII)));
    assertNull(Origin.parse("5:".getBytes(StandardCharsets.US_ASCII)));
    assertNull(Origin.parse("1:2:3".getBytes(StandardCharsets.US_ASCII)));
    assertNull(Origin.parse(null));
    assertEquals(new Origin(0, 0), Origin.parse("0:0".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void aRecordsLastOriginHeaderCountsAndAMalformedOneIsNoOrigin() {
    ConsumerRecord<String, byte[]> none = new ConsumerRecord<>("t", 0, 9L, "k", new byte[0]);
    assertNull(Origin.of(none));
    ConsumerRecord<String, byte[]> two = new ConsumerRecord<>("t", 0, 9L, "k", new byte[0]);
    two.headers().add(Topics.ORIGIN_HEADER, "1:2".getBytes(StandardCharsets.US_ASCII));
    two.headers().add(Topics.ORIGIN_HEADER, "0:4".getBytes(StandardCharsets.US_ASCII));
    assertEquals(new Origin(0, 4), Origin.of(two));
    ConsumerRecord<String, byte[]> bad = new ConsumerRecord<>("t", 0, 9L, "k", new byte[0]);
    bad.headers().add(Topics.ORIGIN_HEADER, "3:4".getBytes(StandardCharsets.US_ASCII));
    bad.headers().add(Topics.ORIGIN_HEADER, null);
    assertNull(Origin.of(bad), "the last header is the one read, and a null value is no origin");
    assertArrayEquals("3:4".getBytes(StandardCharsets.US_ASCII), new Origin(3, 4).header());
  }

  @Test
  void anOriginThatCannotBeTheRecordsFirstPositionIsNone() {
    // Another partition: forged, or the topic was repartitioned.
    assertNull(Origin.of(withOrigin(0, 9L, "1:2")));
    // At or past the record's own offset: a replay always lands after where it first stood; a
    // forged "0:4000000000000" would otherwise give the row a write time no later version beats.
    assertNull(Origin.of(withOrigin(0, 9L, "0:9")));
    assertNull(Origin.of(withOrigin(0, 9L, "0:4000000000000")));
    assertEquals(new Origin(0, 8), Origin.of(withOrigin(0, 9L, "0:8")));
  }

  private static ConsumerRecord<String, byte[]> withOrigin(int partition, long offset, String h) {
    ConsumerRecord<String, byte[]> r =
        new ConsumerRecord<>("t", partition, offset, "k", new byte[0]);
    r.headers().add(Topics.ORIGIN_HEADER, h.getBytes(StandardCharsets.US_ASCII));
    return r;
  }
}
