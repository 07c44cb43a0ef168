package kafkapipeline.grains.weather;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import kafkapipeline.api.grains.CallBudgetProtocol;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The budget actor on a clock the test moves (its release timer on {@link ManualTime}, moved with
 * it): a sliding 60 s window, a line served oldest first, and a new incarnation after a handover
 * that grants nothing for a minute. {@link CallBudgetPropertiesTest} checks the same rules over
 * generated histories.
 */
class CallBudgetTest {
  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final ManualTime time = ManualTime.get(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private final AtomicLong now = new AtomicLong(0);

  private void pass(Duration d) {
    now.addAndGet(d.toNanos());
    time.timePasses(d);
  }

  private static CallBudgetProtocol.Answer ask(
      ActorRef<CallBudgetProtocol.Command> budget, TestProbe<CallBudgetProtocol.Answer> probe) {
    budget.tell(new CallBudgetProtocol.Acquire(probe.getRef()));
    return probe.receiveMessage();
  }

  @Test
  void grantsTheBudgetInAnyWindowOfSixtySecondsNotTwice() {
    ActorRef<CallBudgetProtocol.Command> budget = testKit.spawn(CallBudget.create(60, now::get));
    TestProbe<CallBudgetProtocol.Answer> probe = testKit.createTestProbe();
    for (int i = 0; i < 60; i++)
      assertInstanceOf(CallBudgetProtocol.Granted.class, ask(budget, probe));
    CallBudgetProtocol.Denied denied =
        assertInstanceOf(CallBudgetProtocol.Denied.class, ask(budget, probe));
    assertEquals(Duration.ofSeconds(60), denied.retryIn(), "when the first grant leaves");

    // A bucket would have refilled a call by now; the window still holds 60.
    pass(Duration.ofSeconds(30));
    assertInstanceOf(CallBudgetProtocol.Denied.class, ask(budget, probe));
    pass(Duration.ofSeconds(30));
    for (int i = 0; i < 60; i++)
      assertInstanceOf(CallBudgetProtocol.Granted.class, ask(budget, probe));
    assertInstanceOf(CallBudgetProtocol.Denied.class, ask(budget, probe));

    TestProbe<CallBudgetProtocol.Usage> usage = testKit.createTestProbe();
    budget.tell(new CallBudgetProtocol.GetUsage(usage.getRef()));
    CallBudgetProtocol.Usage u = usage.receiveMessage();
    assertEquals(120, u.granted());
    assertEquals(3, u.denied());
    assertEquals(0, u.tokensLeft());
    testKit.stop(budget);
  }

  @Test
  void waitingPollsAreGrantedOldestFirstAndAnAddDoesNotOvertakeThem() {
    ActorRef<CallBudgetProtocol.Command> budget = testKit.spawn(CallBudget.create(2, now::get));
    TestProbe<CallBudgetProtocol.Answer> add = testKit.createTestProbe();
    assertInstanceOf(CallBudgetProtocol.Granted.class, ask(budget, add));
    pass(Duration.ofSeconds(10));
    assertInstanceOf(CallBudgetProtocol.Granted.class, ask(budget, add));

    TestProbe<CallBudgetProtocol.Answer> first = testKit.createTestProbe();
    TestProbe<CallBudgetProtocol.Answer> second = testKit.createTestProbe();
    TestProbe<CallBudgetProtocol.Answer> third = testKit.createTestProbe();
    budget.tell(new CallBudgetProtocol.AwaitTurn("first", first.getRef()));
    assertEquals(
        0, assertInstanceOf(CallBudgetProtocol.Queued.class, first.receiveMessage()).ahead());
    budget.tell(new CallBudgetProtocol.AwaitTurn("second", second.getRef()));
    second.expectMessageClass(CallBudgetProtocol.Queued.class);
    budget.tell(new CallBudgetProtocol.AwaitTurn("third", third.getRef()));
    assertEquals(
        2, assertInstanceOf(CallBudgetProtocol.Queued.class, third.receiveMessage()).ahead());
    // "first" asks again: it keeps its place.
    budget.tell(new CallBudgetProtocol.AwaitTurn("first", first.getRef()));
    first.expectMessageClass(CallBudgetProtocol.Queued.class);

    // The first grant leaves the window at 60 s: "first" gets it, not the add.
    pass(Duration.ofSeconds(50));
    first.expectMessageClass(CallBudgetProtocol.Granted.class);
    assertInstanceOf(CallBudgetProtocol.Denied.class, ask(budget, add));
    pass(Duration.ofSeconds(10));
    second.expectMessageClass(CallBudgetProtocol.Granted.class);
    third.expectNoMessage(Duration.ofMillis(50));
    // Waiters ask again every refresh; one silent for three refreshes has left the line.
    budget.tell(new CallBudgetProtocol.AwaitTurn("third", third.getRef()));
    third.expectMessageClass(CallBudgetProtocol.Queued.class);
    pass(Duration.ofSeconds(50));
    third.expectMessageClass(CallBudgetProtocol.Granted.class);
    testKit.stop(budget);
  }

  @Test
  void aNewIncarnationAfterAHandoverGrantsNothingForAMinute() {
    ActorRef<CallBudgetProtocol.Command> budget =
        testKit.spawn(CallBudget.create(5, now::get, CallBudget.Start.AFTER_HANDOVER));
    TestProbe<CallBudgetProtocol.Answer> probe = testKit.createTestProbe();
    CallBudgetProtocol.Denied denied =
        assertInstanceOf(CallBudgetProtocol.Denied.class, ask(budget, probe));
    assertEquals(Duration.ofSeconds(60), denied.retryIn());
    TestProbe<CallBudgetProtocol.Answer> poll = testKit.createTestProbe();
    budget.tell(new CallBudgetProtocol.AwaitTurn("poll", poll.getRef()));
    poll.expectMessageClass(CallBudgetProtocol.Queued.class);
    pass(Duration.ofSeconds(59));
    poll.expectNoMessage(Duration.ofMillis(50));
    pass(Duration.ofSeconds(1));
    poll.expectMessageClass(CallBudgetProtocol.Granted.class);
    for (int i = 0; i < 4; i++)
      assertInstanceOf(CallBudgetProtocol.Granted.class, ask(budget, probe));
    assertInstanceOf(CallBudgetProtocol.Denied.class, ask(budget, probe));
    testKit.stop(budget);
  }
}
