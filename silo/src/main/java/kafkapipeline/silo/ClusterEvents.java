package kafkapipeline.silo;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The last {@link #CAPACITY} membership changes this silo has seen (joined, up, leaving, exited,
 * removed, unreachable, reachable again), newest first. Local to the silo and kept in memory only:
 * a silo that starts knows the changes from its own start on, beginning with the members it found.
 */
final class ClusterEvents {
  static final int CAPACITY = 50;

  sealed interface Command {}

  record Get(ActorRef<List<Event>> replyTo) implements Command {}

  private record Seen(Object event) implements Command {}

  record Event(Instant at, String silo, String event, String status) {}

  private ClusterEvents() {}

  static Behavior<Command> create() {
    return Behaviors.setup(
        ctx -> {
          Cluster.get(ctx.getSystem())
              .subscriptions()
              .tell(
                  Subscribe.create(
                      ctx.messageAdapter(ClusterEvent.MemberEvent.class, Seen::new),
                      ClusterEvent.MemberEvent.class));
          Cluster.get(ctx.getSystem())
              .subscriptions()
              .tell(
                  Subscribe.create(
                      ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, Seen::new),
                      ClusterEvent.ReachabilityEvent.class));
          ArrayDeque<Event> events = new ArrayDeque<>();
          return Behaviors.receive(Command.class)
              .onMessage(
                  Seen.class,
                  seen -> {
                    Event e = describe(seen.event());
                    if (e != null) {
                      events.addFirst(e);
                      while (events.size() > CAPACITY) events.removeLast();
                    }
                    return Behaviors.same();
                  })
              .onMessage(
                  Get.class,
                  get -> {
                    get.replyTo().tell(List.copyOf(events));
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private static Event describe(Object event) {
    Instant now = Instant.now();
    if (event instanceof ClusterEvent.MemberEvent m) {
      String name =
          m.getClass().getSimpleName().replace("Member", "").toLowerCase(java.util.Locale.ROOT);
      return new Event(now, m.member().address().hostPort(), name, m.member().status().toString());
    }
    if (event instanceof ClusterEvent.UnreachableMember u) {
      return new Event(
          now, u.member().address().hostPort(), "unreachable", u.member().status().toString());
    }
    if (event instanceof ClusterEvent.ReachableMember r) {
      return new Event(
          now, r.member().address().hostPort(), "reachable", r.member().status().toString());
    }
    return null;
  }
}
