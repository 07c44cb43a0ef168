package kafkapipeline.bench;

import com.typesafe.config.ConfigFactory;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kafkapipeline.grains.profile.GrainProfile;
import kafkapipeline.grains.profile.GrainProfiler;
import kafkapipeline.grains.profile.Profiled;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * {@code ./pipeline bench --profiler}: what the grain profiler ({@link Profiled}) costs per
 * message, with no Kafka or Cassandra. A trivial actor sends itself N messages (one in flight, a
 * preallocated message, so the actor path allocates nothing of its own), once plain and once
 * profiled, in alternating rounds after one unmeasured round of each; per round it measures the
 * process's CPU time (all threads: the dispatcher, GC, JIT; {@code
 * OperatingSystemMXBean.getProcessCpuTime}), the wall time, and the bytes allocated by all threads
 * ({@code ThreadMXBean.getThreadAllocatedBytes}). Then a direct loop on this thread over what the
 * interceptor does per message (two {@code nanoTime} calls, the recorder lookup and the record),
 * with this thread's CPU time and allocated bytes. Prints each round and the medians; the profiled
 * actor's counts are checked to be exactly N per round, or the run fails.
 */
final class ProfilerBench {
  static final String USAGE =
      """
      usage: ./pipeline bench --profiler [--messages N] [--rounds R]
        N messages per round (default 2,000,000) through a trivial actor, plain and profiled,
        R rounds of each (default 5), alternating; then a direct loop of N recordings""";

  private final long messages;
  private final int rounds;
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private ProfilerBench(long messages, int rounds) {
    this.messages = messages;
    this.rounds = rounds;
  }

  /** Runs with the options after {@code --profiler}; a bad option throws with its reason. */
  static void run(List<String> args) {
    long messages = 2_000_000;
    int rounds = 5;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--messages" -> messages = positive(args, ++i, a);
        case "--rounds" -> rounds = (int) Math.min(1000, positive(args, ++i, a));
        default -> throw new IllegalArgumentException("unknown option '" + a + "'");
      }
    }
    new ProfilerBench(messages, rounds).run();
  }

  private static long positive(List<String> args, int i, String option) {
    if (i >= args.size()) throw new IllegalArgumentException(option + " needs a value");
    try {
      long v = Long.parseLong(args.get(i).replace("_", "").replace(",", ""));
      if (v <= 0) throw new IllegalArgumentException(option + " must be positive, got " + v);
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + " needs a whole number, got '" + args.get(i) + "'");
    }
  }

  /** The one message: preallocated, so a round allocates only what the path to the actor does. */
  enum Step {
    INSTANCE
  }

  /** Sends itself {@code n} steps, then completes {@code done}; a new one per round. */
  private static Behavior<Step> selfSending(long n, CompletableFuture<Long> done) {
    return Behaviors.setup(
        ctx -> {
          long[] left = {n};
          ActorRef<Step> self = ctx.getSelf();
          self.tell(Step.INSTANCE);
          return Behaviors.receiveMessage(
              step -> {
                if (--left[0] == 0) {
                  done.complete(n);
                  return Behaviors.stopped();
                }
                self.tell(Step.INSTANCE);
                return Behaviors.same();
              });
        });
  }

  private record Round(String variant, long messages, long cpuNanos, long wallNanos, long bytes) {
    double cpuPerMessage() {
      return cpuNanos / (double) messages;
    }

    double wallPerMessage() {
      return wallNanos / (double) messages;
    }

    double bytesPerMessage() {
      return bytes / (double) messages;
    }

    @Override
    public String toString() {
      return String.format(
          "%-9s %,d messages: CPU %.1f ns/msg, wall %.1f ns/msg, allocated %.3f B/msg",
          variant, messages, cpuPerMessage(), wallPerMessage(), bytesPerMessage());
    }
  }

  private void run() {
    say(
        String.format(
            "profiler bench: %,d messages per round, %d rounds of each; %d processors, %s %s",
            messages,
            rounds,
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.vm.name"),
            System.getProperty("java.version")));
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "profiler-bench",
            ConfigFactory.parseString(
                    "pekko.actor.provider = local\npekko.loglevel = WARNING\n"
                        + "pekko.log-dead-letters = off\n")
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    try {
      GrainProfiler profiler = new GrainProfiler();
      // Warm-up, unmeasured: both paths compiled before the first measured round.
      round(system, profiler, false, 0);
      round(system, profiler, true, 0);
      List<Round> plain = new ArrayList<>();
      List<Round> profiled = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        // Alternating which goes first, so a drift of the machine falls on both alike.
        boolean profiledFirst = r % 2 == 0;
        for (int k = 0; k < 2; k++) {
          boolean withProfiler = (k == 0) == profiledFirst;
          Round measured = round(system, profiler, withProfiler, r);
          (withProfiler ? profiled : plain).add(measured);
          say("round " + r + ": " + measured);
        }
      }
      double plainCpu = median(plain.stream().mapToDouble(Round::cpuPerMessage).toArray());
      double profiledCpu = median(profiled.stream().mapToDouble(Round::cpuPerMessage).toArray());
      say(
          String.format(
              "median CPU per message (process CPU time, all threads): plain %.1f ns, profiled"
                  + " %.1f ns: +%.1f ns per message (x%.3f)",
              plainCpu, profiledCpu, profiledCpu - plainCpu, profiledCpu / plainCpu));
      say(
          String.format(
              "median wall per message: plain %.1f ns, profiled %.1f ns",
              median(plain.stream().mapToDouble(Round::wallPerMessage).toArray()),
              median(profiled.stream().mapToDouble(Round::wallPerMessage).toArray())));
      say(
          String.format(
              "median allocated per message (all threads): plain %.3f B, profiled %.3f B",
              median(plain.stream().mapToDouble(Round::bytesPerMessage).toArray()),
              median(profiled.stream().mapToDouble(Round::bytesPerMessage).toArray())));
      directLoop();
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        say("actor system did not terminate in 30 s: " + e);
      }
    }
  }

  private Round round(
      ActorSystem<Void> system, GrainProfiler profiler, boolean withProfiler, int round) {
    String grain = "bench-" + round;
    CompletableFuture<Long> done = new CompletableFuture<>();
    Behavior<Step> behavior = selfSending(messages, done);
    if (withProfiler) behavior = Profiled.behavior(profiler, grain, behavior);
    long bytes = allocatedByAllThreads();
    long cpu = os.getProcessCpuTime();
    long wall = System.nanoTime();
    system.systemActorOf(
        behavior,
        (withProfiler ? "profiled-" : "plain-") + round,
        org.apache.pekko.actor.typed.Props.empty());
    done.join();
    Round r =
        new Round(
            withProfiler ? "profiled" : "plain",
            messages,
            os.getProcessCpuTime() - cpu,
            System.nanoTime() - wall,
            allocatedByAllThreads() - bytes);
    if (withProfiler) checkCounted(profiler, grain);
    return r;
  }

  /** The profiled actor's messages, exactly N, and its buckets summing to them. */
  private void checkCounted(GrainProfiler profiler, String grain) {
    // The last message is recorded just after its handler completed the round: wait for it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    GrainProfile.Entry e = entry(profiler.snapshot(), grain);
    while ((e == null || e.messages() < messages) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      e = entry(profiler.snapshot(), grain);
    }
    long buckets = e == null ? -1 : e.buckets().stream().mapToLong(Long::longValue).sum();
    if (e == null || e.messages() != messages || buckets != messages || e.failures() != 0)
      throw new IllegalStateException(
          "profiled round of " + messages + " messages counted as " + e);
  }

  private static GrainProfile.Entry entry(GrainProfile profile, String grain) {
    return profile.grains().stream().filter(x -> x.grain().equals(grain)).findFirst().orElse(null);
  }

  /** This thread: what the interceptor does per message, without the actor around it. */
  private void directLoop() {
    GrainProfiler.Grain grain = new GrainProfiler().grain("direct");
    Class<?>[] classes = {Step.class, String.class, Integer.class};
    long id = Thread.currentThread().getId();
    for (int pass = 0; pass < 2; pass++) {
      // Pass 0 warms up (first lookups create the recorders; the JIT compiles the loop).
      long bytes = threads.getThreadAllocatedBytes(id);
      long cpu = threads.getCurrentThreadCpuTime();
      for (long i = 0; i < messages; i++) {
        GrainProfiler.Recorder recorder = grain.recorder(classes[(int) (i % 3)]);
        long start = System.nanoTime();
        recorder.record(System.nanoTime() - start, false);
      }
      cpu = threads.getCurrentThreadCpuTime() - cpu;
      bytes = threads.getThreadAllocatedBytes(id) - bytes;
      long clock = clockOnly();
      if (pass == 1)
        say(
            String.format(
                "direct loop (this thread's CPU time), %,d recordings: %.1f ns and %.4f bytes"
                    + " allocated per message (%d bytes in all); of the time, the two"
                    + " System.nanoTime() calls alone: %.1f ns",
                messages,
                cpu / (double) messages,
                bytes / (double) messages,
                bytes,
                clock / (double) messages));
    }
  }

  /** This thread's CPU time for the loop's two clock readings alone, N times. */
  private long clockOnly() {
    long cpu = threads.getCurrentThreadCpuTime();
    long sink = 0;
    for (long i = 0; i < messages; i++) {
      long start = System.nanoTime();
      sink += System.nanoTime() - start;
    }
    cpu = threads.getCurrentThreadCpuTime() - cpu;
    // Used, so the JIT cannot drop the loop.
    if (sink == Long.MIN_VALUE) say("");
    return cpu;
  }

  private long allocatedByAllThreads() {
    long sum = 0;
    for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) if (b > 0) sum += b;
    return sum;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
