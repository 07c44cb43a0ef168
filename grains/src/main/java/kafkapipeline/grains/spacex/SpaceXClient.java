package kafkapipeline.grains.spacex;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import kafkapipeline.api.SpaceXLaunch;
import kafkapipeline.grains.spacex.SpaceXJson.LaunchList;
import kafkapipeline.grains.spacex.SpaceXJson.Payload;

/**
 * The SpaceX API v4 calls the source makes, non-blocking (JDK HTTP client). Every outcome is a
 * {@link Result}, never an exception: a failed stage is not possible.
 *
 * <p>Rocket, launchpad and payload ids are stable, so their resolutions are cached in memory for
 * the life of the client (a few hundred entries at most); concurrent lookups of one id share a
 * single request, and a lookup that failed is not cached, so the next poll tries again.
 */
public final class SpaceXClient {
  private static final int MAX_ERROR_BODY = 200;

  /** What went wrong; {@link #isTransient()} problems are worth the same request again later. */
  public enum Problem {
    RATE_LIMITED,
    SERVER_ERROR,
    NETWORK,
    NOT_FOUND,
    HTTP_ERROR,
    MALFORMED;

    public boolean isTransient() {
      return this == RATE_LIMITED || this == SERVER_ERROR || this == NETWORK;
    }
  }

  public sealed interface Result<T> {}

  public record Ok<T>(T value) implements Result<T> {}

  /**
   * {@code message} names the request and the cause, e.g. {@code rate limited (429): GET
   * /v4/launches/upcoming}.
   */
  public record Failed<T>(Problem problem, String message) implements Result<T> {}

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final Map<String, CompletableFuture<Result<String>>> rocketNames =
      new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Result<String>>> launchpadNames =
      new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Result<Payload>>> payloads =
      new ConcurrentHashMap<>();

  public SpaceXClient(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  /**
   * The upcoming launches, and with {@code includePast} the past ones after them. Fails as a whole
   * when a list cannot be read (a body that is not an array is {@link Problem#MALFORMED}); bad
   * elements of a good list are only listed in {@link LaunchList#malformed()}.
   */
  public CompletionStage<Result<LaunchList>> launches(boolean includePast) {
    CompletableFuture<Result<LaunchList>> upcoming =
        get("/v4/launches/upcoming", SpaceXJson::launches);
    if (!includePast) return upcoming;
    return upcoming.thenCombine(
        get("/v4/launches/past", SpaceXJson::launches),
        (u, p) -> {
          if (u instanceof Failed<LaunchList>) return u;
          if (p instanceof Failed<LaunchList>) return p;
          return new Ok<>(((Ok<LaunchList>) u).value().plus(((Ok<LaunchList>) p).value()));
        });
  }

  /**
   * Resolves every launch's rocket, launchpad and payloads. A lookup that fails for good (404, a
   * bad body, another 4xx) leaves its fields null and never drops the launch; a transient failure
   * (429, 5xx, network) fails the whole call with that problem, so no launch is published with
   * names missing only because the API was busy.
   */
  public CompletionStage<Result<List<SpaceXLaunch>>> resolve(List<SpaceXJson.Launch> launches) {
    List<CompletableFuture<Result<SpaceXLaunch>>> all =
        launches.stream().map(this::resolve).toList();
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<SpaceXLaunch> out = new ArrayList<>(all.size());
              for (CompletableFuture<Result<SpaceXLaunch>> f : all) {
                Result<SpaceXLaunch> r = f.join();
                if (r instanceof Failed<SpaceXLaunch> failed)
                  return new Failed<>(failed.problem(), failed.message());
                out.add(((Ok<SpaceXLaunch>) r).value());
              }
              return new Ok<>(List.copyOf(out));
            });
  }

  private CompletableFuture<Result<SpaceXLaunch>> resolve(SpaceXJson.Launch l) {
    CompletableFuture<Result<String>> rocket =
        cached(rocketNames, "/v4/rockets/", l.rocketId(), SpaceXJson::name);
    CompletableFuture<Result<String>> pad =
        cached(launchpadNames, "/v4/launchpads/", l.launchpadId(), SpaceXJson::name);
    List<CompletableFuture<Result<Payload>>> loads =
        l.payloadIds().stream()
            .map(id -> cached(payloads, "/v4/payloads/", id, SpaceXJson::payload))
            .toList();
    List<CompletableFuture<?>> every = new ArrayList<>(loads);
    every.add(rocket);
    every.add(pad);
    return CompletableFuture.allOf(every.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              for (CompletableFuture<?> f : every) {
                if (f.join() instanceof Failed<?> failed && failed.problem().isTransient()) {
                  return new Failed<>(
                      failed.problem(), "resolving launch " + l.id() + ": " + failed.message());
                }
              }
              List<Payload> known =
                  loads.stream().map(f -> valueOrNull(f.join())).filter(Objects::nonNull).toList();
              return new Ok<>(
                  new SpaceXLaunch(
                      l.id(),
                      l.name(),
                      l.dateUtc(),
                      valueOrNull(rocket.join()),
                      l.success(),
                      valueOrNull(pad.join()),
                      payloadType(known),
                      payloadMass(known, l.payloadIds().size()),
                      l.upcoming(),
                      l.flightNumber(),
                      l.details()));
            });
  }

  static String payloadType(List<Payload> known) {
    List<String> types =
        known.stream().map(Payload::type).filter(Objects::nonNull).distinct().toList();
    return types.isEmpty() ? null : String.join(", ", types);
  }

  /** The total, only when every one of {@code expected} payloads has a known mass. */
  static Double payloadMass(List<Payload> known, int expected) {
    if (expected == 0
        || known.size() != expected
        || known.stream().anyMatch(p -> p.massKg() == null)) return null;
    return known.stream().mapToDouble(Payload::massKg).sum();
  }

  private static <T> T valueOrNull(Result<T> r) {
    return r instanceof Ok<T> ok ? ok.value() : null;
  }

  /** A lookup by id through its cache; a null id is resolved to null without a request. */
  private <T> CompletableFuture<Result<T>> cached(
      Map<String, CompletableFuture<Result<T>>> cache,
      String path,
      String id,
      Function<String, T> parser) {
    if (id == null) return CompletableFuture.completedFuture(new Ok<>(null));
    CompletableFuture<Result<T>> mine = new CompletableFuture<>();
    CompletableFuture<Result<T>> existing = cache.putIfAbsent(id, mine);
    if (existing != null) return existing;
    get(path + URLEncoder.encode(id, StandardCharsets.UTF_8), parser)
        .thenAccept(
            r -> {
              if (!(r instanceof Ok<T>)) cache.remove(id, mine);
              mine.complete(r);
            });
    return mine;
  }

  private <T> CompletableFuture<Result<T>> get(String path, Function<String, T> parser) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(15))
            .header("Accept", "application/json")
            .GET()
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, error) ->
                error != null
                    ? new Failed<>(
                        Problem.NETWORK,
                        "GET "
                            + path
                            + " failed: "
                            + (error.getCause() != null ? error.getCause() : error))
                    : interpret(path, response.statusCode(), response.body(), parser));
  }

  /** The outcome of one answer: 200 parsed, or the status as a typed problem. */
  static <T> Result<T> interpret(String path, int status, String body, Function<String, T> parser) {
    if (status == 200) {
      try {
        return new Ok<>(parser.apply(body));
      } catch (RuntimeException e) {
        return new Failed<>(
            Problem.MALFORMED, "malformed JSON from GET " + path + ": " + e.getMessage());
      }
    }
    String what = "GET " + path + ": " + snippet(body);
    if (status == 429) return new Failed<>(Problem.RATE_LIMITED, "rate limited (429): " + what);
    if (status == 404) return new Failed<>(Problem.NOT_FOUND, "not found (404): " + what);
    if (status >= 500) return new Failed<>(Problem.SERVER_ERROR, "HTTP " + status + ": " + what);
    return new Failed<>(Problem.HTTP_ERROR, "HTTP " + status + ": " + what);
  }

  private static String snippet(String body) {
    String text = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    return text.length() > MAX_ERROR_BODY ? text.substring(0, MAX_ERROR_BODY) + "…" : text;
  }
}
