package kafkapipeline.grains.weather;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import kafkapipeline.api.grains.CallBudgetProtocol;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class CallBudgetTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void grantsTheBudgetPerMinuteThenSaysWhenToAskAgain() {
    AtomicLong now = new AtomicLong(0);
    ActorRef<CallBudgetProtocol.Command> budget = testKit.spawn(CallBudget.create(60, now::get));
    TestProbe<CallBudgetProtocol.Answer> probe = testKit.createTestProbe();
    for (int i = 0; i < 60; i++) {
      budget.tell(new CallBudgetProtocol.Acquire(probe.getRef()));
      assertInstanceOf(CallBudgetProtocol.Granted.class, probe.receiveMessage());
    }
    budget.tell(new CallBudgetProtocol.Acquire(probe.getRef()));
    CallBudgetProtocol.Denied denied =
        assertInstanceOf(CallBudgetProtocol.Denied.class, probe.receiveMessage());
    assertTrue(
        denied.retryIn().compareTo(Duration.ofSeconds(1)) <= 0 && !denied.retryIn().isNegative(),
        denied.toString());

    now.addAndGet(Duration.ofMillis(1_000).toNanos()); // one call's worth at 60/min
    budget.tell(new CallBudgetProtocol.Acquire(probe.getRef()));
    assertInstanceOf(CallBudgetProtocol.Granted.class, probe.receiveMessage());
    budget.tell(new CallBudgetProtocol.Acquire(probe.getRef()));
    assertInstanceOf(CallBudgetProtocol.Denied.class, probe.receiveMessage());

    TestProbe<CallBudgetProtocol.Usage> usage = testKit.createTestProbe();
    budget.tell(new CallBudgetProtocol.GetUsage(usage.getRef()));
    CallBudgetProtocol.Usage u = usage.receiveMessage();
    assertEquals(61, u.granted());
    assertEquals(2, u.denied());
  }
}
