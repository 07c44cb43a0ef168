package kafkapipeline.silo;

import com.datastax.oss.driver.api.core.CqlSession;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import kafkapipeline.api.grains.PersisterProtocol;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.grains.declarative.DeclarativeRowMapper;
import kafkapipeline.grains.declarative.SourceStore;
import kafkapipeline.grains.persist.RowMapper;
import kafkapipeline.silo.sources.SourceRegistry;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * On every silo: this silo's copy of the declarative sources and a persister for each one's topic.
 * Every {@code refreshInterval} (and at once on {@link Refresh}) it reads the stored sources,
 * replaces the registry's copy, and for a source new to this silo creates its topic (if absent),
 * prepares its row mapper and starts its persister; for one no longer stored it drains and stops
 * its persister (the rows and the table stay). A failed read or preparation is logged and tried
 * again at the next refresh; it never stops the persisters that run.
 */
final class DeclarativePersisters extends AbstractBehavior<DeclarativePersisters.Command> {
  sealed interface Command {}

  /** Reads the stored sources now (after this silo added or removed one). */
  enum Refresh implements Command {
    INSTANCE
  }

  private record Loaded(List<SourceSpec> specs, String error) implements Command {}

  private record Prepared(SourceSpec spec, RowMapper mapper, String error) implements Command {}

  private final SourceStore store;
  private final SourceRegistry registry;
  private final CqlSession session;
  private final Connections connections;
  private final BiFunction<String, RowMapper, Behavior<PersisterProtocol.Command>> persister;
  private final Map<String, Running> running = new HashMap<>();
  private final Set<String> preparing = new HashSet<>();
  private boolean loading;

  /** A persister this silo runs, and the spec it was started for. */
  private record Running(SourceSpec spec, ActorRef<PersisterProtocol.Command> persister) {}

  static Behavior<Command> create(
      SourceStore store,
      SourceRegistry registry,
      CqlSession session,
      Connections connections,
      BiFunction<String, RowMapper, Behavior<PersisterProtocol.Command>> persister,
      Duration refreshInterval) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Refresh.INSTANCE, refreshInterval);
                  ctx.getSelf().tell(Refresh.INSTANCE);
                  return new DeclarativePersisters(
                      ctx, store, registry, session, connections, persister);
                }));
  }

  private DeclarativePersisters(
      ActorContext<Command> ctx,
      SourceStore store,
      SourceRegistry registry,
      CqlSession session,
      Connections connections,
      BiFunction<String, RowMapper, Behavior<PersisterProtocol.Command>> persister) {
    super(ctx);
    this.store = store;
    this.registry = registry;
    this.session = session;
    this.connections = connections;
    this.persister = persister;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Refresh.class, r -> onRefresh())
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(Prepared.class, this::onPrepared)
        .build();
  }

  private Behavior<Command> onRefresh() {
    if (loading) return this; // one read at a time: a slow Cassandra does not pile them up
    loading = true;
    getContext()
        .pipeToSelf(
            store.all(),
            (all, error) ->
                error == null
                    ? new Loaded(
                        all.stream()
                            .map(SourceStore.Stored::spec)
                            .filter(Objects::nonNull)
                            .toList(),
                        null)
                    : new Loaded(List.of(), String.valueOf(error)));
    return this;
  }

  private Behavior<Command> onLoaded(Loaded loaded) {
    loading = false;
    if (loaded.error() != null) {
      getContext()
          .getLog()
          .warn("Cannot read the declarative sources (next try soon): {}", loaded.error());
      return this;
    }
    registry.declarative(loaded.specs());
    Map<String, SourceSpec> stored = new HashMap<>();
    for (SourceSpec s : loaded.specs()) stored.put(s.name(), s);
    for (var it = running.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!stored.containsKey(e.getKey())) {
        getContext().getLog().info("Source {} removed: stopping its persister", e.getKey());
        e.getValue()
            .persister()
            .tell(new PersisterProtocol.Stop(getContext().getSystem().ignoreRef()));
        it.remove();
      }
    }
    for (SourceSpec spec : loaded.specs()) {
      if (running.containsKey(spec.name()) || !preparing.add(spec.name())) continue;
      getContext()
          .pipeToSelf(
              connections
                  .ensureTopics(List.of(spec.topicOrName()))
                  .thenCompose(topic -> DeclarativeRowMapper.prepare(session, spec)),
              (mapper, error) ->
                  new Prepared(spec, mapper, error == null ? null : Connections.reason(error)));
    }
    return this;
  }

  private Behavior<Command> onPrepared(Prepared prepared) {
    String name = prepared.spec().name();
    preparing.remove(name);
    if (prepared.error() != null) {
      getContext()
          .getLog()
          .warn(
              "Cannot start the persister of source {} yet (next try soon): {}",
              name,
              prepared.error());
      return this;
    }
    // The child's name carries the topic: a source removed and added again while its old
    // persister drains gets a fresh one beside it.
    ActorRef<PersisterProtocol.Command> ref =
        getContext()
            .spawnAnonymous(persister.apply(prepared.spec().topicOrName(), prepared.mapper()));
    running.put(name, new Running(prepared.spec(), ref));
    return this;
  }
}
