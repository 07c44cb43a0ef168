package kafkapipeline.grains.wikipedia;

import com.typesafe.config.Config;
import java.time.Duration;
import kafkapipeline.grains.ConfigSection;
import org.apache.pekko.http.javadsl.settings.ServerSentEventSettings;

/**
 * The Wikipedia source's settings, section {@value #PATH}. A value out of range fails at
 * construction with the setting's full path in the message.
 *
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
  public static final String PATH = "pipeline.sources.wikipedia";

  /** The smallest event and line limits: a recent change is seldom under 1 KiB. */
  public static final int MIN_EVENT_BYTES = 1_024;

  public WikipediaSettings {
    ConfigSection.nonBlank(streamUrl, PATH + ".stream-url");
    ConfigSection.nonBlank(userAgent, PATH + ".user-agent");
    ConfigSection.atLeast(batchSize, 1, PATH + ".batch-size");
    ConfigSection.positive(batchWindow, PATH + ".batch-window");
    ConfigSection.positive(minBackoff, PATH + ".min-backoff");
    if (maxBackoff == null || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException(
          PATH
              + ".max-backoff must be at least "
              + PATH
              + ".min-backoff ("
              + minBackoff
              + "), was "
              + maxBackoff);
    }
    ConfigSection.atLeast(maxEventBytes, MIN_EVENT_BYTES, PATH + ".max-event-size");
    ConfigSection.atLeast(maxLineBytes, MIN_EVENT_BYTES, PATH + ".max-line-size");
  }

  /**
   * Reads and checks section {@value #PATH} of {@code config} (the whole configuration), and
   * Pekko's SSE settings the source's client takes from it ({@code pekko.http.sse}), so a bad one
   * fails at start rather than when the source connects.
   */
  public static WikipediaSettings fromConfig(Config config) {
    ServerSentEventSettings.create(config);
    ConfigSection s = ConfigSection.of(config, PATH);
    return new WikipediaSettings(
        s.bool("enabled"),
        s.string("stream-url"),
        s.string("user-agent"),
        s.integer("batch-size"),
        s.duration("batch-window"),
        s.duration("min-backoff"),
        s.duration("max-backoff"),
        s.bytes("max-event-size"),
        s.bytes("max-line-size"));
  }
}
