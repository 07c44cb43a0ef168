package kafkapipeline.silo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafkapipeline.api.grains.PersisterProtocol;
import kafkapipeline.silo.RewindPlan.Move;
import kafkapipeline.silo.RewindPlan.PartitionOffsets;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewinds a topic's persister group {@code persister-<topic>}, coordinated by this silo: reads the
 * topic's offsets and retention and refuses by {@link RewindPlan} before touching anything; then
 * pauses the topic's persister on every silo ({@link PersisterProtocol.Pause}: each drains, closes
 * its consumer and leaves the group), reads the offsets again (the drains committed more), moves
 * the group's offsets with the Kafka Admin client, and resumes every persister ({@link
 * PersisterProtocol.Resume}, with the rewind, so every silo's status shows it). Never blocks: every
 * step is a CompletionStage.
 *
 * <p>Time-bound and safe on failure: each Kafka call is bounded by the admin client's API timeout,
 * each pause by the drain timeout plus the ask timeout, and the move is retried for {@link
 * #EMPTY_GROUP_WAIT} while the group still has members. On any failure after the pause every paused
 * persister is resumed anyway (and each resumes by itself after {@link #resumeAfter} if this silo
 * dies meanwhile) and the answer says what failed: {@link Outcome#CONFLICT} when the group kept a
 * member (a silo that joined meanwhile), a rewind of the topic runs on this silo already, or a
 * persister is paused for another silo's rewind of it, {@link Outcome#FAILED} when Kafka or a
 * persister did not answer. One rewind per topic at a time across the cluster: each rewind has an
 * id ({@link PersisterProtocol.RewindId}); a persister paused for one answers the pause of another
 * busy and ignores its resume, and a coordinator resumes only persisters it paused itself.
 */
final class TopicRewind {
  private static final Logger log = LoggerFactory.getLogger(TopicRewind.class);

  /** Longest the move waits for the group to be empty once every persister paused. */
  static final Duration EMPTY_GROUP_WAIT = Duration.ofSeconds(10);

  enum Outcome {
    DONE,
    REFUSED,
    CONFLICT,
    FAILED
  }

  /** What the rewind did: the answer when {@code DONE}, else the reason. */
  record Result(Outcome outcome, String error, Answer answer) {
    static Result failed(Outcome outcome, String error) {
      return new Result(outcome, error, null);
    }
  }

  /**
   * A rewind done: the topic, its group, when, from which point, per partition where it was moved
   * and the records to read again (to the end offset at that moment), their total, and how many
   * persisters (one per silo) were paused and resumed.
   */
  record Answer(
      String topic,
      String group,
      Instant at,
      String request,
      List<PartitionMove> partitions,
      long records,
      int persisters) {}

  record PartitionMove(int partition, long from, Long committedBefore, long end, long records) {}

  private final ActorSystem<?> system;
  private final Admin admin;
  private final RewindLog rewinds;
  private final Duration askTimeout;
  private final Duration pauseTimeout;
  private final Duration resumeAfter;
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  TopicRewind(
      ActorSystem<?> system,
      Admin admin,
      RewindLog rewinds,
      Duration askTimeout,
      Duration drainTimeout) {
    this.system = system;
    this.admin = admin;
    this.rewinds = rewinds;
    this.askTimeout = askTimeout;
    this.pauseTimeout = drainTimeout.plus(askTimeout);
    // Longer than all of one rewind's steps: only a coordinator that died leaves it to this.
    this.resumeAfter = pauseTimeout.plus(EMPTY_GROUP_WAIT).plus(Duration.ofSeconds(60));
  }

  /** How long a paused persister waits for its coordinator's resume before it resumes itself. */
  Duration resumeAfter() {
    return resumeAfter;
  }

  CompletionStage<Result> rewind(String topic, RewindPlan.Target target) {
    if (!running.add(topic))
      return done(
          Result.failed(Outcome.CONFLICT, "a rewind of " + topic + " runs on this silo already"));
    return snapshot(topic, target)
        .thenCompose(
            before -> {
              RewindPlan.Verdict first =
                  RewindPlan.plan(topic, target, Instant.now(), before.retentionMs(), before.parts);
              if (first instanceof RewindPlan.Refused refused)
                return done(Result.failed(Outcome.REFUSED, refused.reason()));
              return persistersOf(topic).thenCompose(refs -> begin(topic, target, refs));
            })
        .exceptionally(e -> Result.failed(Outcome.FAILED, "Kafka did not answer: " + reason(e)))
        .whenComplete((r, e) -> running.remove(topic));
  }

  /** Logs the rewind as {@code paused} (keeping what the log showed before), then runs it. */
  private CompletionStage<Result> begin(
      String topic, RewindPlan.Target target, List<ActorRef<PersisterProtocol.Command>> refs) {
    Instant at = Instant.now();
    // Every pause and resume of this rewind carries it: a persister paused for another rewind (of
    // another silo's coordinator) answers busy, and ignores this one's resume.
    PersisterProtocol.RewindId id =
        new PersisterProtocol.RewindId(UUID.randomUUID().toString(), system.address().hostPort());
    RewindLog.Entry pausing =
        new RewindLog.Entry(
            id.id(), id.coordinator(), RewindLog.State.PAUSED, at, target.describe(), List.of());
    // What the log showed before, put back if this rewind fails (read before this one's entry).
    CompletableFuture<RewindLog.Entry> previous =
        rewinds
            .all()
            .thenCompose(
                all -> logged(rewinds.put(topic, pausing), topic).thenApply(x -> all.get(topic)))
            .exceptionally(e -> null)
            .toCompletableFuture();
    return previous.thenCompose(before -> pauseMoveResume(topic, target, refs, at, id, before));
  }

  private CompletionStage<Result> pauseMoveResume(
      String topic,
      RewindPlan.Target target,
      List<ActorRef<PersisterProtocol.Command>> refs,
      Instant at,
      PersisterProtocol.RewindId id,
      RewindLog.Entry before) {
    List<CompletableFuture<PersisterProtocol.Paused>> asks = new ArrayList<>();
    for (var ref : refs)
      asks.add(
          AskPattern.<PersisterProtocol.Command, PersisterProtocol.Paused>ask(
                  ref,
                  reply -> new PersisterProtocol.Pause(reply, id, resumeAfter.toMillis()),
                  pauseTimeout,
                  system.scheduler())
              .toCompletableFuture());
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .handle((ok, e) -> pauses(topic, refs, asks, pauseTimeout))
        .thenCompose(
            pauses -> {
              CompletionStage<Result> moved;
              if (pauses.conflict() != null)
                moved = done(Result.failed(Outcome.CONFLICT, pauses.conflict()));
              else if (pauses.failure() != null)
                moved = done(Result.failed(Outcome.FAILED, pauses.failure()));
              else
                moved =
                    snapshot(topic, target)
                        .thenCompose(now -> move(topic, target, at, now))
                        .exceptionally(
                            e ->
                                Result.failed(
                                    Outcome.FAILED, "Kafka did not answer: " + reason(e)));
              return moved.thenCompose(
                  result -> {
                    PersisterProtocol.Rewound rewound =
                        result.outcome() == Outcome.DONE ? rewound(result) : null;
                    // Only those this rewind paused (or may have: no answer in time); never
                    // another rewind's.
                    CompletionStage<Void> logged =
                        rewound != null
                            ? rewinds.put(
                                topic,
                                new RewindLog.Entry(
                                    id.id(),
                                    id.coordinator(),
                                    RewindLog.State.MOVED,
                                    at,
                                    rewound.request(),
                                    rewound.partitions()))
                            : rewinds.restore(topic, id.id(), before);
                    return logged(logged, topic)
                        .thenCompose(x -> resumeAll(pauses.toResume(), id, rewound))
                        .thenApply(n -> withPersisters(result, n, pauses.paused()));
                  });
            });
  }

  /**
   * What the pauses of one rewind came to: the persisters to resume (all but those paused for
   * another rewind), how many paused for this one, and the reason to stop before moving anything:
   * {@code conflict} if one is paused for another rewind, else {@code failure} if one did not
   * answer in time (both null if every persister paused).
   */
  record Pauses<R>(List<R> toResume, int paused, String conflict, String failure) {}

  /** {@link Pauses} from each persister's answer ({@code answers}: completed, in refs' order). */
  static <R> Pauses<R> pauses(
      String topic,
      List<R> refs,
      List<CompletableFuture<PersisterProtocol.Paused>> answers,
      Duration timeout) {
    List<R> toResume = new ArrayList<>();
    int paused = 0;
    String conflict = null;
    String failure = null;
    for (int i = 0; i < refs.size(); i++) {
      CompletableFuture<PersisterProtocol.Paused> answer = answers.get(i);
      PersisterProtocol.Paused p = answer.isCompletedExceptionally() ? null : answer.getNow(null);
      if (p != null && p.busyWith() != null) {
        if (conflict == null)
          conflict =
              "a rewind of "
                  + topic
                  + " is running, started by "
                  + p.busyWith().coordinator()
                  + " (rewind "
                  + p.busyWith().id()
                  + "); try again once it is done";
        continue;
      }
      toResume.add(refs.get(i));
      if (p != null) paused++;
      else if (failure == null)
        failure =
            "a persister of "
                + topic
                + " did not pause within "
                + timeout.toMillis()
                + " ms: "
                + answer.handle((ok, e) -> e == null ? "no answer" : reason(e)).join();
    }
    return new Pauses<>(toResume, paused, conflict, failure);
  }

  private CompletionStage<Result> move(
      String topic, RewindPlan.Target target, Instant at, Snapshot now) {
    RewindPlan.Verdict verdict =
        RewindPlan.plan(topic, target, Instant.now(), now.retentionMs(), now.parts);
    if (verdict instanceof RewindPlan.Refused refused)
      return done(Result.failed(Outcome.REFUSED, refused.reason()));
    List<Move> moves = ((RewindPlan.Moves) verdict).moves();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (Move m : moves)
      offsets.put(new TopicPartition(topic, m.partition()), new OffsetAndMetadata(m.from()));
    long deadline = System.nanoTime() + EMPTY_GROUP_WAIT.toNanos();
    return alter(KafkaLag.group(topic), offsets, deadline)
        .thenApply(
            conflict -> {
              if (conflict != null) return Result.failed(Outcome.CONFLICT, conflict);
              List<PartitionMove> partitions =
                  moves.stream()
                      .map(
                          m ->
                              new PartitionMove(
                                  m.partition(),
                                  m.from(),
                                  m.committedBefore(),
                                  m.end(),
                                  m.records()))
                      .toList();
              long records = partitions.stream().mapToLong(PartitionMove::records).sum();
              log.info(
                  "Rewound group {} ({}): {} records to read again, per partition {}",
                  KafkaLag.group(topic),
                  target.describe(),
                  records,
                  partitions);
              return new Result(
                  Outcome.DONE,
                  null,
                  new Answer(
                      topic, KafkaLag.group(topic), at, target.describe(), partitions, records, 0));
            });
  }

  /** Null once the offsets are moved; the reason if the group kept members past the deadline. */
  private CompletionStage<String> alter(
      String group, Map<TopicPartition, OffsetAndMetadata> offsets, long deadline) {
    return stage(admin.alterConsumerGroupOffsets(group, offsets).all())
        .<CompletionStage<String>>handle(
            (ok, e) -> {
              if (e == null) return done(null);
              if (!(unwrap(e) instanceof GroupNotEmptyException))
                return CompletableFuture.failedFuture(e);
              if (System.nanoTime() > deadline) return members(group);
              return CompletableFuture.supplyAsync(
                      () -> null, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS))
                  .thenCompose(x -> alter(group, offsets, deadline));
            })
        .thenCompose(s -> s);
  }

  private CompletionStage<String> members(String group) {
    return stage(admin.describeConsumerGroups(List.of(group)).all())
        .thenApply(
            groups -> groups.get(group).members().stream().map(KafkaLag::reader).sorted().toList())
        .exceptionally(e -> List.of("(could not list them: " + reason(e) + ")"))
        .thenApply(
            members ->
                "group "
                    + group
                    + " still has members after "
                    + EMPTY_GROUP_WAIT.toSeconds()
                    + " s, so Kafka refuses to move its offsets (a silo that joined meanwhile?): "
                    + members
                    + "; every persister was resumed, try again");
  }

  private static PersisterProtocol.Rewound rewound(Result done) {
    Answer a = done.answer();
    return new PersisterProtocol.Rewound(
        a.at(),
        a.request(),
        a.partitions().stream()
            .map(p -> new PersisterProtocol.RewoundPartition(p.partition(), p.from(), p.end()))
            .toList());
  }

  private static Result withPersisters(Result r, int resumed, int paused) {
    if (r.outcome() != Outcome.DONE) return r;
    if (resumed < paused)
      log.warn(
          "Rewind of {}: {} of {} persisters answered the resume; the others resume by themselves",
          r.answer().topic(),
          resumed,
          paused);
    Answer a = r.answer();
    return new Result(
        Outcome.DONE,
        null,
        new Answer(a.topic(), a.group(), a.at(), a.request(), a.partitions(), a.records(), paused));
  }

  /** Tells every persister to resume; completes with how many answered in time that they run. */
  private CompletionStage<Integer> resumeAll(
      List<ActorRef<PersisterProtocol.Command>> refs,
      PersisterProtocol.RewindId id,
      PersisterProtocol.Rewound rewound) {
    List<CompletableFuture<Boolean>> resumes = new ArrayList<>();
    for (var ref : refs)
      resumes.add(
          AskPattern.<PersisterProtocol.Command, PersisterProtocol.Resumed>ask(
                  ref,
                  reply -> new PersisterProtocol.Resume(reply, id, rewound),
                  askTimeout,
                  system.scheduler())
              .toCompletableFuture()
              .handle((ok, e) -> e == null && ok.resumed()));
    return CompletableFuture.allOf(resumes.toArray(CompletableFuture[]::new))
        .thenApply(done -> (int) resumes.stream().filter(CompletableFuture::join).count());
  }

  /** The persisters of {@code topic} on every silo (registered under its own key). */
  private CompletionStage<List<ActorRef<PersisterProtocol.Command>>> persistersOf(String topic) {
    ServiceKey<PersisterProtocol.Command> key = PersisterProtocol.keyOf(topic);
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(),
            reply -> Receptionist.find(key, reply),
            askTimeout,
            system.scheduler())
        .thenApply(listing -> List.copyOf(listing.getServiceInstances(key)));
  }

  /** What Kafka says of the topic now: its retention.ms and every partition's offsets. */
  private record Snapshot(long retentionMs, List<PartitionOffsets> parts) {}

  private CompletionStage<Snapshot> snapshot(String topic, RewindPlan.Target target) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    CompletableFuture<Long> retention =
        stage(admin.describeConfigs(List.of(resource)).all())
            .thenApply(
                configs -> {
                  var entry = configs.get(resource).get("retention.ms");
                  return entry == null || entry.value() == null
                      ? -1L
                      : Long.parseLong(entry.value());
                });
    return stage(admin.describeTopics(List.of(topic)).allTopicNames())
        .thenCompose(
            described -> {
              List<TopicPartition> tps =
                  described.get(topic).partitions().stream()
                      .map(p -> new TopicPartition(topic, p.partition()))
                      .toList();
              var earliest = offsets(tps, OffsetSpec.earliest());
              var latest = offsets(tps, OffsetSpec.latest());
              var forTime =
                  target instanceof RewindPlan.FromTime t
                      ? offsets(tps, OffsetSpec.forTimestamp(t.at().toEpochMilli()))
                      : CompletableFuture.completedFuture(
                          Map.<TopicPartition, ListOffsetsResultInfo>of());
              var committed =
                  stage(
                      admin
                          .listConsumerGroupOffsets(KafkaLag.group(topic))
                          .partitionsToOffsetAndMetadata());
              return CompletableFuture.allOf(retention, earliest, latest, forTime, committed)
                  .thenApply(
                      d -> {
                        List<PartitionOffsets> parts = new ArrayList<>();
                        for (TopicPartition tp : tps) {
                          OffsetAndMetadata c = committed.join().get(tp);
                          ListOffsetsResultInfo t = forTime.join().get(tp);
                          parts.add(
                              new PartitionOffsets(
                                  tp.partition(),
                                  earliest.join().get(tp).offset(),
                                  latest.join().get(tp).offset(),
                                  c == null ? null : c.offset(),
                                  t == null ? null : t.offset()));
                        }
                        return new Snapshot(retention.join(), parts);
                      });
            });
  }

  private CompletableFuture<Map<TopicPartition, ListOffsetsResultInfo>> offsets(
      List<TopicPartition> tps, OffsetSpec spec) {
    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
    for (TopicPartition tp : tps) specs.put(tp, spec);
    return stage(admin.listOffsets(specs).all());
  }

  private static <T> CompletableFuture<T> stage(KafkaFuture<T> f) {
    return f.toCompletionStage().toCompletableFuture();
  }

  /** The log's write, its failure logged, not the rewind's (the log shows progress only). */
  private static CompletionStage<Void> logged(CompletionStage<Void> write, String topic) {
    return write.exceptionally(
        e -> {
          log.warn("Rewind of {}: the rewind log was not written: {}", topic, reason(e));
          return null;
        });
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) e = e.getCause();
    return e;
  }

  static String reason(Throwable e) {
    Throwable cause = unwrap(e);
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
