package kafkapipeline.silo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.HttpCookiePair;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Guards every route with the configured bearer token; with an empty token it lets everything
 * through. A request passes with {@code Authorization: Bearer <token>} (the scheme in any case, as
 * RFC 9110 says) or with the session cookie. A GET or HEAD with {@code ?token=<token>} (for opening
 * the dashboard in a browser) is answered with a 303 to the same URL without that parameter,
 * setting the cookie ({@code HttpOnly}, {@code SameSite=Strict}, {@code Path=/}, {@code Max-Age}
 * from {@code pipeline.http.session-max-age}), so the token leaves the address bar and the history.
 * The cookie is not {@code Secure}: the silo serves plain HTTP only (a browser would not send a
 * Secure cookie back over it). Anything else is a 401 JSON error with a {@code WWW-Authenticate:
 * Bearer} challenge. Tokens are compared in constant time.
 */
final class TokenAuth extends AllDirectives {
  static final String COOKIE = "pipeline_token";
  static final String PARAMETER = "token";

  private final byte[] token;
  private final long cookieMaxAgeSeconds;

  TokenAuth(String token, Duration cookieMaxAge) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.cookieMaxAgeSeconds = cookieMaxAge.toSeconds();
  }

  /**
   * {@code inner} told whether the request carries the token (in its Authorization header or the
   * cookie); always true when no token is configured. Never refuses anything itself.
   */
  Route authorized(Function<Boolean, Route> inner) {
    if (token.length == 0) return inner.apply(true);
    return optionalHeaderValueByName(
        "Authorization",
        header ->
            optionalCookie(
                COOKIE,
                cookie ->
                    inner.apply(
                        matches(header.flatMap(TokenAuth::bearer))
                            || matches(cookie.map(HttpCookiePair::value)))));
  }

  Route guard(Supplier<Route> inner) {
    if (token.length == 0) return inner.get();
    return extractRequest(
        request ->
            parameterOptional(
                PARAMETER,
                query -> {
                  boolean page =
                      request.method().equals(HttpMethods.GET)
                          || request.method().equals(HttpMethods.HEAD);
                  if (page && matches(query)) {
                    return setCookie(
                        HttpCookie.create(COOKIE, new String(token, StandardCharsets.UTF_8))
                            .withHttpOnly(true)
                            .withSameSite(SameSite.Strict)
                            .withPath("/")
                            .withMaxAge(cookieMaxAgeSeconds),
                        () -> redirect(withoutToken(request), StatusCodes.SEE_OTHER));
                  }
                  return authorized(ok -> ok ? inner.get() : unauthorized());
                }));
  }

  private Route unauthorized() {
    return respondWithHeader(
        WWWAuthenticate.create(HttpChallenge.create("Bearer", "pipeline")),
        () ->
            complete(
                JsonRoutes.error(
                    StatusCodes.UNAUTHORIZED,
                    "this silo needs a token: Authorization: Bearer <token> (or ?token= in a"
                        + " GET to open the dashboard)")));
  }

  /**
   * The request's own path and query, relative (so no Host is trusted), without the {@code token}
   * parameter; the other parameters stay as they were sent.
   */
  static Uri withoutToken(HttpRequest request) {
    // Not Uri.toRelative: it throws on a path of "//" (a 500 for "//host/x?token=...").
    Uri relative = request.getUri();
    String kept =
        relative
            .rawQueryString()
            .map(
                raw ->
                    Arrays.stream(raw.split("&"))
                        .filter(part -> !PARAMETER.equals(name(part)))
                        .collect(Collectors.joining("&")))
            .orElse("");
    // One leading slash: "//host/x" as a Location would be another host's URL (it made Uri.create
    // read "host" as an authority and the redirect a 500).
    String rawPath = relative.getPathString().replaceFirst("^/+", "/");
    Uri path = Uri.create(rawPath.isEmpty() ? "/" : rawPath);
    return kept.isEmpty() ? path : path.rawQueryString(kept);
  }

  private static String name(String part) {
    int eq = part.indexOf('=');
    String raw = eq < 0 ? part : part.substring(0, eq);
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return raw; // RequestChecks refuses a malformed query before this: keep it as it came
    }
  }

  /** The credentials of an Authorization header of scheme Bearer, in any case (RFC 9110 11.1). */
  static Optional<String> bearer(String header) {
    String h = header.strip();
    int space = h.indexOf(' ');
    if (space < 0 || !h.substring(0, space).equalsIgnoreCase("Bearer")) return Optional.empty();
    return Optional.of(h.substring(space + 1).strip());
  }

  private boolean matches(Optional<String> given) {
    return given.isPresent()
        && MessageDigest.isEqual(token, given.get().getBytes(StandardCharsets.UTF_8));
  }
}
