package kafkapipeline.silo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import kafkapipeline.grains.PipelineMetrics;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import scala.concurrent.duration.FiniteDuration;

/**
 * What a web page in the user's browser must not be able to do to this silo, checked before
 * anything else. Each refusal is a 403 with a JSON reason and counted in {@code /api/stats} (group
 * {@value #REFUSED}: {@code host}, {@code origin}, {@code cross_site}); a bad body is a 400,
 * counted as {@code body}.
 *
 * <ul>
 *   <li><b>Host</b> (only without a token; with one, the token is the guard and the silo may be
 *       reached under any name): must name this silo, {@code localhost}, {@code 127.0.0.1}, {@code
 *       [::1]} or the bind host with the silo's port (or without a port, as HTTP/1.0 probes send
 *       it), or be one of {@code pipeline.http.allowed-hosts}. A DNS-rebinding page's requests
 *       carry its own host name and are refused.
 *   <li><b>Origin</b>, when the request has one: must be {@code http://} one of those hosts with
 *       this port, {@code http(s)://} an allowed host, or (with a token) the request's own Host. A
 *       cross-site page's requests carry its origin and are refused; the dashboard is same-origin.
 *   <li><b>State-changing requests</b> (the POST, PUT and DELETE routes) need a JSON body or the
 *       header {@value #HEADER} (any value). An HTML form can send neither: a urlencoded or
 *       multipart body is never JSON, and a {@code text/plain} body, which a form can shape into
 *       JSON, counts only with the header. (A script's cross-site request carries an Origin and is
 *       refused above.)
 * </ul>
 */
final class RequestChecks extends AllDirectives {
  static final String HEADER = "X-Requested-With";
  static final String REFUSED = "http_refused";
  private static final FiniteDuration READ_TIMEOUT =
      FiniteDuration.create(10, java.util.concurrent.TimeUnit.SECONDS);

  private final boolean tokenSet;
  private final Set<String> hosts = new LinkedHashSet<>();
  private final Set<String> origins = new LinkedHashSet<>();
  private final PipelineMetrics metrics;

  /**
   * @param allowedHosts entries of {@code pipeline.http.allowed-hosts} as {@link SiloSettings}
   *     checked them: {@code host} or {@code host:port}, lower case
   */
  RequestChecks(
      String bindHost,
      int port,
      List<String> allowedHosts,
      boolean tokenSet,
      PipelineMetrics metrics) {
    this.tokenSet = tokenSet;
    this.metrics = metrics;
    for (String name : List.of("localhost", "127.0.0.1", "[::1]", bracketed(bindHost))) {
      hosts.add(name + ":" + port);
      hosts.add(name);
      origins.add("http://" + name + ":" + port);
      if (port == 80) origins.add("http://" + name);
    }
    for (String entry : allowedHosts) {
      hosts.add(entry);
      origins.add("http://" + entry);
      origins.add("https://" + entry);
    }
  }

  /**
   * Host and Origin (see the class comment), then the query: no route takes a parameter twice, so a
   * repeated one is a 400 rather than a silent pick of one value; then {@code inner}.
   */
  Route guard(Supplier<Route> inner) {
    return extractRequest(
        request -> {
          String refused = refusal(request);
          if (refused != null) {
            metrics.increment(REFUSED, refused.startsWith("Host") ? "host" : "origin");
            return complete(JsonRoutes.error(StatusCodes.FORBIDDEN, refused));
          }
          String repeated;
          try {
            repeated =
                request.getUri().query().toMultiMap().entrySet().stream()
                    .filter(e -> e.getValue().size() > 1)
                    .map(java.util.Map.Entry::getKey)
                    .findFirst()
                    .orElse(null);
          } catch (RuntimeException malformed) {
            return complete(
                JsonRoutes.error(
                    StatusCodes.BAD_REQUEST,
                    "the query string is malformed: " + malformed.getMessage()));
          }
          if (repeated != null) {
            return complete(
                JsonRoutes.error(
                    StatusCodes.BAD_REQUEST,
                    "parameter " + printable(repeated) + " is given more than once"));
          }
          return inner.get();
        });
  }

  /** Null if the request's Host and Origin may reach this silo, else why not. */
  String refusal(HttpRequest request) {
    Optional<String> host =
        request.getHeader("Host").map(h -> h.value().strip().toLowerCase(Locale.ROOT));
    if (!tokenSet) {
      if (host.isEmpty())
        return "Host header missing: this silo answers only requests naming it (" + ours() + ")";
      if (!hosts.contains(host.get())) {
        return "Host '"
            + printable(host.get())
            + "' is not this silo ("
            + ours()
            + "): refused, as a DNS-rebinding"
            + " page would send it; add it to pipeline.http.allowed-hosts (HTTP_ALLOWED_HOSTS) to allow it";
      }
    }
    Optional<String> origin =
        request.getHeader("Origin").map(h -> h.value().strip().toLowerCase(Locale.ROOT));
    if (origin.isEmpty() || origins.contains(origin.get())) return null;
    if (tokenSet
        && host.isPresent()
        && (origin.get().equals("http://" + host.get())
            || origin.get().equals("https://" + host.get()))) {
      return null;
    }
    return "Origin '"
        + printable(origin.get())
        + "' is not this silo's ("
        + String.join(", ", origins)
        + "): a page of another site may not use this API";
  }

  /** A POST, PUT or DELETE without a body of its own: it needs a JSON body or {@value #HEADER}. */
  Route changing(Supplier<Route> inner) {
    return body(bytes -> JsonBody.Result.ok(bytes), bytes -> inner.get());
  }

  /**
   * A POST or PUT whose body {@code reader} turns into its request: refused (403) unless it has a
   * JSON body or {@value #HEADER}, then a 400 with the reader's reason if the body is bad.
   */
  <T> Route body(Function<byte[], JsonBody.Result<T>> reader, Function<T, Route> inner) {
    // Read up to Pekko's own limit (max-content-length), so that a large body is told apart
    // (a 413 with the limit) from a malformed one.
    return extractStrictEntity(
        READ_TIMEOUT,
        entity ->
            extractRequest(
                request -> {
                  byte[] bytes = entity.getData().toArray();
                  if (bytes.length > JsonBody.MAX_BYTES) {
                    metrics.increment(REFUSED, "body");
                    return complete(
                        JsonRoutes.error(
                            StatusCodes.PAYLOAD_TOO_LARGE,
                            "the body is too large: "
                                + bytes.length
                                + " bytes, at most "
                                + JsonBody.MAX_BYTES));
                  }
                  boolean header =
                      request.getHeader(HEADER).isPresent(); // any value, as openapi.json says
                  if (!header) {
                    boolean json = bytes.length > 0 && JsonBody.parse(bytes).error() == null;
                    boolean plainText =
                        entity.getContentType().mediaType().equals(MediaTypes.TEXT_PLAIN);
                    if (!json || plainText) {
                      metrics.increment(REFUSED, "cross_site");
                      return complete(
                          JsonRoutes.error(
                              StatusCodes.FORBIDDEN,
                              request.method().value()
                                  + " needs a JSON body or the header "
                                  + HEADER
                                  + " (any value), so that a form of another site"
                                  + " cannot send it"
                                  + (plainText && json
                                      ? "; a text/plain body counts only with the header"
                                      : "")));
                    }
                  }
                  JsonBody.Result<T> read = reader.apply(bytes);
                  if (read.error() != null) {
                    metrics.increment(REFUSED, "body");
                    return complete(JsonRoutes.error(StatusCodes.BAD_REQUEST, read.error()));
                  }
                  return inner.apply(read.value());
                }));
  }

  private String ours() {
    List<String> named = new ArrayList<>();
    for (String h : hosts) if (h.contains(":") && !h.endsWith("]")) named.add(h);
    return String.join(", ", named);
  }

  /** "::1" -> "[::1]": an IPv6 address as it appears in a Host header. */
  static String bracketed(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
  }

  /** The caller's text in a message: at most 100 characters, control characters as '?'. */
  private static String printable(String text) {
    String cut = text.length() > 100 ? text.substring(0, 100) + "…" : text;
    return cut.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
