package kafkapipeline.silo.logs;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Answers, on request, this silo's last log lines from its {@link LogRing} and how many WARN and
 * ERROR events it has logged since it started. Registered with the receptionist under {@link #KEY},
 * so any silo's API can ask every silo ({@link #askAll}). Holds no state of its own: the ring is
 * filled by {@link RingAppender} whether or not anybody asks. If the logging configuration has no
 * RingAppender, it says so once (WARN) and answers with the empty ring's nothing.
 */
public final class SiloLogs {
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "silo-logs");

  public sealed interface Command extends CborSerializable {}

  /** The newest {@code limit} lines at {@code min} or above, oldest first. */
  public record Get(LogLevel min, int limit, ActorRef<Lines> replyTo) implements Command {}

  public record Line(Instant at, String silo, LogLevel level, String logger, String message)
      implements CborSerializable {}

  /** One silo's answer; warnings and errors count every such event since its start. */
  public record Lines(String silo, List<Line> lines, long warnings, long errors)
      implements CborSerializable {}

  /** Lines of every silo that answered, merged; see {@link #merge}. */
  public record Merged(List<Shown> lines, List<String> silos, long warnings, long errors) {}

  /** A line as the API shows it: {@code at} in UTC with milliseconds, always three digits. */
  public record Shown(String at, String silo, LogLevel level, String logger, String message) {
    static Shown of(Line line) {
      return new Shown(
          AT.format(line.at()), line.silo(), line.level(), line.logger(), line.message());
    }
  }

  private static final DateTimeFormatter AT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

  private SiloLogs() {}

  /**
   * This silo's service over the process's ring; {@code secrets} (the configured key and token) are
   * masked in every log output from now on ({@link Redactor#protect}).
   */
  public static Behavior<Command> create(Collection<String> secrets) {
    Redactor.protect(secrets);
    return Behaviors.setup(
        ctx -> {
          if (!RingAppender.installed()) {
            ctx.getLog()
                .warn(
                    "No {} in the logging configuration: /api/logs has no lines of this silo",
                    RingAppender.class.getName());
          }
          String self = Cluster.get(ctx.getSystem()).selfMember().address().hostPort();
          return serve(self, RingAppender.RING);
        });
  }

  /** The service over {@code ring}, answering as silo {@code self}. */
  public static Behavior<Command> serve(String self, LogRing ring) {
    return Behaviors.setup(
        ctx -> {
          ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
          return Behaviors.receiveMessage(
              command -> {
                if (command instanceof Get get) get.replyTo().tell(answer(self, ring, get));
                return Behaviors.same();
              });
        });
  }

  static Lines answer(String self, LogRing ring, Get get) {
    LogRing.Counts counts = ring.counts();
    List<Line> lines =
        // A Get from another silo's code of another version might lack a level: all of them.
        ring.last(get.min() == null ? LogLevel.TRACE : get.min(), get.limit()).stream()
            .map(e -> new Line(e.at(), self, e.level(), e.logger(), e.message()))
            .toList();
    return new Lines(self, lines, counts.of(LogLevel.WARN), counts.of(LogLevel.ERROR));
  }

  /**
   * Asks every registered silo for its lines; a silo that does not answer within {@code timeout}
   * (or a receptionist that does not) is left out. Never fails.
   */
  public static CompletionStage<List<Lines>> askAll(
      ActorSystem<?> system, LogLevel min, int limit, Duration timeout) {
    return kafkapipeline.silo.EverySilo.<Command, Lines>ask(
        system, KEY, reply -> new Get(min, limit, reply), timeout);
  }

  /**
   * Every answer's lines sorted by time (lines of one instant keep their silo's order, silos in
   * address order), the newest {@code limit} of them; the silos that answered, sorted; their
   * warnings and errors summed.
   */
  public static Merged merge(List<Lines> answers, int limit) {
    List<Lines> bySilo = answers.stream().sorted(Comparator.comparing(Lines::silo)).toList();
    List<Line> all = new ArrayList<>();
    long warnings = 0;
    long errors = 0;
    for (Lines l : bySilo) {
      all.addAll(l.lines());
      warnings += l.warnings();
      errors += l.errors();
    }
    // A stable sort: equal times keep the order above.
    all.sort(Comparator.comparing(Line::at));
    List<Shown> last =
        all.subList(Math.max(0, all.size() - limit), all.size()).stream().map(Shown::of).toList();
    return new Merged(last, bySilo.stream().map(Lines::silo).toList(), warnings, errors);
  }
}
