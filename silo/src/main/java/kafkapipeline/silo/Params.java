package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.error;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** Query parameters shared by the routes, checked the same way everywhere; a bad one is a 400. */
final class Params {
  static final int MAX_LIMIT = 1000;

  private Params() {}

  /**
   * The limit parameter (absent: {@code fallback}), or -1 if it is not a whole number from 1 to
   * MAX_LIMIT.
   */
  static int limit(Optional<String> text, int fallback) {
    if (text.isEmpty()) return fallback;
    try {
      int limit = Integer.parseInt(text.get().strip());
      return limit < 1 || limit > MAX_LIMIT ? -1 : limit;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static CompletionStage<HttpResponse> badLimit() {
    return badRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
  }

  static CompletionStage<HttpResponse> badRequest(String message) {
    return CompletableFuture.completedFuture(error(StatusCodes.BAD_REQUEST, message));
  }

  static CompletionStage<HttpResponse> starting() {
    return CompletableFuture.completedFuture(
        error(StatusCodes.SERVICE_UNAVAILABLE, "the pipeline is starting"));
  }

  /** A name from a request, quoted for an error text: at most 80 characters of it. */
  static String quoted(String name) {
    return "'" + (name.length() > 80 ? name.substring(0, 80) + "…" : name) + "'";
  }
}
