package kafkapipeline.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * The fields of one Wikimedia {@code mediawiki.recentchange} event that become a row of {@code
 * wikipediadata}. The Kafka payload of topic {@code wikipedia} is the event's JSON exactly as
 * EventStreams sent it (every other field is kept there); this record reads it.
 *
 * <p>{@code id} is the recent-change id, unique only within one wiki and absent from some log
 * events (abuse filter hits, thanks); {@code meta.id} is unique per event, so a row is keyed by
 * {@code (wiki, meta.id)}. Lengths and revisions are 64-bit. {@code timestamp} is Unix seconds,
 * UTC.
 */
public record RecentChange(
    @JsonProperty("meta") Meta meta,
    @JsonProperty("id") Long id,
    @JsonProperty("type") String type,
    @JsonProperty("namespace") Integer namespace,
    @JsonProperty("title") String title,
    @JsonProperty("comment") String comment,
    @JsonProperty("timestamp") Long timestamp,
    @JsonProperty("user") String user,
    @JsonProperty("bot") Boolean bot,
    @JsonProperty("minor") Boolean minor,
    @JsonProperty("patrolled") Boolean patrolled,
    @JsonProperty("length") OldNew length,
    @JsonProperty("revision") OldNew revision,
    @JsonProperty("wiki") String wiki,
    @JsonProperty("log_type") String logType) {

  /** EventStreams' envelope; {@code domain} is {@code canary} for the hourly test events. */
  public record Meta(
      @JsonProperty("id") String id,
      @JsonProperty("domain") String domain,
      @JsonProperty("dt") Instant dt) {}

  /** {@code length} and {@code revision}: either side may be absent (a new page has no old). */
  public record OldNew(@JsonProperty("old") Long oldValue, @JsonProperty("new") Long newValue) {}

  public static final String CANARY_DOMAIN = "canary";

  public boolean isCanary() {
    return meta != null && CANARY_DOMAIN.equals(meta.domain());
  }

  /** When the change happened: {@code timestamp}, else the envelope's {@code dt}, else null. */
  public Instant changedAt() {
    if (timestamp != null) return Instant.ofEpochSecond(timestamp);
    return meta == null ? null : meta.dt();
  }
}
