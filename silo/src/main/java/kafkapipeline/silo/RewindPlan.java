package kafkapipeline.silo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where a rewind moves each partition of a topic's persister group, and the retention rule, as a
 * pure function of what Kafka said ({@link #plan}): no I/O, so it is tested by properties.
 *
 * <p>Guarantees of a plan: one move per partition; each partition's new offset is within its log
 * (from its log start offset to its end offset) and never past the group's committed offset (a
 * rewind reads records again, it never skips one that was not read yet); the records to read are
 * those from it to the end offset at that moment.
 *
 * <p>Refused (a {@link Refused} naming the topic's {@code retention.ms} and the partition's
 * earliest offset), because records of that point may have been deleted already: an offset below a
 * partition's log start offset; a time older than now minus {@code retention.ms} (unless it is -1,
 * kept forever); a time whose offset is a partition's log start offset while that is above 0 (the
 * records before it, perhaps of that time too, are gone). A time in the future is refused too.
 */
final class RewindPlan {
  private RewindPlan() {}

  /** Where to rewind to: a point in time or an offset (the same on every partition). */
  sealed interface Target permits FromTime, ToOffset {
    /** As the answer and the status name it: {@code from 2026-...Z} or {@code offset 0}. */
    String describe();
  }

  record FromTime(Instant at) implements Target {
    @Override
    public String describe() {
      return "from " + at;
    }
  }

  record ToOffset(long offset) implements Target {
    @Override
    public String describe() {
      return "offset " + offset;
    }
  }

  /**
   * What Kafka says of one partition: its log start and end offsets, the group's committed offset
   * (null if none) and, for a {@link FromTime}, the offset of the first record at or after that
   * time (-1 if there is none; null for a {@link ToOffset}).
   */
  record PartitionOffsets(int partition, long logStart, long end, Long committed, Long forTime) {}

  /** One partition moved: to {@code from}, from {@code committedBefore}; its end offset now. */
  record Move(int partition, long from, Long committedBefore, long end) {
    /** The records from the new offset to the end offset at the rewind. */
    long records() {
      return end - from;
    }
  }

  sealed interface Verdict permits Moves, Refused {}

  record Moves(List<Move> moves) implements Verdict {
    long records() {
      return moves.stream().mapToLong(Move::records).sum();
    }
  }

  record Refused(String reason) implements Verdict {}

  /**
   * The moves of a rewind of {@code topic} to {@code target}, or why it is refused (see the class
   * comment); {@code retentionMs} is the topic's {@code retention.ms} (-1: forever).
   */
  static Verdict plan(
      String topic,
      Target target,
      Instant now,
      long retentionMs,
      List<PartitionOffsets> partitions) {
    List<PartitionOffsets> sorted =
        partitions.stream().sorted(Comparator.comparingInt(PartitionOffsets::partition)).toList();
    String retention = "topic " + topic + "'s retention is " + retention(retentionMs);
    List<Move> moves = new ArrayList<>();
    if (target instanceof FromTime t) {
      if (t.at().isAfter(now)) return new Refused("from " + t.at() + " is in the future");
      if (retentionMs >= 0 && t.at().isBefore(now.minusMillis(retentionMs)))
        return new Refused(
            "from "
                + t.at()
                + " is older than the retention: "
                + retention
                + ", so records of that time may be deleted; earliest offsets "
                + earliest(sorted));
      for (PartitionOffsets p : sorted) {
        long forTime = p.forTime() == null || p.forTime() < 0 ? p.end() : p.forTime();
        if (p.logStart() > 0 && forTime == p.logStart() && p.end() > p.logStart())
          return new Refused(
              "records of partition "
                  + p.partition()
                  + " from "
                  + t.at()
                  + " may be gone: the first record since then is its earliest offset "
                  + p.logStart()
                  + " ("
                  + retention
                  + ")");
        moves.add(move(p, forTime));
      }
    } else if (target instanceof ToOffset o) {
      for (PartitionOffsets p : sorted) {
        if (o.offset() < p.logStart())
          return new Refused(
              "offset "
                  + o.offset()
                  + " is below partition "
                  + p.partition()
                  + "'s earliest offset "
                  + p.logStart()
                  + ": the records before it were deleted ("
                  + retention
                  + ")");
        moves.add(move(p, o.offset()));
      }
    }
    return new Moves(moves);
  }

  private static Move move(PartitionOffsets p, long wanted) {
    long from = Math.min(wanted, p.end());
    if (p.committed() != null) from = Math.min(from, Math.max(p.committed(), p.logStart()));
    from = Math.max(from, p.logStart());
    return new Move(p.partition(), from, p.committed(), p.end());
  }

  private static String earliest(List<PartitionOffsets> partitions) {
    StringBuilder out = new StringBuilder();
    for (PartitionOffsets p : partitions) {
      if (!out.isEmpty()) out.append(", ");
      out.append(p.partition()).append('=').append(p.logStart());
    }
    return out.isEmpty() ? "(no partitions)" : out.toString();
  }

  /** {@code retention.ms} as a person reads it: {@code 604800000 ms (PT168H)}, or forever. */
  static String retention(long retentionMs) {
    return retentionMs < 0
        ? "forever (retention.ms=-1)"
        : "retention.ms=" + retentionMs + " (" + Duration.ofMillis(retentionMs) + ")";
  }
}
