package kafkapipeline.grains.declarative;

import com.typesafe.config.Config;
import java.time.Duration;
import kafkapipeline.grains.ConfigSection;

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
 * @param wakeInterval how often the keeper wakes every stored source (so each comes back after its
 *     silo left or every silo restarted)
 * @param refreshInterval how often each silo reads the stored sources again, to start or stop their
 *     persisters
 */
public record DeclarativeSettings(
    Duration minBackoff,
    Duration maxBackoff,
    Duration requestTimeout,
    int maxBodyBytes,
    int maxEventBytes,
    int maxLineBytes,
    int batchSize,
    Duration batchWindow,
    Duration wakeInterval,
    Duration refreshInterval) {
  public static final String PATH = "pipeline.sources.declarative";

  public DeclarativeSettings {
    if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0)
      throw new IllegalArgumentException("declarative sources need 0 < min-backoff <= max-backoff");
    if (requestTimeout.isNegative() || requestTimeout.isZero())
      throw new IllegalArgumentException("declarative sources need a positive request timeout");
    if (maxBodyBytes < 1_024 || maxEventBytes < 1_024 || maxLineBytes < 1_024)
      throw new IllegalArgumentException("declarative sources' size limits must be >= 1 KiB");
    if (batchSize < 1) throw new IllegalArgumentException("declarative batch-size must be >= 1");
    ConfigSection.positive(batchWindow, PATH + ".batch-window");
    ConfigSection.positive(wakeInterval, PATH + ".wake-interval");
    ConfigSection.positive(refreshInterval, PATH + ".refresh-interval");
  }

  /** Reads and checks section {@value #PATH} of {@code config} (the whole configuration). */
  public static DeclarativeSettings fromConfig(Config config) {
    ConfigSection s = ConfigSection.of(config, PATH);
    return new DeclarativeSettings(
        s.duration("min-backoff"),
        s.duration("max-backoff"),
        s.duration("request-timeout"),
        s.integer("max-body-bytes"),
        s.integer("max-event-bytes"),
        s.integer("max-line-bytes"),
        s.integer("batch-size"),
        s.duration("batch-window"),
        s.duration("wake-interval"),
        s.duration("refresh-interval"));
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
        Duration.ofMillis(500),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2));
  }
}
