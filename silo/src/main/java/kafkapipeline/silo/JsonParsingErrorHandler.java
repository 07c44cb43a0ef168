package kafkapipeline.silo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers a request Pekko's parser refuses before any route sees it (a method it does not know, a
 * TRACE carrying a body, a header too long, ...) as every other error of the API: JSON, {@code
 * {"error": ...}}, with the parser's status. A method that no route serves is a 405 with {@code
 * Allow} (the methods the API serves, read from {@code openapi.json}) whether the parser knows it
 * or not, so a client learns the same thing from {@code TRACE} as from {@code PATCH}. Set as {@code
 * pekko.http.server.parsing.error-handler} in {@code http.conf}.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {
  /** Every method some path of the API serves, upper case. */
  static final Set<String> SERVED_METHODS = servedMethods();

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo error, LoggingAdapter log, ServerSettings settings) {
    String summary = error.summary();
    boolean methodNotServed =
        status.intValue() == 501 && summary.startsWith("Unsupported HTTP method")
            || summary.startsWith("TRACE requests must not have an entity");
    log.warning(
        "Request refused by the HTTP parser: {} {}", status.intValue(), error.formatPretty());
    if (methodNotServed) {
      return JsonRoutes.error(StatusCodes.METHOD_NOT_ALLOWED, "method not allowed: " + summary)
          .addHeader(
              Allow.create(
                  SERVED_METHODS.stream()
                      .map(
                          m ->
                              org.apache.pekko.http.javadsl.model.HttpMethods.lookup(m)
                                  .orElseThrow())
                      .toArray(org.apache.pekko.http.javadsl.model.HttpMethod[]::new)));
    }
    return JsonRoutes.error(
        StatusCodes.get(status.intValue()), summary.isEmpty() ? status.reason() : summary);
  }

  private static Set<String> servedMethods() {
    try (InputStream in = JsonParsingErrorHandler.class.getResourceAsStream("/openapi.json")) {
      JsonNode paths = JsonRoutes.MAPPER.readTree(in).path("paths");
      Set<String> methods = new TreeSet<>();
      for (JsonNode path : paths) {
        for (Iterator<String> names = path.fieldNames(); names.hasNext(); ) {
          String name = names.next().toUpperCase(Locale.ROOT);
          if (Set.of("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS").contains(name))
            methods.add(name);
        }
      }
      return Set.copyOf(methods);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
