package kafkapipeline.grains.declarative;

import com.typesafe.config.Config;
import java.time.Duration;
import kafkapipeline.grains.ConfigSection;

/**
 * How every declarative source runs (one set for the silo; what differs per source is its spec),
 * including the bounds on the work one source may cause. A source description is untrusted input:
 * whatever its URL answers, one attempt reads, parses, holds and sends at most these amounts, and
 * an attempt over any of them fails with the bound in its reason and backs off; it never grows the
 * heap past what the defaults below are sized for.
 *
 * <p>Memory, at the defaults (8 MiB bodies, 32 MiB poll buffer, 10,000 items, 1 MiB SSE events and
 * lines): a poll holds its body, one copy of it while the body is completed and its records (each
 * no larger than the item's text), so at most about three times its body; all polls of a silo
 * together are held to {@code maxBufferedBytes} of bodies, so about 100 MiB at the worst moment,
 * and an SSE source about 10 MiB (a 4 MiB HTTP chunk, the decoder's line and event, one batch).
 * That leaves room in the silos' default 384 MB heap for Kafka's 32 MiB producer buffer and the
 * rest.
 *
 * @param minBackoff first wait after a failed poll or connection; doubles per failure in a row
 * @param maxBackoff longest such wait
 * @param requestTimeout http-poll: connect and response-headers timeout of one GET
 * @param pollDeadline http-poll: the whole of one GET, headers and body; a body still arriving then
 *     (a server trickling bytes) is dropped and the poll fails. 30 s: three times the request
 *     timeout, ample for 8 MiB on a slow link, and short enough that a poll due every minute is not
 *     held
 * @param maxBodyBytes http-poll: the largest document read; a larger one fails the poll as soon as
 *     its bytes pass the limit. 8 MiB: eight times a Kafka record, far above what a JSON API
 *     answers per page (the recorded SpaceX launches are 0.5 MiB)
 * @param maxBufferedBytes http-poll: the bodies all polls of this silo hold at once; a poll whose
 *     next bytes would pass it fails (the silo is busy with others' bodies). 32 MiB: four bodies at
 *     the limit
 * @param maxItems items one polled document (or one SSE event) may hold; parsing stops at the next
 *     one, and the poll fails (a dead letter of the document's head) or the event becomes a dead
 *     letter. 10,000: far above an API's page, and 10,000 records are a few seconds of the
 *     persisters' work
 * @param maxEventBytes sse: the data of one event buffered; a larger one becomes a dead letter
 * @param maxLineBytes sse: the longest line kept; a longer one spoils its event likewise
 * @param batchSize records (sse: events) sent to Kafka per batch, one batch of a source in flight
 *     at a time (sse: then one position saved)
 * @param maxBatchBytes the weight of one such batch: its records' keys and values. 1 MiB, Kafka's
 *     record limit: one source holds at most that of the silo's shared 32 MiB producer buffer, so
 *     it cannot delay the faker's or Wikipedia's sends. A single larger event goes alone
 * @param batchWindow sse: how long a batch waits to fill
 * @param idleTimeout sse: a stream with no byte for this long is dropped and connected again (from
 *     its saved position). 60 s: servers send a keep-alive comment every 15 to 30 s
 * @param wakeInterval how often the keeper wakes every stored source (so each comes back after its
 *     silo left or every silo restarted)
 * @param refreshInterval how often each silo reads the stored sources again, to start or stop their
 *     persisters
 * @param maxSources how many declarative sources the cluster may hold; an add past it is refused
 *     (409). 100: each is a grain, a persister on every silo, a topic and a table, and every silo
 *     reads them all every refresh interval
 */
public record DeclarativeSettings(
    Duration minBackoff,
    Duration maxBackoff,
    Duration requestTimeout,
    Duration pollDeadline,
    int maxBodyBytes,
    int maxBufferedBytes,
    int maxItems,
    int maxEventBytes,
    int maxLineBytes,
    int batchSize,
    int maxBatchBytes,
    Duration batchWindow,
    Duration idleTimeout,
    Duration wakeInterval,
    Duration refreshInterval,
    int maxSources) {
  public static final String PATH = "pipeline.sources.declarative";

  public DeclarativeSettings {
    ConfigSection.positive(minBackoff, PATH + ".min-backoff");
    if (maxBackoff.compareTo(minBackoff) < 0)
      throw new IllegalArgumentException(
          PATH + ".max-backoff must be >= min-backoff (" + minBackoff + "), was " + maxBackoff);
    ConfigSection.positive(requestTimeout, PATH + ".request-timeout");
    ConfigSection.positive(pollDeadline, PATH + ".poll-deadline");
    if (pollDeadline.compareTo(requestTimeout) < 0)
      throw new IllegalArgumentException(
          PATH
              + ".poll-deadline must be >= request-timeout ("
              + requestTimeout
              + "), was "
              + pollDeadline);
    ConfigSection.atLeast(maxBodyBytes, 1_024, PATH + ".max-body-bytes");
    ConfigSection.atLeast(maxBufferedBytes, maxBodyBytes, PATH + ".max-buffered-bytes");
    ConfigSection.atLeast(maxItems, 1, PATH + ".max-items");
    ConfigSection.atLeast(maxEventBytes, 1_024, PATH + ".max-event-bytes");
    ConfigSection.atLeast(maxLineBytes, 1_024, PATH + ".max-line-bytes");
    ConfigSection.atLeast(batchSize, 1, PATH + ".batch-size");
    ConfigSection.atLeast(maxBatchBytes, 1_024, PATH + ".max-batch-bytes");
    ConfigSection.positive(batchWindow, PATH + ".batch-window");
    ConfigSection.positive(idleTimeout, PATH + ".idle-timeout");
    ConfigSection.positive(wakeInterval, PATH + ".wake-interval");
    ConfigSection.positive(refreshInterval, PATH + ".refresh-interval");
    ConfigSection.atLeast(maxSources, 1, PATH + ".max-sources");
  }

  /** Reads and checks section {@value #PATH} of {@code config} (the whole configuration). */
  public static DeclarativeSettings fromConfig(Config config) {
    ConfigSection s = ConfigSection.of(config, PATH);
    return new DeclarativeSettings(
        s.duration("min-backoff"),
        s.duration("max-backoff"),
        s.duration("request-timeout"),
        s.duration("poll-deadline"),
        s.bytes("max-body-bytes"),
        s.bytes("max-buffered-bytes"),
        s.integer("max-items"),
        s.bytes("max-event-bytes"),
        s.bytes("max-line-bytes"),
        s.integer("batch-size"),
        s.bytes("max-batch-bytes"),
        s.duration("batch-window"),
        s.duration("idle-timeout"),
        s.duration("wake-interval"),
        s.duration("refresh-interval"),
        s.integer("max-sources"));
  }

  /** The defaults of {@code sources.conf}, each explained above. */
  public static DeclarativeSettings defaults() {
    return new DeclarativeSettings(
        Duration.ofSeconds(1),
        Duration.ofMinutes(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        8 * 1024 * 1024,
        32 * 1024 * 1024,
        10_000,
        1024 * 1024,
        1024 * 1024,
        500,
        1024 * 1024,
        Duration.ofMillis(500),
        Duration.ofSeconds(60),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2),
        100);
  }
}
