package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.kafka.Origin;
import kafkapipeline.grains.persist.BatchTriage;
import kafkapipeline.grains.persist.DeadLetterSink;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Table {@code dead_letters_by_day}: records that cannot become rows, one partition per topic and
 * UTC day of failure, keyed by partition and offset within it, so saving the same record twice on
 * one day keeps one entry (a record that fails again on a later day, read again after a crash,
 * lands in that day's bucket too: listed twice, replayed twice, which its idempotent row absorbs).
 * Table {@code dead_letter_days} lists the buckets, newest first, so listing reads a few small
 * partitions and never scans. Listing reads the payload's first {@value #HEAD_BYTES} bytes, a
 * replay each entry's whole payload. Saved and deleted at the write consistency, read at the read
 * consistency ({@link Consistency}). Entries of the first table, {@code dead_letters}, are moved
 * here by {@link #moveLegacy}.
 */
public final class DeadLetterStore implements DeadLetterSink {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterStore.class);

  /** How much of a payload a listing reads. */
  public static final int HEAD_BYTES = 2_048;

  /** At most this many buckets (topic and day) are read per listing, newest first. */
  static final int MAX_BUCKETS_READ = 200;

  /** The one partition of {@code dead_letter_days}. */
  static final String SCOPE = "all";

  /**
   * @param errorClass what kind of failure: the exception's simple class name (e.g. {@code
   *     MalformedEventException}, {@code ArithmeticException}) or a marker such as {@code
   *     RecordTooLarge}; null in entries saved before the column existed
   * @param error the reason, safe to log
   * @param origin where the record first stood when it was itself a replayed dead letter (its
   *     {@link Topics#ORIGIN_HEADER}); null when it stood first where it failed ({@code partition},
   *     {@code offset})
   */
  public record DeadLetter(
      String topic,
      int partition,
      long offset,
      String key,
      byte[] payload,
      String errorClass,
      String error,
      Instant failedAt,
      Origin origin) {
    /** A dead letter without an origin of its own: it stood first where it failed. */
    public DeadLetter(
        String topic,
        int partition,
        long offset,
        String key,
        byte[] payload,
        String errorClass,
        String error,
        Instant failedAt) {
      this(topic, partition, offset, key, payload, errorClass, error, failedAt, null);
    }

    /**
     * The dead letter of a record read from Kafka: its position, key, value and the origin its
     * header carries ({@link Origin#of}: a malformed header is no origin). Never throws for any
     * record.
     */
    public static DeadLetter of(
        ConsumerRecord<String, byte[]> record, String errorClass, String error, Instant failedAt) {
      return new DeadLetter(
          record.topic(),
          record.partition(),
          record.offset(),
          record.key(),
          record.value(),
          errorClass,
          error,
          failedAt,
          Origin.of(record));
    }

    /** Where the record first stood: its origin, else where it failed. */
    public Origin firstPosition() {
      return origin != null ? origin : new Origin(partition, offset);
    }

    /** The same dead letter with another payload. */
    DeadLetter withPayload(byte[] bytes) {
      return new DeadLetter(
          topic, partition, offset, key, bytes, errorClass, error, failedAt, origin);
    }
  }

  /**
   * A listed entry: the dead letter with only the head of its payload, its bucket's day and the
   * whole payload's length (null: no payload).
   */
  public record Listed(DeadLetter head, LocalDate day, Integer payloadBytes) {
    /** Whether the payload is longer than its head. */
    public boolean cut() {
      return payloadBytes != null && head.payload() != null && payloadBytes > head.payload().length;
    }
  }

  private final CqlSession session;
  private final Clock clock;
  private final DeadLetterStatements cql;
  final DeadLetterBuckets buckets;

  private DeadLetterStore(CqlSession session, Clock clock, DeadLetterStatements cql) {
    this.session = session;
    this.clock = clock;
    this.cql = cql;
    this.buckets = new DeadLetterBuckets(session, cql);
  }

  public static CompletionStage<DeadLetterStore> prepare(CqlSession session) {
    return prepare(session, Clock.systemUTC());
  }

  /** With the clock that says which buckets are old enough to be removed when empty. */
  public static CompletionStage<DeadLetterStore> prepare(CqlSession session, Clock clock) {
    return DeadLetterStatements.prepare(session)
        .thenApply(cql -> new DeadLetterStore(session, clock, cql));
  }

  /** The bucket day of a dead letter: the UTC day it failed (1970-01-01 if it has no time). */
  public static LocalDate dayOf(Instant failedAt) {
    return failedAt == null ? LocalDate.EPOCH : LocalDate.ofInstant(failedAt, ZoneOffset.UTC);
  }

  /** The first {@value #HEAD_BYTES} bytes of a payload (itself when shorter; null for null). */
  static byte[] head(byte[] payload) {
    return payload == null || payload.length <= HEAD_BYTES
        ? payload
        : Arrays.copyOf(payload, HEAD_BYTES);
  }

  /** Saves the entry and its bucket's line in the index; fails if either write fails. */
  @Override
  public CompletionStage<Void> save(DeadLetter d) {
    return saveDay(d.topic(), dayOf(d.failedAt())).thenCombine(saveEntry(d), (a, b) -> (Void) null);
  }

  /**
   * Saves every one, at most {@value DeadLetterSink#PARALLEL_SAVES} at a time, each bucket's index
   * line once; the failure semantics of {@link DeadLetterSink#saveAll}.
   */
  @Override
  public CompletionStage<Void> saveAll(List<DeadLetter> letters) {
    Set<List<Object>> days = new LinkedHashSet<>();
    for (DeadLetter d : letters) days.add(List.of(d.topic(), dayOf(d.failedAt())));
    return DeadLetterSink.eachBounded(
            List.copyOf(days),
            PARALLEL_SAVES,
            day -> saveDay((String) day.get(0), (LocalDate) day.get(1)))
        .thenCompose(done -> DeadLetterSink.eachBounded(letters, PARALLEL_SAVES, this::saveEntry));
  }

  private CompletionStage<Void> saveDay(String topic, LocalDate day) {
    return session
        .executeAsync(cql.insertDay.bind(SCOPE, day, topic).setIdempotent(true))
        .thenApply(rs -> null);
  }

  private CompletionStage<Void> saveEntry(DeadLetter d) {
    Origin o = d.origin();
    return session
        .executeAsync(
            cql.insert
                .bind(
                    d.topic(),
                    dayOf(d.failedAt()),
                    d.partition(),
                    d.offset(),
                    d.key(),
                    d.payload() == null ? null : ByteBuffer.wrap(d.payload()),
                    d.payload() == null ? null : ByteBuffer.wrap(head(d.payload())),
                    d.payload() == null ? null : d.payload().length,
                    d.errorClass(),
                    d.error(),
                    d.failedAt(),
                    o == null ? null : o.partition(),
                    o == null ? null : o.offset())
                .setIdempotent(true))
        .thenApply(rs -> null);
  }

  /**
   * Up to {@code limit} entries, the newest buckets first (within a bucket by partition and
   * offset), each with the head of its payload; at most {@value #MAX_BUCKETS_READ} buckets read.
   */
  public CompletionStage<List<Listed>> newest(int limit) {
    return walk(cql.selectHeads, limit, DeadLetterStore::listed);
  }

  /** Topic and time of failure of up to {@code limit} entries, newest buckets first; no payload. */
  public CompletionStage<List<Listed>> failures(int limit) {
    return walk(
        cql.selectFailures,
        limit,
        r ->
            new Listed(
                new DeadLetter(
                    r.getString("topic"),
                    r.getInt("partition"),
                    r.getLong("offset"),
                    null,
                    null,
                    null,
                    null,
                    r.getInstant("failed_at")),
                r.getLocalDate("day"),
                null));
  }

  private <T> CompletionStage<List<T>> walk(
      PreparedStatement select, int limit, Function<Row, T> map) {
    return session
        .executeAsync(Consistency.read(cql.selectDays.bind(SCOPE, MAX_BUCKETS_READ)))
        .thenCompose(
            rs -> {
              List<Row> buckets = new ArrayList<>();
              rs.currentPage().forEach(buckets::add);
              return fill(select, buckets, 0, limit, map, new ArrayList<>());
            });
  }

  private <T> CompletionStage<List<T>> fill(
      PreparedStatement select,
      List<Row> buckets,
      int i,
      int limit,
      Function<Row, T> map,
      List<T> out) {
    if (i >= buckets.size() || out.size() >= limit) return CompletableFuture.completedFuture(out);
    Row b = buckets.get(i);
    return session
        .executeAsync(
            Consistency.read(
                select.bind(b.getString("topic"), b.getLocalDate("day"), limit - out.size())))
        .thenCompose(
            rs -> {
              for (Row r : rs.currentPage()) out.add(map.apply(r));
              return fill(select, buckets, i + 1, limit, map, out);
            });
  }

  private static Listed listed(Row r) {
    ByteBuffer head = r.getByteBuffer("payload_head");
    Origin origin =
        r.isNull("origin_partition") || r.isNull("origin_offset")
            ? null
            : safeOrigin(r.getInt("origin_partition"), r.getLong("origin_offset"));
    return new Listed(
        new DeadLetter(
            r.getString("topic"),
            r.getInt("partition"),
            r.getLong("offset"),
            r.getString("record_key"),
            bytes(head),
            r.getString("error_class"),
            r.getString("error"),
            r.getInstant("failed_at"),
            origin),
        r.getLocalDate("day"),
        r.isNull("payload_bytes") ? null : r.getInt("payload_bytes"));
  }

  /** A stored origin, or null when the cells hold what no origin can be (written by hand). */
  private static Origin safeOrigin(int partition, long offset) {
    return partition < 0 || offset < 0 ? null : new Origin(partition, offset);
  }

  static byte[] bytes(ByteBuffer b) {
    if (b == null) return null;
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  /**
   * Publishes up to {@code limit} dead letters again (the newest buckets first), each with its
   * whole payload to the partition where it first stood, and deletes each entry only after Kafka
   * acknowledged it (one at a time): after a fix, they become rows; a record that still cannot
   * becomes a new dead letter at its new offset, keeping its first position as its origin (see
   * {@link #replayed}). An entry deleted meanwhile (by another replay) is skipped. Stops at the
   * first failure, which fails the stage; what was replayed stays replayed. Then removes each
   * bucket older than yesterday that is empty (a failure there is logged, not the caller's).
   *
   * @return how many were replayed
   */
  public CompletionStage<Integer> replay(EventPublisher publisher, int limit) {
    return newest(limit)
        .thenCompose(
            letters -> {
              CompletionStage<Integer> done = CompletableFuture.completedFuture(0);
              for (Listed l : letters)
                done =
                    done.thenCompose(n -> replayOne(publisher, l).thenApply(ok -> ok ? n + 1 : n));
              return done.thenCompose(n -> tidy().thenApply(x -> n));
            });
  }

  private CompletionStage<Boolean> replayOne(EventPublisher publisher, Listed l) {
    DeadLetter d = l.head();
    return session
        .executeAsync(
            Consistency.read(cql.selectPayload.bind(d.topic(), l.day(), d.partition(), d.offset())))
        .thenCompose(
            rs -> {
              Row row = rs.one();
              if (row == null) return CompletableFuture.completedFuture(false);
              DeadLetter whole = d.withPayload(bytes(row.getByteBuffer("payload")));
              return publisher
                  .publish(d.topic(), List.of(replayed(whole)))
                  .thenCompose(
                      acked ->
                          session.executeAsync(
                              cql.delete.bind(d.topic(), l.day(), d.partition(), d.offset())))
                  .thenApply(deleted -> true);
            });
  }

  /**
   * Removes every listed bucket older than yesterday that holds no entry any more (whichever replay
   * emptied it: one that failed to remove it is retried here), without losing an entry saved into
   * it meanwhile ({@link DeadLetterBuckets#removeIfEmpty}). Today's and yesterday's stay: they are
   * still written.
   */
  private CompletionStage<Void> tidy() {
    LocalDate yesterday = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1);
    CompletionStage<Void> done =
        session
            .executeAsync(Consistency.read(cql.selectDays.bind(SCOPE, MAX_BUCKETS_READ)))
            .thenCompose(
                rs -> {
                  CompletionStage<Void> each = CompletableFuture.completedFuture(null);
                  for (Row b : rs.currentPage()) {
                    var bucket =
                        new DeadLetterBuckets.Bucket(b.getString("topic"), b.getLocalDate("day"));
                    if (!bucket.day().isBefore(yesterday)) continue;
                    each = each.thenCompose(x -> buckets.removeIfEmpty(bucket));
                  }
                  return each;
                });
    return done.exceptionally(
        e -> {
          log.warn(
              "Dead letters: could not remove emptied buckets (a later replay tries again): {}",
              e.toString());
          return null;
        });
  }

  /**
   * A dead letter as it goes back to its topic: its key and payload, to the partition where it
   * first stood, with that first position as its origin (a replay of a replay keeps the first one);
   * one its source marked (only the head of an event too large for Kafka) keeps the mark and
   * reason, so it comes back as the same kind of dead letter rather than as a parse error of its
   * head.
   */
  static EventPublisher.KeyedRecord replayed(DeadLetter d) {
    String reason = BatchTriage.SOURCE_DEAD_LETTER.equals(d.errorClass()) ? d.error() : null;
    return new EventPublisher.KeyedRecord(d.key(), d.payload(), reason, d.firstPosition());
  }

  /**
   * Moves every entry of the first table, {@code dead_letters}, here (each saved here before it is
   * deleted there, one at a time, so an entry is never lost; two silos moving at once save the same
   * entries twice, which keeps one). Fails on the first write that fails; what moved stays.
   *
   * @return how many entries moved
   */
  public CompletionStage<Integer> moveLegacy() {
    return LegacyDeadLetters.prepare(session).thenCompose(legacy -> legacy.moveAll(this));
  }
}
