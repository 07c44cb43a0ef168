package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import org.junit.jupiter.api.Test;

/**
 * {@link Batches} over generated records of random sizes around the limits: the batches are the
 * records in order, none over the record or byte limit unless one record alone; and {@link
 * PollBudget} over generated reservations and closes: never more out than its capacity, all of it
 * back once every lease is closed.
 */
class BatchesAndBudgetPropertiesTest {
  @Test
  void batchesAreTheRecordsInOrderWithinBothLimits() {
    qt().withExamples(1_000)
        .forAll(
            lists().of(integers().between(0, 3_000)).ofSizeBetween(0, 60),
            integers().between(1, 10),
            integers().between(1, 5_000))
        .checkAssert(
            (sizes, maxRecords, maxBytes) -> {
              List<KeyedRecord> records = new ArrayList<>();
              for (int i = 0; i < sizes.size(); i++)
                records.add(new KeyedRecord("k" + i, new byte[sizes.get(i)]));
              List<List<KeyedRecord>> batches = Batches.split(records, maxRecords, maxBytes);
              assertEquals(records, batches.stream().flatMap(List::stream).toList());
              for (List<KeyedRecord> b : batches) {
                assertFalse(b.isEmpty());
                assertTrue(b.size() <= maxRecords);
                long bytes = b.stream().mapToLong(KeyedRecord::sizeBytes).sum();
                assertTrue(bytes <= maxBytes || b.size() == 1, bytes + " bytes in " + b.size());
              }
            });
  }

  @Test
  void theBudgetNeverLendsMoreThanItHasAndGetsAllBack() {
    qt().withExamples(1_000)
        .forAll(
            lists().of(integers().between(0, 1_000)).ofSizeBetween(1, 80),
            integers().between(0, 2_000))
        .checkAssert(
            (steps, capacity) -> {
              PollBudget budget = new PollBudget(capacity);
              List<PollBudget.Lease> leases = new ArrayList<>();
              long out = 0;
              List<Long> held = new ArrayList<>();
              for (int step : steps) {
                if (step % 7 == 0 && !leases.isEmpty()) { // close one
                  int which = step % leases.size();
                  leases.remove(which).close();
                  out -= held.remove(which);
                } else {
                  if (leases.isEmpty() || step % 3 == 0) {
                    leases.add(budget.lease());
                    held.add(0L);
                  }
                  int last = leases.size() - 1;
                  boolean granted = leases.get(last).reserve(step);
                  assertEquals(out + step <= capacity, granted);
                  if (granted) {
                    out += step;
                    held.set(last, held.get(last) + step);
                  }
                }
                assertEquals(capacity - out, budget.free());
              }
              for (PollBudget.Lease l : leases) {
                l.close();
                l.close(); // twice gives nothing more back
              }
              assertEquals((long) capacity, budget.free());
            });
  }
}
