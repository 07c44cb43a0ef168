package kafkapipeline.silo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Guards every route with the configured bearer token; with an empty token it lets everything
 * through. A request passes with {@code Authorization: Bearer <token>}, with {@code ?token=<token>}
 * (for opening the dashboard in a browser: the answer then sets an HttpOnly, SameSite=Strict cookie
 * so the page's own requests pass too), or with that cookie. Anything else is a 401 JSON error with
 * a {@code WWW-Authenticate: Bearer} challenge. Tokens are compared in constant time.
 */
final class TokenAuth extends AllDirectives {
  static final String COOKIE = "pipeline_token";

  private final byte[] token;

  TokenAuth(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  Route guard(Supplier<Route> inner) {
    if (token.length == 0) return inner.get();
    return optionalHeaderValueByName(
        "Authorization",
        header ->
            parameterOptional(
                "token",
                query ->
                    optionalCookie(
                        COOKIE,
                        cookie -> {
                          if (matches(
                                  header
                                      .filter(h -> h.startsWith("Bearer "))
                                      .map(h -> h.substring(7).strip()))
                              || matches(cookie.map(c -> c.value()))) {
                            return inner.get();
                          }
                          if (matches(query)) {
                            return setCookie(
                                HttpCookie.create(COOKIE, new String(token, StandardCharsets.UTF_8))
                                    .withHttpOnly(true)
                                    .withSameSite(SameSite.Strict)
                                    .withPath("/"),
                                inner);
                          }
                          return respondWithHeader(
                              WWWAuthenticate.create(HttpChallenge.create("Bearer", "pipeline")),
                              () ->
                                  complete(
                                      JsonRoutes.error(
                                          StatusCodes.UNAUTHORIZED,
                                          "this silo needs a token: Authorization: Bearer <token> (or ?token= to open the dashboard)")));
                        })));
  }

  private boolean matches(Optional<String> given) {
    return given.isPresent()
        && MessageDigest.isEqual(token, given.get().getBytes(StandardCharsets.UTF_8));
  }
}
