package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.json;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import kafkapipeline.silo.logs.LogLevel;
import kafkapipeline.silo.logs.LogRing;
import kafkapipeline.silo.logs.SiloLogs;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/logs?level=L&limit=N}: the last N log lines (default {@value #DEFAULT_LIMIT}, 1
 * to {@link LogRing#CAPACITY}) at level L or above (default INFO, any case) of every silo that
 * answers within {@link #TIMEOUT} ({@link SiloLogs}), sorted by time, with the silos that answered
 * and their WARN and ERROR events since start, summed. A silo that does not answer is missing from
 * {@code silos}; none answering is an empty, successful reply. A bad level or limit is a 400 naming
 * the parameter.
 */
final class LogRoutes extends AllDirectives {
  static final int DEFAULT_LIMIT = 100;
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final ActorSystem<?> system;

  LogRoutes(ActorSystem<?> system) {
    this.system = system;
  }

  Route routes() {
    return path(
        "logs",
        () ->
            get(
                () ->
                    parameterOptional(
                        "level",
                        level ->
                            parameterOptional(
                                "limit",
                                limit -> onSuccess(logs(level, limit), r -> complete(r))))));
  }

  private CompletionStage<HttpResponse> logs(
      Optional<String> levelText, Optional<String> limitText) {
    Optional<LogLevel> level =
        levelText.isEmpty() ? Optional.of(LogLevel.INFO) : LogLevel.parse(levelText.get());
    if (level.isEmpty())
      return Params.badRequest("level must be one of " + LogLevel.NAMES + " (any case)");
    int limit = limit(limitText);
    if (limit < 0)
      return Params.badRequest("limit must be a whole number from 1 to " + LogRing.CAPACITY);
    return SiloLogs.askAll(system, level.get(), limit, TIMEOUT)
        .thenApply(answers -> json(StatusCodes.OK, SiloLogs.merge(answers, limit)));
  }

  /**
   * The limit (absent: the default), or -1 unless it is ASCII digits only making a number from 1 to
   * the capacity.
   */
  static int limit(Optional<String> text) {
    if (text.isEmpty()) return DEFAULT_LIMIT;
    String digits = text.get();
    // Integer.parseInt would also take a sign and any script's digits ("٥").
    if (digits.isEmpty()
        || digits.length() > 9
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) return -1;
    int limit = Integer.parseInt(digits);
    return limit < 1 || limit > LogRing.CAPACITY ? -1 : limit;
  }
}
