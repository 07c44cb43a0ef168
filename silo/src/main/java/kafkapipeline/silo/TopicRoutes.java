package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.error;
import static kafkapipeline.silo.JsonRoutes.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A topic's rewind: rebuild its table from Kafka.
 *
 * <ul>
 *   <li>{@code POST /api/topics/{topic}/rewind} with {@code {"from": "2026-12-01T10:00:00Z"}} (an
 *       ISO-8601 instant, not in the future) or {@code {"offset": 0}} (every partition): the
 *       topic's persisters pause and drain, the group is moved back, they resume ({@link
 *       TopicRewind}). 200 with per partition the new offset, the end offset then and the records
 *       to read again, and their total. 400 naming the field for a bad body; 404 for a topic no
 *       source writes; 409 for a rewind past the topic's retention ({@link RewindPlan}), a group
 *       that kept a member, or a rewind of the topic already running (here, or started by another
 *       silo: a persister paused for it answers busy); 503 when Kafka or a persister did not answer
 *       (every persister is resumed anyway).
 *   <li>{@code GET /api/topics/{topic}/rewind}: its last rewind's progress ({@link
 *       RewindProgress}), or {@code {"topic": ..., "state": "none"}}.
 *   <li>{@code GET /api/topics/rewinds}: the last rewind of every topic that has one (the
 *       dashboard's Kafka table); Kafka is asked only if there is one.
 * </ul>
 */
final class TopicRoutes extends AllDirectives {
  /** Longer than the pekko default of 20 s: a rewind drains every silo's persister first. */
  private static final Duration REWIND_REQUEST_TIMEOUT = Duration.ofSeconds(90);

  private static final String EXAMPLE = "{\"from\": \"2026-12-01T10:00:00Z\"} or {\"offset\": 0}";

  private final PipelineView pipeline;
  private final RequestChecks checks;
  private final TopicRewind rewind;
  private final RewindProgress progress;

  TopicRoutes(
      PipelineView pipeline, RequestChecks checks, TopicRewind rewind, RewindProgress progress) {
    this.pipeline = pipeline;
    this.checks = checks;
    this.rewind = rewind;
    this.progress = progress;
  }

  Route routes() {
    return concat(
        path(
            PathMatchers.segment("topics").slash("rewinds"),
            () -> get(() -> onSuccess(all(), r -> complete(r)))),
        path(
            PathMatchers.segment("topics").slash(PathMatchers.segment()).slash("rewind"),
            topic ->
                concat(
                    get(() -> onSuccess(one(topic), r -> complete(r))),
                    post(
                        () ->
                            withRequestTimeout(
                                REWIND_REQUEST_TIMEOUT,
                                () ->
                                    checks.body(
                                        bytes -> target(bytes, Instant.now()),
                                        target ->
                                            onSuccess(
                                                rewind(topic, target), r -> complete(r))))))));
  }

  /**
   * The body of a rewind: exactly one of {@code from} (an ISO-8601 instant, not after {@code now})
   * and {@code offset} (a whole number from 0), or why not, naming the field.
   */
  static JsonBody.Result<RewindPlan.Target> target(byte[] bytes, Instant now) {
    JsonBody.Result<JsonNode> parsed = JsonBody.parse(bytes);
    if (parsed.error() != null)
      return JsonBody.Result.bad(parsed.error() + "; expected " + EXAMPLE);
    JsonNode body = parsed.value();
    if (!body.isObject())
      return JsonBody.Result.bad("the body must be a JSON object like " + EXAMPLE);
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("from") && !name.equals("offset"))
        return JsonBody.Result.bad(
            "unknown field " + Params.quoted(name) + ": expected " + EXAMPLE);
    }
    JsonNode from = body.get("from");
    JsonNode offset = body.get("offset");
    if (from != null && offset != null)
      return JsonBody.Result.bad("give either field from or field offset, not both");
    if (from == null && offset == null)
      return JsonBody.Result.bad("field from or field offset is missing: expected " + EXAMPLE);
    if (from != null) {
      String instant = "field from must be an ISO-8601 instant like 2026-12-01T10:00:00Z";
      if (!from.isTextual()) return JsonBody.Result.bad(instant + ", was " + from.getNodeType());
      Instant at;
      try {
        at = Instant.parse(from.textValue());
      } catch (DateTimeParseException e) {
        return JsonBody.Result.bad(instant + ", was " + Params.quoted(from.textValue()));
      }
      if (at.isAfter(now))
        return JsonBody.Result.bad("field from is in the future: " + at + " (now " + now + ")");
      // Kafka reads a negative time as a special value (latest, earliest), not as a time.
      if (at.isBefore(Instant.EPOCH))
        return JsonBody.Result.bad("field from is before 1970-01-01T00:00:00Z: " + at);
      return JsonBody.Result.ok(new RewindPlan.FromTime(at));
    }
    String whole = "field offset must be a whole number from 0";
    if (!offset.isIntegralNumber() || !offset.canConvertToLong())
      return JsonBody.Result.bad(whole + ", was " + Params.quoted(offset.toString()));
    if (offset.longValue() < 0) return JsonBody.Result.bad(whole + ", was " + offset.longValue());
    return JsonBody.Result.ok(new RewindPlan.ToOffset(offset.longValue()));
  }

  private CompletionStage<HttpResponse> rewind(String topic, RewindPlan.Target target) {
    Grains g = pipeline.grains();
    if (g == null) return Params.starting();
    if (!g.registry().topics().contains(topic)) return unknown(topic);
    return rewind
        .rewind(topic, target)
        .thenApply(
            r ->
                switch (r.outcome()) {
                  case DONE -> json(StatusCodes.OK, r.answer());
                  case REFUSED, CONFLICT -> error(StatusCodes.CONFLICT, r.error());
                  case FAILED -> error(StatusCodes.SERVICE_UNAVAILABLE, r.error());
                });
  }

  private CompletionStage<HttpResponse> one(String topic) {
    Grains g = pipeline.grains();
    if (g == null) return Params.starting();
    if (!g.registry().topics().contains(topic)) return unknown(topic);
    return progress
        .of(List.of(topic))
        .thenApply(
            list ->
                list.isEmpty()
                    ? json(StatusCodes.OK, Map.of("topic", topic, "state", "none"))
                    : json(StatusCodes.OK, list.get(0)));
  }

  private CompletionStage<HttpResponse> all() {
    Grains g = pipeline.grains();
    if (g == null) return Params.starting();
    return progress.of(g.registry().topics()).thenApply(list -> json(StatusCodes.OK, list));
  }

  private static CompletionStage<HttpResponse> unknown(String topic) {
    return CompletableFuture.completedFuture(
        error(StatusCodes.NOT_FOUND, "no source writes topic " + Params.quoted(topic)));
  }
}
