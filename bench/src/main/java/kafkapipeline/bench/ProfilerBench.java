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
 * preallocated message, so the actor path allocates nothing of its own), plain, behind a
 * pass-through interceptor (what Pekko's interception costs by itself) and profiled, in rotating
 * rounds after one unmeasured round of each, on a dispatcher of one thread (so no idle thread spins
 * on the CPU the rounds are measured by); per round it measures the process's CPU time (all
 * threads: the dispatcher, GC, JIT; {@code OperatingSystemMXBean.getProcessCpuTime}), the wall
 * time, and the bytes allocated by all threads ({@code ThreadMXBean.getThreadAllocatedBytes}). Then
 * a direct loop on this thread over what the interceptor does per message (two {@code nanoTime}
 * calls, the recorder lookup and the record), with this thread's CPU time and allocated bytes.
 * Prints each round and the medians; the profiled actor's counts are checked to be exactly N per
 * round, or the run fails.
 */
final class ProfilerBench {
  static final String USAGE =
      """
      usage: ./pipeline bench --profiler [--messages N] [--rounds R]
        N messages per round (default 2,000,000) through a trivial actor, plain, intercepted and profiled,
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

  /** How the actor's behaviour is wrapped. */
  enum Variant {
    PLAIN,
    INTERCEPTED,
    PROFILED
  }

  /** An interceptor that only passes each message on: Pekko's cost of interception alone. */
  private static final class PassThrough<T>
      extends org.apache.pekko.actor.typed.BehaviorInterceptor<T, T> {
    @SuppressWarnings("unchecked")
    PassThrough() {
      super((Class<T>) (Class<?>) Object.class);
    }

    @Override
    public Behavior<T> aroundReceive(
        org.apache.pekko.actor.typed.TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
      return target.apply(ctx, msg);
    }
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
          "%-11s %,d messages: CPU %.1f ns/msg, wall %.1f ns/msg, allocated %.3f B/msg",
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
                        + "pekko.log-dead-letters = off\n"
                        // One thread: the rounds' CPU is the actor's, not idle threads spinning.
                        + "pekko.actor.default-dispatcher.fork-join-executor {\n"
                        + "  parallelism-min = 1, parallelism-max = 1 }\n")
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    try {
      GrainProfiler profiler = new GrainProfiler();
      // Warm-up, unmeasured: both paths compiled before the first measured round.
      for (Variant v : Variant.values()) round(system, profiler, v, 0);
      java.util.Map<Variant, List<Round>> measured = new java.util.EnumMap<>(Variant.class);
      for (Variant v : Variant.values()) measured.put(v, new ArrayList<>());
      Variant[] order = Variant.values();
      for (int r = 1; r <= rounds; r++) {
        // Rotating which goes first, so a drift of the machine falls on all alike.
        for (int k = 0; k < order.length; k++) {
          Variant v = order[(k + r) % order.length];
          Round m = round(system, profiler, v, r);
          measured.get(v).add(m);
          say("round " + r + ": " + m);
        }
      }
      java.util.Map<Variant, Double> cpu = new java.util.EnumMap<>(Variant.class);
      for (Variant v : Variant.values()) {
        List<Round> rs = measured.get(v);
        cpu.put(v, median(rs.stream().mapToDouble(Round::cpuPerMessage).toArray()));
        say(
            String.format(
                "median %-11s CPU %.1f ns/msg, wall %.1f ns/msg, allocated %.3f B/msg",
                v.name().toLowerCase(java.util.Locale.ROOT),
                cpu.get(v),
                median(rs.stream().mapToDouble(Round::wallPerMessage).toArray()),
                median(rs.stream().mapToDouble(Round::bytesPerMessage).toArray())));
      }
      double plainCpu = cpu.get(Variant.PLAIN);
      double profiledCpu = cpu.get(Variant.PROFILED);
      say(
          String.format(
              "profiled vs plain (process CPU time): +%.1f ns per message (x%.3f), of which"
                  + " Pekko's interception alone +%.1f ns",
              profiledCpu - plainCpu,
              profiledCpu / plainCpu,
              cpu.get(Variant.INTERCEPTED) - plainCpu));
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
      ActorSystem<Void> system, GrainProfiler profiler, Variant variant, int round) {
    String grain = "bench-" + round;
    CompletableFuture<Long> done = new CompletableFuture<>();
    Behavior<Step> behavior = selfSending(messages, done);
    if (variant == Variant.INTERCEPTED) behavior = Behaviors.intercept(PassThrough::new, behavior);
    if (variant == Variant.PROFILED) behavior = Profiled.behavior(profiler, grain, behavior);
    String name = variant.name().toLowerCase(java.util.Locale.ROOT);
    long bytes = allocatedByAllThreads();
    long cpu = os.getProcessCpuTime();
    long wall = System.nanoTime();
    system.systemActorOf(behavior, name + "-" + round, org.apache.pekko.actor.typed.Props.empty());
    done.join();
    Round r =
        new Round(
            name,
            messages,
            os.getProcessCpuTime() - cpu,
            System.nanoTime() - wall,
            allocatedByAllThreads() - bytes);
    if (variant == Variant.PROFILED) checkCounted(profiler, grain);
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
