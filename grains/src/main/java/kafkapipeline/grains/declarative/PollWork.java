package kafkapipeline.grains.declarative;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.grains.declarative.ItemExtraction.Extraction;
import kafkapipeline.grains.kafka.EventPublisher;

/**
 * One {@code http-poll} attempt from the GET to Kafka's last acknowledgement, none of it on an
 * actor's thread: the GET is non-blocking ({@link PollClient}, bounded in bytes, budget and time),
 * the document is parsed on a small pool of its own ({@value #THREADS} threads, so a large document
 * delays only other sources' parsing, never a dispatcher other grains use), and its records are
 * sent in {@link Batches}. The body's share of the silo's {@link PollBudget} is held until the
 * attempt ends, whichever way. The stage fails only when Kafka refuses a batch; every other outcome
 * is an {@link Outcome}.
 */
final class PollWork {
  private PollWork() {}

  static final int THREADS = 2;

  private static final ExecutorService EXTRACTION =
      Executors.newFixedThreadPool(
          THREADS,
          new java.util.concurrent.ThreadFactory() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
              Thread t = new Thread(r, "declarative-extraction-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            }
          });

  sealed interface Outcome {}

  /** A 200 whose records Kafka acknowledged; the validators to send next time. */
  record Published(Extraction extraction, String etag, String lastModified) implements Outcome {}

  /** A 304. */
  record Unchanged() implements Outcome {}

  /**
   * The attempt failed: wait at least {@code atLeast}. {@code overBound}: a bound of the settings
   * stopped it; {@code published} what was sent all the same (the dead letter of a document over
   * the item limit), else {@link Extraction#NONE}.
   */
  record Refused(String reason, Duration atLeast, boolean overBound, Extraction published)
      implements Outcome {}

  static CompletionStage<Outcome> run(
      PollClient client,
      PollBudget budget,
      SourceSpec spec,
      Map<String, String> secrets,
      String etag,
      String lastModified,
      EventPublisher publisher,
      DeclarativeSettings settings) {
    PollBudget.Lease lease = budget.lease();
    CompletionStage<Outcome> outcome;
    try {
      outcome =
          client
              .get(spec, secrets, etag, lastModified, lease)
              .thenCompose(result -> after(result, spec, publisher, settings));
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
    return outcome.whenComplete((done, error) -> lease.close());
  }

  private static CompletionStage<Outcome> after(
      PollClient.Result result,
      SourceSpec spec,
      EventPublisher publisher,
      DeclarativeSettings settings) {
    if (result instanceof PollClient.Fresh fresh) {
      return CompletableFuture.supplyAsync(
              () -> ItemExtraction.document(fresh.body(), spec, settings.maxItems()), EXTRACTION)
          .thenCompose(
              e ->
                  Batches.publish(
                          publisher,
                          spec.topicOrName(),
                          e.records(),
                          settings.batchSize(),
                          settings.maxBatchBytes())
                      .thenApply(
                          sent ->
                              overLimit(e)
                                  ? new Refused(e.problem(), Duration.ZERO, true, e)
                                  : new Published(e, fresh.etag(), fresh.lastModified())));
    }
    Outcome other;
    if (result instanceof PollClient.NotModified) other = new Unchanged();
    else if (result instanceof PollClient.RateLimited r)
      other = new Refused(r.message(), r.retryAfter(), false, Extraction.NONE);
    else if (result instanceof PollClient.OverBound o)
      other = new Refused(o.message(), Duration.ZERO, true, Extraction.NONE);
    else
      other =
          new Refused(
              ((PollClient.Failed) result).message(), Duration.ZERO, false, Extraction.NONE);
    return CompletableFuture.completedFuture(other);
  }

  /** The document had more items than allowed: its one record is the dead letter saying so. */
  private static boolean overLimit(Extraction e) {
    return e.published() == 0
        && e.malformed() == 1
        && e.problem() != null
        && e.problem().startsWith(ItemExtraction.TOO_MANY);
  }
}
