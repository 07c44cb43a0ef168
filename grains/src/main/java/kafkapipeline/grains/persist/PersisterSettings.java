package kafkapipeline.grains.persist;

import com.typesafe.config.Config;
import java.time.Duration;
import kafkapipeline.grains.ConfigSection;

/**
 * How a persister batches, writes and retries, section {@value #PATH}: the {@link TopicPersister}
 * and its {@link RowWriter} both take it whole. A value out of range fails at construction with the
 * setting's full path in the message.
 *
 * @param batchSize most records written per batch (so at most {@code batchSize * parallelism}
 *     writes in flight)
 * @param batchWait longest a partial batch waits for more records
 * @param parallelism batches written at once; offsets are still committed in order
 * @param writeAttempts attempts per row before the batch fails and the consumer restarts from the
 *     last committed offset
 * @param firstRetryBackoff delay before the second attempt; doubles per attempt
 * @param restartMinBackoff first delay before a failed consumer stream restarts
 * @param restartMaxBackoff longest such delay
 * @param maxRecordBytes a record with a larger value is not written but dead-lettered (a row that
 *     big is a fault upstream, and Cassandra would warn on or refuse it)
 * @param rowsPerRequest most rows sent to Cassandra in one request (an unlogged batch; 1: one
 *     request per row, token-aware), at most {@link #MAX_ROWS_PER_REQUEST}
 * @param maxRequestBytes most bytes of bound values in one such request (a larger row goes alone)
 * @param drainTimeout longest a partition given up (in a rebalance, or at a stop) waits for its
 *     records in flight to be written before it is committed and handed over anyway
 * @param writeTime where rows' write times come from: {@link WriteTimes#OFFSET} (the guarantee) or
 *     {@link WriteTimes#CLOCK}, for the benchmark's latency runs only
 */
public record PersisterSettings(
    int batchSize,
    Duration batchWait,
    int parallelism,
    int writeAttempts,
    Duration firstRetryBackoff,
    Duration restartMinBackoff,
    Duration restartMaxBackoff,
    int maxRecordBytes,
    int rowsPerRequest,
    int maxRequestBytes,
    Duration drainTimeout,
    WriteTimes writeTime) {
  public static final String PATH = "pipeline.persisters";

  /** Where a row's write time ({@code USING TIMESTAMP}) comes from. */
  public enum WriteTimes {
    /** {@link WriteTime#of}: the record's offset, so every row is the last version of its key. */
    OFFSET,
    /**
     * This silo's clock when the row is bound: {@code writetime()} then tells when a row was
     * written, which {@code ./pipeline bench} reads for latency. It gives up the guarantee (a
     * replay or a late write can put an older version back): never for data that matters.
     */
    CLOCK
  }

  /** Cassandra warns about unlogged batches across more than 10 partitions. */
  public static final int MAX_ROWS_PER_REQUEST = 10;

  public PersisterSettings {
    ConfigSection.atLeast(batchSize, 1, PATH + ".batch-size");
    ConfigSection.positive(batchWait, PATH + ".batch-wait");
    ConfigSection.atLeast(parallelism, 1, PATH + ".parallelism");
    ConfigSection.atLeast(writeAttempts, 1, PATH + ".write-attempts");
    ConfigSection.positive(firstRetryBackoff, PATH + ".first-retry-backoff");
    ConfigSection.positive(restartMinBackoff, PATH + ".restart-min-backoff");
    if (restartMaxBackoff == null || restartMaxBackoff.compareTo(restartMinBackoff) < 0) {
      throw new IllegalArgumentException(
          PATH
              + ".restart-max-backoff must be at least "
              + PATH
              + ".restart-min-backoff ("
              + restartMinBackoff
              + "), was "
              + restartMaxBackoff);
    }
    ConfigSection.atLeast(maxRecordBytes, 1, PATH + ".max-record-bytes");
    ConfigSection.between(rowsPerRequest, 1, MAX_ROWS_PER_REQUEST, PATH + ".rows-per-request");
    ConfigSection.atLeast(maxRequestBytes, 1, PATH + ".max-request-bytes");
    ConfigSection.positive(drainTimeout, PATH + ".drain-timeout");
    if (writeTime == null) throw new IllegalArgumentException(PATH + ".write-time is missing");
  }

  /** Reads and checks section {@value #PATH} of {@code config} (the whole configuration). */
  public static PersisterSettings fromConfig(Config config) {
    ConfigSection s = ConfigSection.of(config, PATH);
    return new PersisterSettings(
        s.integer("batch-size"),
        s.duration("batch-wait"),
        s.integer("parallelism"),
        s.integer("write-attempts"),
        s.duration("first-retry-backoff"),
        s.duration("restart-min-backoff"),
        s.duration("restart-max-backoff"),
        s.bytes("max-record-bytes"),
        s.integer("rows-per-request"),
        s.bytes("max-request-bytes"),
        s.duration("drain-timeout"),
        writeTimes(s.string("write-time")));
  }

  private static WriteTimes writeTimes(String value) {
    for (WriteTimes w : WriteTimes.values()) if (w.name().equalsIgnoreCase(value)) return w;
    throw new IllegalArgumentException(
        PATH + ".write-time must be offset or clock, was \"" + value + "\"");
  }
}
