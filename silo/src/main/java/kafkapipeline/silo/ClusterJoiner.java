package kafkapipeline.silo;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/**
 * Forms the cluster through Cassandra, with no seed list (the Orleans way): join the silos whose
 * heartbeat is alive in the membership table, and if there are none, found the cluster only if this
 * silo wins the founder claim (others join the winner). Once Up, the silo heartbeats every 10 s;
 * its row expires 30 s after its last heartbeat. If this silo is not a member 20 s after asking to
 * join (its contacts had died but not yet expired), it looks again. A Cassandra error is logged and
 * the step retried at the next tick.
 */
final class ClusterJoiner {
  private static final Duration HEARTBEAT = Duration.ofSeconds(10);
  private static final Duration JOIN_CHECK = Duration.ofSeconds(20);

  sealed interface Command {}

  private enum Heartbeat implements Command {
    INSTANCE
  }

  private enum Attempt implements Command {
    INSTANCE
  }

  private enum Beaten implements Command {
    INSTANCE
  }

  private record Members(List<String> addresses) implements Command {}

  private record Founder(Optional<String> address) implements Command {}

  private record Failed(String step, String error) implements Command {}

  private ClusterJoiner() {}

  static Behavior<Command> create(CassandraMembership membership) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  Cluster cluster = Cluster.get(ctx.getSystem());
                  Address self = cluster.selfMember().address();
                  String selfText = self.toString();
                  timers.startTimerWithFixedDelay(
                      Heartbeat.INSTANCE, Duration.ofSeconds(1), HEARTBEAT);
                  ctx.getSelf().tell(Attempt.INSTANCE);
                  return Behaviors.receive(Command.class)
                      .onMessageEquals(
                          Heartbeat.INSTANCE,
                          () -> {
                            // Only members announce themselves: a silo still joining must not be
                            // mistaken for a
                            // cluster to join, or silos starting together would all wait on each
                            // other.
                            if (cluster.selfMember().status() == MemberStatus.up()) {
                              ctx.pipeToSelf(
                                  membership.heartbeat(selfText),
                                  (ok, e) ->
                                      e == null
                                          ? Beaten.INSTANCE
                                          : new Failed("heartbeat", e.toString()));
                            }
                            return Behaviors.same();
                          })
                      .onMessageEquals(Beaten.INSTANCE, Behaviors::same)
                      .onMessageEquals(
                          Attempt.INSTANCE,
                          () -> {
                            if (isMember(cluster)) return Behaviors.same();
                            ctx.pipeToSelf(
                                membership.liveMembers(),
                                (m, e) ->
                                    e == null
                                        ? new Members(m)
                                        : new Failed("read members", e.toString()));
                            return Behaviors.same();
                          })
                      .onMessage(
                          Members.class,
                          m -> {
                            List<Address> others =
                                m.addresses().stream()
                                    .filter(a -> !a.equals(selfText))
                                    .map(AddressFromURIString::parse)
                                    .toList();
                            if (others.isEmpty()) {
                              ctx.pipeToSelf(
                                  membership.claimFounder(selfText),
                                  (f, e) ->
                                      e == null
                                          ? new Founder(f)
                                          : new Failed("claim founder", e.toString()));
                            } else {
                              ctx.getLog().info("Joining the silos alive in Cassandra: {}", others);
                              cluster.manager().tell(new JoinSeedNodes(others));
                              timers.startSingleTimer(Attempt.INSTANCE, JOIN_CHECK);
                            }
                            return Behaviors.same();
                          })
                      .onMessage(
                          Founder.class,
                          f -> {
                            if (f.address().isEmpty()) {
                              timers.startSingleTimer(Attempt.INSTANCE, Duration.ofSeconds(1));
                            } else if (f.address().get().equals(selfText)) {
                              ctx.getLog().info("No silo alive in Cassandra: founding the cluster");
                              cluster.manager().tell(Join.create(self));
                            } else {
                              ctx.getLog().info("Joining the founder {}", f.address().get());
                              cluster
                                  .manager()
                                  .tell(
                                      new JoinSeedNodes(
                                          List.of(AddressFromURIString.parse(f.address().get()))));
                              timers.startSingleTimer(Attempt.INSTANCE, JOIN_CHECK);
                            }
                            return Behaviors.same();
                          })
                      .onMessage(
                          Failed.class,
                          failed -> {
                            ctx.getLog()
                                .warn(
                                    "Cluster membership through Cassandra: cannot {}: {}",
                                    failed.step(),
                                    failed.error());
                            if (!isMember(cluster))
                              timers.startSingleTimer(Attempt.INSTANCE, Duration.ofSeconds(2));
                            return Behaviors.same();
                          })
                      .build();
                }));
  }

  private static boolean isMember(Cluster cluster) {
    MemberStatus s = cluster.selfMember().status();
    return s == MemberStatus.up() || s == MemberStatus.weaklyUp() || s == MemberStatus.joining();
  }
}
