package kafkapipeline.grains.declarative;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.JavaFlowSupport;

/**
 * The {@code sendAsync} of the JDK's {@link HttpClient}, carried by pekko-http through a {@link
 * CheckedResolver}: {@link PollClient} builds JDK requests and reads bodies with JDK body handlers
 * as before, while every connection goes to an address the rule allowed (see {@link
 * CheckedResolver} for why not the JDK client itself). As the JDK client does with its defaults:
 * redirects are not followed (a 3xx is the answer), {@link HttpRequest#timeout()} bounds the wait
 * for the response's headers (an {@link HttpTimeoutException}), the connect timeout bounds the
 * connection, and the stage completes once the body handler has the whole body (or fails with its
 * failure, or the connection's). The body is handed over as it arrives, without pekko-http's entity
 * size limit: the handler is the one bound.
 */
final class CheckedHttp {
  private final ActorSystem<?> system;
  private final Materializer materializer;
  private final ConnectionPoolSettings pool;

  CheckedHttp(ActorSystem<?> system, CheckedResolver resolver, Duration connectTimeout) {
    this.system = system;
    this.materializer = Materializer.matFromSystem(system);
    ClientConnectionSettings connection =
        ClientConnectionSettings.create(Adapter.toClassic(system))
            .withConnectingTimeout(connectTimeout)
            .withTransport(resolver.transport());
    this.pool =
        ConnectionPoolSettings.create(Adapter.toClassic(system))
            .withConnectionSettings(connection)
            // As the JDK client: no retries of its own (the source backs off and polls again).
            .withMaxRetries(0);
  }

  <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    org.apache.pekko.http.javadsl.model.HttpRequest out =
        org.apache.pekko.http.javadsl.model.HttpRequest.create(request.uri().toString())
            .withMethod(HttpMethods.lookup(request.method()).orElse(HttpMethods.GET));
    for (Map.Entry<String, List<String>> h : request.headers().map().entrySet())
      for (String value : h.getValue()) out = out.addHeader(HttpHeader.parse(h.getKey(), value));
    Http http = Http.get(system);
    CompletableFuture<org.apache.pekko.http.javadsl.model.HttpResponse> headers =
        new CompletableFuture<>();
    http.singleRequest(out, http.defaultClientHttpsContext(), pool, Adapter.toClassic(system).log())
        .whenComplete(
            (response, error) -> {
              // The refusal itself, not pekko-http's wrapping of it: its message says why.
              if (error != null)
                headers.completeExceptionally(
                    CheckedResolver.refusal(error).<Throwable>map(r -> r).orElse(error));
              // Too late (timed out): let the connection go.
              else if (!headers.complete(response)) response.discardEntityBytes(materializer);
            });
    request
        .timeout()
        .ifPresent(
            t ->
                CompletableFuture.delayedExecutor(t.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(
                        () ->
                            headers.completeExceptionally(
                                new HttpTimeoutException("request timed out after " + t))));
    return headers.thenCompose(response -> body(request, response, handler));
  }

  private <T> CompletableFuture<HttpResponse<T>> body(
      HttpRequest request,
      org.apache.pekko.http.javadsl.model.HttpResponse response,
      HttpResponse.BodyHandler<T> handler) {
    int status = response.status().intValue();
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (HttpHeader h : response.getHeaders())
      map.computeIfAbsent(h.name(), k -> new ArrayList<>()).add(h.value());
    // pekko-http keeps these in the entity, not among the headers.
    if (!response.entity().getContentType().equals(ContentTypes.NO_CONTENT_TYPE))
      map.put("Content-Type", List.of(response.entity().getContentType().toString()));
    response
        .entity()
        .getContentLengthOption()
        .ifPresent(length -> map.put("Content-Length", List.of(String.valueOf(length))));
    HttpHeaders jdkHeaders = HttpHeaders.of(map, (name, value) -> true);
    HttpResponse.ResponseInfo info =
        new HttpResponse.ResponseInfo() {
          @Override
          public int statusCode() {
            return status;
          }

          @Override
          public HttpHeaders headers() {
            return jdkHeaders;
          }

          @Override
          public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
          }
        };
    HttpResponse.BodySubscriber<T> subscriber = handler.apply(info);
    response
        .entity()
        .withoutSizeLimit()
        .getDataBytes()
        .map(bytes -> List.<ByteBuffer>of(bytes.asByteBuffer()))
        .runWith(JavaFlowSupport.Sink.fromSubscriber(subscriber), materializer);
    return subscriber
        .getBody()
        .toCompletableFuture()
        .thenApply(value -> new Response<>(request, status, jdkHeaders, value));
  }

  private record Response<T>(HttpRequest request, int statusCode, HttpHeaders headers, T body)
      implements HttpResponse<T> {
    @Override
    public Optional<HttpResponse<T>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public URI uri() {
      return request.uri();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
