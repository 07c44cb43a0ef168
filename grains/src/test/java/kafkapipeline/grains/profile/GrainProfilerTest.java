package kafkapipeline.grains.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The recorder itself: bucket placement at and around every edge (and over generated durations),
 * snapshots that add up, and recording that allocates nothing after a class's first message.
 */
class GrainProfilerTest {
  private static final List<Long> EDGES_NANOS =
      GrainProfiler.BOUNDS_MICROS.stream().map(m -> m * 1000).toList();

  /** The bucket by the definition: the count of bounds strictly below the duration. */
  private static int expectedBucket(long nanos) {
    int i = 0;
    for (long edge : EDGES_NANOS) if (nanos > edge) i++;
    return i;
  }

  @Test
  void theBucketsAreTheOnesAskedFor() {
    assertEquals(
        List.of(
            1L,
            2L,
            5L,
            10L,
            20L,
            50L,
            100L,
            200L,
            500L,
            1_000L,
            2_000L,
            5_000L,
            10_000L,
            20_000L,
            50_000L,
            100_000L,
            200_000L,
            500_000L,
            1_000_000L,
            2_000_000L,
            5_000_000L,
            10_000_000L),
        GrainProfiler.BOUNDS_MICROS);
    assertEquals(23, GrainProfiler.BUCKETS);
  }

  @Test
  void aDurationOnAnEdgeIsInTheBucketOfThatBound() {
    assertEquals(0, GrainProfiler.bucketOf(-5));
    assertEquals(0, GrainProfiler.bucketOf(0));
    for (int i = 0; i < EDGES_NANOS.size(); i++) {
      long edge = EDGES_NANOS.get(i);
      assertEquals(i, GrainProfiler.bucketOf(edge), "on bound " + edge);
      assertEquals(i, GrainProfiler.bucketOf(edge - 1), "just under bound " + edge);
      assertEquals(i + 1, GrainProfiler.bucketOf(edge + 1), "just over bound " + edge);
    }
    assertEquals(GrainProfiler.BUCKETS - 1, GrainProfiler.bucketOf(Long.MAX_VALUE));
  }

  @Test
  void generatedDurationsFallInTheirBucket() {
    qt().withExamples(20_000)
        .forAll(longs().between(-1_000, 200_000_000L))
        .checkAssert(n -> assertEquals(expectedBucket(n), GrainProfiler.bucketOf(n), "" + n));
    // Near the edges, where an off-by-one would show.
    qt().withExamples(5_000)
        .forAll(integers().between(0, EDGES_NANOS.size() - 1), integers().between(-3, 3))
        .checkAssert(
            (edge, offset) -> {
              long n = EDGES_NANOS.get(edge) + offset;
              assertEquals(expectedBucket(n), GrainProfiler.bucketOf(n), "" + n);
            });
  }

  @Test
  void recordedDurationsAddUpInTheSnapshot() {
    qt().withExamples(2_000)
        .forAll(
            lists().of(longs().between(0, 100_000_000L)).ofSizeBetween(0, 60),
            integers().between(0, 5))
        .checkAssert(
            (durations, failed) -> {
              GrainProfiler p = new GrainProfiler();
              GrainProfiler.Grain g = p.grain("g");
              long[] expected = new long[GrainProfiler.BUCKETS];
              long sum = 0;
              for (int i = 0; i < durations.size(); i++) {
                long d = durations.get(i);
                g.recorder(String.class).record(d, i < failed);
                expected[expectedBucket(d)]++;
                sum += d;
              }
              g.recorder(Integer.class).record(1, false);
              GrainProfile profile = p.snapshot();
              GrainProfile.Entry other = profile.grains().get(0);
              assertEquals("Integer", other.message());
              assertEquals(1, other.messages());
              if (durations.isEmpty()) {
                assertEquals(1, profile.grains().size());
                return;
              }
              GrainProfile.Entry e = profile.grains().get(1);
              assertEquals("String", e.message());
              assertEquals(durations.size(), e.messages());
              assertEquals(Math.min(failed, durations.size()), e.failures());
              assertEquals(sum, e.nanos());
              List<Long> buckets = new ArrayList<>();
              for (long c : expected) buckets.add(c);
              assertEquals(buckets, e.buckets());
            });
  }

  @Test
  void aReportedFailureCountsWithoutAMessage() {
    GrainProfiler p = new GrainProfiler();
    p.grain("g").recorder(String.class).record(10, false);
    p.grain("g").failure(String.class);
    GrainProfile.Entry e = p.snapshot().grains().get(0);
    assertEquals(1, e.messages());
    assertEquals(1, e.failures());
  }

  @Test
  void messagesAreNamedByTheirSimpleClassName() {
    assertEquals("String", GrainProfiler.messageName(String.class));
    assertEquals("Entry", GrainProfiler.messageName(GrainProfile.Entry.class));
    assertEquals("WithBody", GrainProfiler.messageName(ProfiledTest.WithBody.ONE.getClass()));
    Runnable lambda = () -> {};
    assertTrue(
        GrainProfiler.messageName(lambda.getClass()).startsWith("GrainProfilerTest$$Lambda"),
        GrainProfiler.messageName(lambda.getClass()));
    Object anonymous = new Object() {};
    assertEquals("GrainProfilerTest$1", GrainProfiler.messageName(anonymous.getClass()));
  }

  @Test
  void recordingAllocatesNothingAfterAClasssFirstMessage() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    GrainProfiler.Grain g = new GrainProfiler().grain("hot");
    long id = Thread.currentThread().getId();
    Class<?>[] classes = {String.class, Integer.class, Long.class};
    // Warm up: first lookups create the recorders, and the JIT compiles the loop.
    for (int i = 0; i < 200_000; i++) g.recorder(classes[i % 3]).record(i % 70_000_000, i % 7 == 0);
    long before = threads.getThreadAllocatedBytes(id);
    int n = 1_000_000;
    for (int i = 0; i < n; i++) g.recorder(classes[i % 3]).record(i % 70_000_000, i % 7 == 0);
    long allocated = threads.getThreadAllocatedBytes(id) - before;
    // One allocated object per million messages would be 16 bytes; the call itself costs 0-48.
    assertTrue(allocated < 1024, "allocated " + allocated + " bytes for " + n + " messages");
  }
}
