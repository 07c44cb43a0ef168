package kafkapipeline.grains.declarative;

import java.time.Duration;

/**
 * How every declarative source runs (one set for the silo; what differs per source is its spec).
 *
 * @param minBackoff first wait after a failed poll or connection; doubles per failure in a row
 * @param maxBackoff longest such wait
 * @param requestTimeout http-poll: connect and whole-answer timeout of one GET
 * @param maxBodyBytes http-poll: the largest document read; a larger one fails the poll
 * @param maxEventBytes sse: the data of one event buffered; a larger one becomes a dead letter
 * @param maxLineBytes sse: the longest line kept; a longer one spoils its event likewise
 * @param batchSize sse: events published, then one position saved, per batch at most
 * @param batchWindow sse: how long a batch waits to fill
 */
public record DeclarativeSettings(
    Duration minBackoff,
    Duration maxBackoff,
    Duration requestTimeout,
    int maxBodyBytes,
    int maxEventBytes,
    int maxLineBytes,
    int batchSize,
    Duration batchWindow) {
  public DeclarativeSettings {
    if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0)
      throw new IllegalArgumentException("declarative sources need 0 < min-backoff <= max-backoff");
    if (requestTimeout.isNegative() || requestTimeout.isZero())
      throw new IllegalArgumentException("declarative sources need a positive request timeout");
    if (maxBodyBytes < 1_024 || maxEventBytes < 1_024 || maxLineBytes < 1_024)
      throw new IllegalArgumentException("declarative sources' size limits must be >= 1 KiB");
    if (batchSize < 1) throw new IllegalArgumentException("declarative batch-size must be >= 1");
  }

  /** 1 s to 10 min backoff, 10 s requests, 32 MiB documents, Wikipedia's SSE limits. */
  public static DeclarativeSettings defaults() {
    return new DeclarativeSettings(
        Duration.ofSeconds(1),
        Duration.ofMinutes(10),
        Duration.ofSeconds(10),
        32 * 1024 * 1024,
        4 * 1024 * 1024,
        4 * 1024 * 1024,
        500,
        Duration.ofMillis(500));
  }
}
