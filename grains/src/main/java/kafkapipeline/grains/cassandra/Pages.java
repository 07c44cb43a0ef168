package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * Reads a result page by page, as the driver pages it: only one page is held at a time, each page
 * folded into an accumulator before the next one is asked for. Non-blocking; a failed page fails
 * the returned stage.
 */
public final class Pages {
  /** The rows per page of every paged read of the pipeline's own tables. */
  public static final int PAGE_SIZE = 100;

  private Pages() {}

  /**
   * {@code start} with every row of {@code first} and the pages after it folded in by {@code f}.
   */
  public static <A> CompletionStage<A> fold(
      CompletionStage<AsyncResultSet> first, A start, BiFunction<A, Row, A> f) {
    return first.thenCompose(rs -> page(rs, start, f));
  }

  private static <A> CompletionStage<A> page(AsyncResultSet rs, A acc, BiFunction<A, Row, A> f) {
    A next = acc;
    for (Row row : rs.currentPage()) next = f.apply(next, row);
    A folded = next;
    return rs.hasMorePages()
        ? rs.fetchNextPage().thenCompose(more -> page(more, folded, f))
        : CompletableFuture.completedFuture(folded);
  }
}
