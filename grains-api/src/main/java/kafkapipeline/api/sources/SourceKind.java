package kafkapipeline.api.sources;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a declarative source reads its API. */
public enum SourceKind {
  /** GET a URL every interval; each poll's items are published as one batch. */
  @JsonProperty("http-poll")
  HTTP_POLL,
  /** Read a Server-Sent Events stream; resume with Last-Event-ID saved after Kafka acknowledged. */
  @JsonProperty("sse")
  SSE
}
