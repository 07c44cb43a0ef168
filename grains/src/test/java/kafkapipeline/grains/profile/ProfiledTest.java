package kafkapipeline.grains.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Profiled} in real actors: exact message, failure and activation counts, message names as
 * the grain's own classes (also for timer and adapted messages), buckets that sum to the count.
 * Each test uses its own {@link GrainProfiler}, so the counts are exact whatever else runs.
 */
class ProfiledTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  sealed interface Msg {}

  record Ping(ActorRef<Integer> replyTo) implements Msg {}

  record Boom() implements Msg {}

  record Adapted(String text) implements Msg {}

  enum Tick implements Msg {
    INSTANCE
  }

  enum WithBody implements Msg {
    ONE {
      @Override
      public String toString() {
        return "one";
      }
    }
  }

  /** Replies with how many pings it handled; throws on Boom. */
  private static Behavior<Msg> counter() {
    return Behaviors.setup(
        ctx -> {
          int[] pings = {0};
          return Behaviors.receive(Msg.class)
              .onMessage(
                  Ping.class,
                  p -> {
                    p.replyTo().tell(++pings[0]);
                    return Behaviors.same();
                  })
              .onMessage(
                  Boom.class,
                  b -> {
                    throw new IllegalStateException("boom");
                  })
              .onAnyMessage(m -> Behaviors.same())
              .build();
        });
  }

  private static GrainProfile.Entry entry(GrainProfiler p, String grain, String message) {
    return p.snapshot().grains().stream()
        .filter(e -> e.grain().equals(grain) && e.message().equals(message))
        .findFirst()
        .orElse(null);
  }

  private static void assertBucketsSumToCount(GrainProfile profile) {
    for (GrainProfile.Entry e : profile.grains()) {
      assertEquals(GrainProfiler.BUCKETS, e.buckets().size(), e.toString());
      assertEquals(
          e.messages(), e.buckets().stream().mapToLong(Long::longValue).sum(), e.toString());
    }
  }

  /** Waits until the recorder of the last message has run (it records after the reply is sent). */
  private static void awaitMessages(GrainProfiler p, String grain, String message, long n) {
    TestProbe<Object> waiter = testKit.createTestProbe();
    waiter.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          GrainProfile.Entry e = entry(p, grain, message);
          assertEquals(n, e == null ? 0 : e.messages());
          return null;
        });
  }

  @Test
  void everyMessageIsCountedOnceUnderItsClass() {
    GrainProfiler p = new GrainProfiler();
    ActorRef<Msg> ref = testKit.spawn(Profiled.behavior(p, "counter", counter()));
    TestProbe<Integer> replies = testKit.createTestProbe();
    int n = 20_000;
    for (int i = 0; i < n; i++) ref.tell(new Ping(replies.getRef()));
    replies.receiveSeveralMessages(n);
    awaitMessages(p, "counter", "Ping", n);
    GrainProfile.Entry e = entry(p, "counter", "Ping");
    assertEquals(0, e.failures());
    assertTrue(e.nanos() > 0, "handling time is summed: " + e);
    assertEquals(List.of("Ping"), messagesOf(p, "counter"));
    assertBucketsSumToCount(p.snapshot());
    assertEquals(GrainProfiler.BOUNDS_MICROS, p.snapshot().boundsMicros());
    assertEquals(Map.of("counter", 1L), p.snapshot().active());
  }

  private static List<String> messagesOf(GrainProfiler p, String grain) {
    return p.snapshot().grains().stream()
        .filter(e -> e.grain().equals(grain))
        .map(GrainProfile.Entry::message)
        .collect(Collectors.toList());
  }

  @Test
  void aThrowingHandlerIsAFailureAndTheSupervisorStillSeesIt() {
    throwingUnder(SupervisorStrategy.restart());
  }

  @Test
  void aRestartWithBackoffKeepsTheActiveCountExact() {
    // As SourceSingleton supervises every source grain.
    throwingUnder(
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(1), Duration.ofMillis(5), 0));
  }

  private static void throwingUnder(SupervisorStrategy strategy) {
    GrainProfiler p = new GrainProfiler();
    // The supervisor outside the profiled behaviour, as SourceSingleton places it.
    ActorRef<Msg> ref =
        testKit.spawn(
            Behaviors.supervise(Profiled.behavior(p, "flaky", counter()))
                .onFailure(IllegalStateException.class, strategy));
    TestProbe<Integer> replies = testKit.createTestProbe();
    int booms = 7;
    for (int i = 0; i < booms; i++) {
      ref.tell(new Boom());
      // A restart resets the counter: each ping after a boom is the first of its instance.
      ref.tell(new Ping(replies.getRef()));
      assertEquals(1, replies.receiveMessage());
    }
    awaitMessages(p, "flaky", "Ping", booms);
    GrainProfile.Entry boom = entry(p, "flaky", "Boom");
    assertEquals(booms, boom.messages());
    assertEquals(booms, boom.failures());
    assertEquals(0, entry(p, "flaky", "Ping").failures());
    // Each restart was a deactivation (PreRestart) and an activation: one instance all along.
    assertEquals(1L, p.snapshot().active().get("flaky"));
    testKit.stop(ref);
    awaitActive(p, "flaky", 0);
  }

  @Test
  void anUnsupervisedFailureStopsTheInstanceOnce() {
    GrainProfiler p = new GrainProfiler();
    ActorRef<Msg> ref = testKit.spawn(Profiled.behavior(p, "fragile", counter()));
    TestProbe<Object> watcher = testKit.createTestProbe();
    ref.tell(new Boom());
    watcher.expectTerminated(ref, Duration.ofSeconds(5));
    awaitActive(p, "fragile", 0);
    assertEquals(1, entry(p, "fragile", "Boom").failures());
  }

  @Test
  void activationsAndDeactivationsAreExact() {
    GrainProfiler p = new GrainProfiler();
    int n = 200;
    List<ActorRef<Msg>> refs = new ArrayList<>();
    for (int i = 0; i < n; i++) refs.add(testKit.spawn(Profiled.behavior(p, "many", counter())));
    awaitActive(p, "many", n);
    for (int i = 0; i < n / 2; i++) testKit.stop(refs.get(i));
    awaitActive(p, "many", n / 2);
    // One stopped by returning stopped from its handler, not by its parent.
    ActorRef<Msg> selfStopping =
        testKit.spawn(
            Profiled.behavior(
                p,
                "many",
                Behaviors.receive(Msg.class).onAnyMessage(m -> Behaviors.stopped()).build()));
    awaitActive(p, "many", n / 2 + 1);
    selfStopping.tell(Tick.INSTANCE);
    awaitActive(p, "many", n / 2);
    for (int i = n / 2; i < n; i++) testKit.stop(refs.get(i));
    awaitActive(p, "many", 0);
    // A behaviour that stops at its start was never active and is not counted.
    testKit.spawn(Profiled.behavior(p, "never", Behaviors.<Msg>setup(ctx -> Behaviors.stopped())));
    TestProbe<Object> waiter = testKit.createTestProbe();
    waiter.awaitAssert(
        () -> {
          assertEquals(0L, p.snapshot().active().getOrDefault("never", 0L));
          return null;
        });
  }

  private static void awaitActive(GrainProfiler p, String grain, long n) {
    TestProbe<Object> waiter = testKit.createTestProbe();
    waiter.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          assertEquals(n, p.snapshot().active().getOrDefault(grain, 0L));
          return null;
        });
  }

  @Test
  void timerAndAdaptedMessagesAreNamedByTheGrainsOwnClasses() {
    GrainProfiler p = new GrainProfiler();
    TestProbe<Integer> replies = testKit.createTestProbe();
    int ticks = 5;
    Behavior<Msg> ticking =
        Behaviors.setup(
            ctx ->
                Behaviors.withTimers(
                    timers -> {
                      timers.startTimerAtFixedRate(Tick.INSTANCE, Duration.ofMillis(10));
                      ActorRef<String> adapter = ctx.messageAdapter(String.class, Adapted::new);
                      adapter.tell("hello");
                      int[] seen = {0};
                      return Behaviors.receive(Msg.class)
                          .onMessageEquals(
                              Tick.INSTANCE,
                              () -> {
                                if (++seen[0] == ticks) {
                                  timers.cancelAll();
                                  replies.getRef().tell(seen[0]);
                                }
                                return Behaviors.same();
                              })
                          .onAnyMessage(m -> Behaviors.same())
                          .build();
                    }));
    ActorRef<Msg> ref = testKit.spawn(Profiled.behavior(p, "ticking", ticking));
    assertEquals(ticks, replies.receiveMessage());
    ref.tell(WithBody.ONE);
    awaitMessages(p, "ticking", "WithBody", 1);
    awaitMessages(p, "ticking", "Tick", ticks);
    awaitMessages(p, "ticking", "Adapted", 1);
    assertEquals(List.of("Adapted", "Tick", "WithBody"), messagesOf(p, "ticking"));
    assertNull(entry(p, "ticking", "TimerMsg"));
  }
}
