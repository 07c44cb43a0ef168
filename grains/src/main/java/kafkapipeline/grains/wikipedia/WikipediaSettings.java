package kafkapipeline.grains.wikipedia;

import java.time.Duration;

/**
 * @param enabled false leaves the source stopped (its status says so)
 * @param streamUrl the EventStreams URL (a local replay server in tests)
 * @param userAgent sent with every request; Wikimedia blocks generic library agents and asks for a
 *     name and a contact address
 * @param batchSize events published to Kafka, and then one position saved, per batch at most
 * @param batchWindow how long a batch waits to fill
 * @param minBackoff first wait before reconnecting after a failure
 * @param maxBackoff longest wait before reconnecting; a server's {@code retry:} is kept within min
 *     and max backoff
 * @param maxEventBytes the data of one SSE event the source buffers; a larger event is skipped and
 *     becomes a dead letter
 * @param maxLineBytes the longest SSE line kept; a longer one spoils its event likewise
 */
public record WikipediaSettings(
    boolean enabled,
    String streamUrl,
    String userAgent,
    int batchSize,
    Duration batchWindow,
    Duration minBackoff,
    Duration maxBackoff,
    int maxEventBytes,
    int maxLineBytes) {
  public WikipediaSettings {
    if (batchSize < 1) throw new IllegalArgumentException("wikipedia batch-size must be >= 1");
    if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException("wikipedia backoff needs 0 < min-backoff <= max-backoff");
    }
    if (maxEventBytes < 1_024 || maxLineBytes < 1_024) {
      throw new IllegalArgumentException(
          "wikipedia max-event-size and max-line-size must be >= 1 KiB");
    }
    if (userAgent.isBlank())
      throw new IllegalArgumentException("wikipedia user-agent must not be empty");
  }
}
