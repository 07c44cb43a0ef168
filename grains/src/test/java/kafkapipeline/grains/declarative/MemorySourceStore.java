package kafkapipeline.grains.declarative;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.sources.SourceSpec;

/**
 * A {@link SourceStore} in memory, for tests: the specs kept as the JSON the Cassandra store keeps,
 * so a spec that does not survive {@link EventJson} fails here too.
 */
final class MemorySourceStore implements SourceStore {
  private final Map<String, String> json = new ConcurrentSkipListMap<>();
  private final Instant addedAt = Instant.parse("2026-01-01T00:00:00Z");

  @Override
  public CompletionStage<Void> save(SourceSpec spec) {
    json.put(spec.name(), new String(EventJson.write(spec), StandardCharsets.UTF_8));
    return CompletableFuture.completedFuture(null);
  }

  /** Stores any text as a spec (a corrupt row). */
  void saveRaw(String name, String text) {
    json.put(name, text);
  }

  @Override
  public CompletionStage<Boolean> delete(String name) {
    return CompletableFuture.completedFuture(json.remove(name) != null);
  }

  @Override
  public <A> CompletionStage<A> fold(A start, java.util.function.BiFunction<A, Stored, A> f) {
    A acc = start;
    for (var e : json.entrySet())
      acc = f.apply(acc, SourceStore.read(e.getKey(), e.getValue(), addedAt));
    return CompletableFuture.completedFuture(acc);
  }

  @Override
  public CompletionStage<Optional<Stored>> get(String name) {
    String found = json.get(name);
    return CompletableFuture.completedFuture(
        found == null ? Optional.empty() : Optional.of(SourceStore.read(name, found, addedAt)));
  }
}
