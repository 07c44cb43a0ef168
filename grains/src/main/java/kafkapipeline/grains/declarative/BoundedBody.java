package kafkapipeline.grains.declarative;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A poll's body, read whole unless a bound stops it: more than {@code maxBytes}, the silo's {@link
 * PollBudget} exhausted, or {@link #abort} (the poll's deadline). Once stopped, the subscription is
 * cancelled (the connection is then dropped, so a server trickling bytes is cut off), the bytes
 * read so far are let go and the body fails with {@link PollBoundException} naming the bound. Never
 * throws to the client; what it keeps is at most {@code maxBytes}, reserved first.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
  /** A bound stopped the poll; the message names it, with its setting. */
  static final class PollBoundException extends RuntimeException {
    PollBoundException(String message) {
      super(message, null, false, false);
    }
  }

  private final int maxBytes;
  private final PollBudget.Lease lease;
  private final long budget;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private ByteArrayOutputStream out = new ByteArrayOutputStream();
  private Flow.Subscription subscription;
  private String aborted; // set by abort before the body began

  BoundedBody(int maxBytes, PollBudget.Lease lease, long budget) {
    this.maxBytes = maxBytes;
    this.lease = lease;
    this.budget = budget;
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public synchronized void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (aborted != null) {
      s.cancel();
      return;
    }
    s.request(Long.MAX_VALUE);
  }

  @Override
  public synchronized void onNext(List<ByteBuffer> buffers) {
    if (result.isDone()) return;
    for (ByteBuffer b : buffers) {
      int n = b.remaining();
      if ((long) out.size() + n > maxBytes) {
        stop("the body is over " + maxBytes + " bytes (setting max-body-bytes)");
        return;
      }
      if (!lease.reserve(n)) {
        stop(
            "the silo's poll bodies are at their limit of "
                + budget
                + " bytes (setting max-buffered-bytes), held by other polls");
        return;
      }
      byte[] chunk = new byte[n];
      b.get(chunk);
      out.writeBytes(chunk);
    }
  }

  @Override
  public synchronized void onError(Throwable error) {
    out = null;
    result.completeExceptionally(error);
  }

  @Override
  public synchronized void onComplete() {
    if (result.isDone()) return;
    byte[] body = out.toByteArray();
    out = null;
    result.complete(body);
  }

  /** Stops the body now (from any thread): {@code reason} is the failure's message. */
  synchronized void abort(String reason) {
    if (subscription == null) aborted = reason;
    stop(reason);
  }

  private void stop(String reason) {
    if (subscription != null) subscription.cancel();
    out = null;
    result.completeExceptionally(new PollBoundException(reason));
  }
}
