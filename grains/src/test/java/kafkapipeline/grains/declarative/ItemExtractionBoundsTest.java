package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.grains.declarative.ItemExtraction.Extraction;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import org.junit.jupiter.api.Test;

/**
 * The item limit of {@link ItemExtraction}: a document within it gives exactly its items, one over
 * it exactly one dead letter saying so, never more records than the limit; and a 30 MiB array of
 * small numbers (the document that took silos down) is refused with little memory allocated, as
 * parsing stops at the limit instead of building the document's tree.
 */
class ItemExtractionBoundsTest {
  private static final SourceSpec SPEC = Fakes.launches("http://unused/", Duration.ofSeconds(1));

  /** An array of {@code n} items: launches-like objects, or numbers (dead letters, no key). */
  private static byte[] array(int n, boolean numbers) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      if (i > 0) out.append(',');
      out.append(numbers && i % 3 == 1 ? String.valueOf(i % 10) : "{\"id\":\"l-" + i + "\"}");
    }
    return out.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aDocumentIsExactlyItsItemsOrOneDeadLetterOverTheLimit() {
    AtomicInteger within = new AtomicInteger();
    AtomicInteger over = new AtomicInteger();
    qt().withExamples(1_000)
        .forAll(integers().between(1, 60), integers().between(0, 120), integers().between(0, 1))
        .checkAssert(
            (cap, n, numbers) -> {
              Extraction e = ItemExtraction.document(array(n, numbers == 1), SPEC, cap);
              assertTrue(e.records().size() <= cap, "never more than the limit");
              if (n <= cap) {
                assertEquals(n, e.records().size());
                assertEquals(n, e.published() + e.malformed());
                for (int i = 0; i < n; i++) {
                  KeyedRecord r = e.records().get(i);
                  if (numbers == 1 && i % 3 == 1) assertTrue(r.deadLetterReason() != null);
                  else assertEquals("l-" + i, r.key());
                }
                within.incrementAndGet();
              } else {
                assertEquals(1, e.records().size());
                assertEquals(1, e.malformed());
                assertEquals(0, e.published());
                assertEquals(ItemExtraction.tooMany(cap, ""), e.problem());
                assertEquals(e.problem(), e.records().get(0).deadLetterReason());
                over.incrementAndGet();
              }
            });
    assertTrue(within.get() >= 200 && over.get() >= 200, within + " within, " + over + " over");
  }

  @Test
  void anEventOverTheLimitIsOneDeadLetterKeyedByItsId() {
    SourceSpec spec = Fakes.recentChanges("http://unused/");
    byte[] event = "[{\"meta\":{\"id\":\"a\"}},{\"meta\":{\"id\":\"b\"}}]".getBytes();
    assertEquals(2, ItemExtraction.event(event, spec, "[7]", 2).published());
    Extraction e = ItemExtraction.event(event, spec, "[7]", 1);
    assertEquals(1, e.malformed());
    assertEquals("[7]", e.records().get(0).key());
    assertTrue(e.problem().startsWith(ItemExtraction.TOO_MANY), e.problem());
  }

  @Test
  void thirtyMebibytesOfSmallNumbersStopAtTheLimitWithLittleMemory() {
    // Within the old 32 MiB body limit: the old code built its tree (15 million nodes) and a
    // record for each, over a gigabyte, and took the silo's 384 MB heap down.
    byte[] body = new byte[30 * 1024 * 1024];
    body[0] = '[';
    for (int i = 1; i < body.length - 1; i += 2) {
      body[i] = (byte) ('0' + (i / 2) % 10);
      body[i + 1] = ',';
    }
    body[body.length - 1] = ']';
    body[body.length - 2] = '9';
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(tid);
    Extraction e = ItemExtraction.document(body, SPEC, 10_000);
    long allocated = threads.getThreadAllocatedBytes(tid) - before;
    assertEquals(1, e.records().size());
    assertEquals(ItemExtraction.tooMany(10_000, ""), e.problem());
    assertTrue(e.records().get(0).value().length <= KeyedRecord.DEAD_LETTER_HEAD_BYTES);
    assertTrue(allocated < 16L * 1024 * 1024, allocated + " bytes allocated for a 30 MiB body");
    // Within the limit it is read whole, and each number is a dead letter (no key).
    Extraction small = ItemExtraction.document(array(10_000, true), SPEC, 10_000);
    assertEquals(10_000, small.records().size());
    assertNull(small.records().get(0).deadLetterReason());
  }
}
