package kafkapipeline.grains.persist;

import java.time.Duration;

/**
 * How a persister batches and retries.
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
 *     request per row, token-aware)
 * @param maxRequestBytes most bytes of bound values in one such request (a larger row goes alone)
 * @param drainTimeout longest a partition given up (in a rebalance, or at a stop) waits for its
 *     records in flight to be written before it is committed and handed over anyway
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
    Duration drainTimeout) {

  public PersisterSettings {
    if (batchSize < 1) throw new IllegalArgumentException("batch-size must be >= 1");
    if (parallelism < 1) throw new IllegalArgumentException("parallelism must be >= 1");
    if (writeAttempts < 1) throw new IllegalArgumentException("write-attempts must be >= 1");
    if (maxRecordBytes < 1) throw new IllegalArgumentException("max-record-bytes must be >= 1");
    if (rowsPerRequest < 1 || rowsPerRequest > 10) {
      // Cassandra warns about unlogged batches across more than 10 partitions.
      throw new IllegalArgumentException("rows-per-request must be between 1 and 10");
    }
    if (maxRequestBytes < 1) throw new IllegalArgumentException("max-request-bytes must be >= 1");
    if (drainTimeout.isNegative() || drainTimeout.isZero())
      throw new IllegalArgumentException("drain-timeout must be > 0");
  }
}
