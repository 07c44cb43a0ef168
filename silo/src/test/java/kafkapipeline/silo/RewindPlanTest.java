package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import kafkapipeline.api.grains.PersisterProtocol;
import kafkapipeline.silo.RewindPlan.FromTime;
import kafkapipeline.silo.RewindPlan.Move;
import kafkapipeline.silo.RewindPlan.Moves;
import kafkapipeline.silo.RewindPlan.PartitionOffsets;
import kafkapipeline.silo.RewindPlan.Refused;
import kafkapipeline.silo.RewindPlan.ToOffset;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The retention rule and the moves of a rewind ({@link RewindPlan}), by properties over any
 * partitions' offsets: a rewind is refused exactly when records of its point may be gone, and
 * otherwise moves every partition back within its log, never past what the group had read.
 */
class RewindPlanTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final long HOUR = 3_600_000L;

  /** A partition's offsets: log start <= committed <= end (committed sometimes none). */
  private static Gen<PartitionOffsets> partition(int id) {
    return longs()
        .between(0, 1_000)
        .zip(
            longs().between(0, 1_000),
            longs().between(0, 1_000),
            integers().between(0, 4),
            (logStart, length, read, kind) -> {
              long end = logStart + length;
              Long committed = kind == 0 ? null : Math.min(end, logStart + read);
              // The time's offset: none (-1), or one within the log.
              Long forTime = kind == 1 ? -1L : logStart + (read % (length + 1));
              return new PartitionOffsets(id, logStart, end, committed, forTime);
            });
  }

  private static Gen<List<PartitionOffsets>> partitions() {
    return lists()
        .of(partition(0))
        .ofSizeBetween(1, 6)
        .map(
            ps -> {
              // Renumbered 0..n-1: a topic's partitions are distinct.
              List<PartitionOffsets> out = new java.util.ArrayList<>();
              for (int i = 0; i < ps.size(); i++) {
                PartitionOffsets p = ps.get(i);
                out.add(new PartitionOffsets(i, p.logStart(), p.end(), p.committed(), p.forTime()));
              }
              return out;
            });
  }

  private static void assertMovesAreWithinTheLogAndBackwards(
      List<PartitionOffsets> ps, Moves moves) {
    assertEquals(ps.size(), moves.moves().size());
    long total = 0;
    for (int i = 0; i < ps.size(); i++) {
      PartitionOffsets p = ps.get(i);
      Move m = moves.moves().get(i);
      assertEquals(p.partition(), m.partition());
      assertTrue(m.from() >= p.logStart() && m.from() <= p.end(), m + " within " + p);
      if (p.committed() != null) assertTrue(m.from() <= p.committed(), m + " skips past " + p);
      assertEquals(p.end() - m.from(), m.records());
      assertEquals(p.committed(), m.committedBefore());
      total += m.records();
    }
    assertEquals(total, moves.records());
  }

  @Test
  void anOffsetIsRefusedExactlyWhenItIsBelowAPartitionsEarliestOffset() {
    qt().withExamples(3_000)
        .forAll(partitions(), longs().between(0, 2_500))
        .checkAssert(
            (ps, offset) -> {
              RewindPlan.Verdict v = RewindPlan.plan("t", new ToOffset(offset), NOW, HOUR, ps);
              boolean gone = ps.stream().anyMatch(p -> offset < p.logStart());
              if (gone) {
                String reason = ((Refused) v).reason();
                assertTrue(reason.contains("earliest offset"), reason);
                assertTrue(reason.contains("retention.ms=3600000"), reason);
              } else {
                Moves moves = (Moves) v;
                assertMovesAreWithinTheLogAndBackwards(ps, moves);
                for (int i = 0; i < ps.size(); i++) {
                  PartitionOffsets p = ps.get(i);
                  long ceiling = p.committed() == null ? p.end() : p.committed();
                  assertEquals(Math.min(offset, ceiling), moves.moves().get(i).from());
                }
              }
            });
  }

  @Test
  void aTimeIsRefusedWhenOlderThanTheRetentionOrWhenItsRecordsMayBeGone() {
    qt().withExamples(3_000)
        .forAll(partitions(), longs().between(0, 3 * HOUR), longs().between(-1, 2 * HOUR))
        .checkAssert(
            (ps, ago, retention) -> {
              Instant at = NOW.minusMillis(ago);
              RewindPlan.Verdict v = RewindPlan.plan("t", new FromTime(at), NOW, retention, ps);
              boolean tooOld = retention >= 0 && ago > retention;
              boolean atTheStart =
                  ps.stream()
                      .anyMatch(
                          p ->
                              p.logStart() > 0
                                  && p.forTime() == p.logStart()
                                  && p.end() > p.logStart());
              if (tooOld || atTheStart) {
                String reason = ((Refused) v).reason();
                assertTrue(reason.contains("retention"), reason);
                if (tooOld) assertTrue(reason.contains("older than the retention"), reason);
              } else {
                Moves moves = (Moves) v;
                assertMovesAreWithinTheLogAndBackwards(ps, moves);
                for (int i = 0; i < ps.size(); i++) {
                  PartitionOffsets p = ps.get(i);
                  long wanted = p.forTime() < 0 ? p.end() : p.forTime();
                  long ceiling = p.committed() == null ? p.end() : p.committed();
                  assertEquals(Math.min(wanted, ceiling), moves.moves().get(i).from());
                }
              }
            });
  }

  @Test
  void examples() {
    List<PartitionOffsets> ps =
        List.of(new PartitionOffsets(1, 0, 50, 50L, 20L), new PartitionOffsets(0, 0, 70, 70L, 30L));
    Moves moves = (Moves) RewindPlan.plan("faker", new FromTime(NOW), NOW, 604_800_000L, ps);
    assertEquals(
        List.of(new Move(0, 30, 70L, 70), new Move(1, 20, 50L, 50)), moves.moves(), "sorted");
    assertEquals(70, moves.records());
    assertEquals(
        "from 2026-12-01T12:00:01Z is in the future",
        ((Refused)
                RewindPlan.plan("faker", new FromTime(NOW.plusSeconds(1)), NOW, 604_800_000L, ps))
            .reason());
    // Kept forever: any past time is within the retention.
    assertTrue(RewindPlan.plan("faker", new FromTime(Instant.EPOCH), NOW, -1, ps) instanceof Moves);
    String refused =
        ((Refused)
                RewindPlan.plan(
                    "faker",
                    new ToOffset(5),
                    NOW,
                    HOUR,
                    List.of(new PartitionOffsets(0, 10, 70, 70L, null))))
            .reason();
    assertEquals(
        "offset 5 is below partition 0's earliest offset 10: the records before it were deleted"
            + " (topic faker's retention is retention.ms=3600000 (PT1H))",
        refused);
  }

  @Test
  void progressCountsTheRecordsReadAgainAgainstTheEndsRecordedAtTheRewind() {
    RewindLog.Entry r =
        new RewindLog.Entry(
            "r1",
            "silo-1",
            RewindLog.State.MOVED,
            NOW.minusSeconds(90),
            "offset 0",
            List.of(
                new PersisterProtocol.RewoundPartition(0, 10, 110),
                new PersisterProtocol.RewoundPartition(1, 0, 50)));
    List<KafkaLag.PartitionLag> lags =
        List.of(
            new KafkaLag.PartitionLag("faker", 0, 120, 60L, 60, "s1"),
            new KafkaLag.PartitionLag("faker", 1, 50, 50L, 0, "s2"));
    RewindProgress.Progress p = RewindProgress.progress(Map.of("faker", r), lags, NOW).get(0);
    assertEquals(RewindProgress.State.REWINDING, p.state());
    assertEquals(150, p.records());
    assertEquals(100L, p.reread());
    assertEquals(50L, p.remaining());
    assertEquals(90, p.ageSeconds());
    // Past the recorded end (new records since) counts as done, not more than all.
    lags =
        List.of(
            new KafkaLag.PartitionLag("faker", 0, 130, 125L, 5, "s1"),
            new KafkaLag.PartitionLag("faker", 1, 50, 50L, 0, "s2"));
    p = RewindProgress.progress(Map.of("faker", r), lags, NOW).get(0);
    assertEquals(RewindProgress.State.DONE, p.state());
    assertEquals(150L, p.reread());
    assertEquals(0L, p.remaining());
    // Kafka not answering: nothing made up.
    p = RewindProgress.progress(Map.of("faker", r), null, NOW).get(0);
    assertEquals(RewindProgress.State.REWINDING, p.state());
    assertEquals(null, p.reread());
    assertEquals(null, p.remaining());
    // Marked done in the log: all read, without Kafka.
    p =
        RewindProgress.progress(Map.of("faker", r.withState(RewindLog.State.DONE)), null, NOW)
            .get(0);
    assertEquals(RewindProgress.State.DONE, p.state());
    assertEquals(150L, p.reread());
    assertEquals(0L, p.remaining());
  }
}
