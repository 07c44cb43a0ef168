package kafkapipeline.grains.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Handling-time profile of this JVM's grains, per grain type and message class: messages handled,
 * failures (handlers that threw), total handling time and a fixed-bucket histogram of it, and per
 * grain type the instances active here (started minus stopped). Filled by {@link Profiled}; read by
 * {@link #snapshot()} for {@code /api/status} and {@code /metrics}.
 *
 * <p>Guarantees: recording is lock-free and allocation-free once a grain type has seen a message
 * class (one {@link ClassValue} lookup and a few {@link LongAdder} additions); counts only grow and
 * restart from zero with the JVM. A snapshot taken while messages are handled may be a few messages
 * behind, but within one entry {@code messages} is always the sum of its buckets.
 */
public final class GrainProfiler {
  /**
   * Upper bounds of the histogram's buckets in microseconds, inclusive (Prometheus {@code le}); a
   * last bucket, +Inf, holds everything slower.
   */
  public static final List<Long> BOUNDS_MICROS =
      List.of(
          1L,
          2L,
          5L,
          10L,
          20L,
          50L,
          100L,
          200L,
          500L,
          1_000L,
          2_000L,
          5_000L,
          10_000L,
          20_000L,
          50_000L,
          100_000L,
          200_000L,
          500_000L,
          1_000_000L,
          2_000_000L,
          5_000_000L,
          10_000_000L);

  /** Buckets of an entry: one per bound, then +Inf. */
  public static final int BUCKETS = BOUNDS_MICROS.size() + 1;

  private static final long[] BOUNDS_NANOS =
      BOUNDS_MICROS.stream().mapToLong(micros -> micros * 1000).toArray();

  private static final GrainProfiler GLOBAL = new GrainProfiler();

  private final Map<String, Grain> grains = new ConcurrentHashMap<>();

  /** The profiler of this JVM, the one the silo reports. */
  public static GrainProfiler global() {
    return GLOBAL;
  }

  /** The grain type of that name, created at its first use. */
  public Grain grain(String type) {
    return grains.computeIfAbsent(type, Grain::new);
  }

  /**
   * The bucket a handling time falls in: the first whose bound is at least {@code nanos}, or the
   * last (+Inf); a negative time counts as 0.
   */
  static int bucketOf(long nanos) {
    for (int i = 0; i < BOUNDS_NANOS.length; i++) if (nanos <= BOUNDS_NANOS[i]) return i;
    return BOUNDS_NANOS.length;
  }

  /** Every grain type seen, sorted by grain type then message. */
  public GrainProfile snapshot() {
    Map<String, Long> active = new TreeMap<>();
    List<GrainProfile.Entry> entries = new ArrayList<>();
    grains.forEach(
        (type, grain) -> {
          active.put(type, grain.active());
          grain.byName.forEach((message, r) -> entries.add(r.snapshot(type, message)));
        });
    entries.sort(
        Comparator.comparing(GrainProfile.Entry::grain).thenComparing(GrainProfile.Entry::message));
    return new GrainProfile(BOUNDS_MICROS, active, entries);
  }

  /** One grain type: its instances on this JVM and a recorder per message class. */
  public static final class Grain {
    private final String type;
    private final LongAdder started = new LongAdder();
    private final LongAdder stopped = new LongAdder();

    // By message name, so that two classes of one simple name share one entry (no duplicates).
    private final Map<String, Recorder> byName = new ConcurrentHashMap<>();

    private final ClassValue<Recorder> byClass =
        new ClassValue<>() {
          @Override
          protected Recorder computeValue(Class<?> messageClass) {
            return byName.computeIfAbsent(messageName(messageClass), name -> new Recorder());
          }
        };

    private Grain(String type) {
      this.type = type;
    }

    public String type() {
      return type;
    }

    /** The recorder of one message class; allocation-free after the class's first call. */
    public Recorder recorder(Class<?> messageClass) {
      return byClass.get(messageClass);
    }

    /** Counts a failure the grain reports itself (no handling time). */
    public void failure(Class<?> messageClass) {
      recorder(messageClass).failures.increment();
    }

    void activated() {
      started.increment();
    }

    void deactivated() {
      stopped.increment();
    }

    /** Started minus stopped on this JVM. */
    public long active() {
      // stopped first: read the other way round, a start and stop in between could show -1.
      long s = stopped.sum();
      return started.sum() - s;
    }
  }

  /**
   * A message's name: its simple class name; an enum constant with a body is named by its enum, any
   * other nameless class (anonymous, lambda) by the last part of its binary name.
   */
  static String messageName(Class<?> c) {
    if (c.isAnonymousClass() && c.getSuperclass() != null && c.getSuperclass().isEnum())
      return c.getSuperclass().getSimpleName();
    String simple = c.getSimpleName();
    if (!simple.isEmpty()) return simple;
    String name = c.getName();
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /** Counters of one (grain type, message class). */
  public static final class Recorder {
    private final LongAdder[] buckets = new LongAdder[BUCKETS];
    private final LongAdder failures = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    private Recorder() {
      for (int i = 0; i < BUCKETS; i++) buckets[i] = new LongAdder();
    }

    /** One message handled in {@code elapsedNanos}, {@code failed} if its handler threw. */
    public void record(long elapsedNanos, boolean failed) {
      long n = Math.max(0, elapsedNanos);
      buckets[bucketOf(n)].increment();
      nanos.add(n);
      if (failed) failures.increment();
    }

    GrainProfile.Entry snapshot(String grain, String message) {
      List<Long> counts = new ArrayList<>(BUCKETS);
      long messages = 0;
      for (LongAdder b : buckets) {
        long c = b.sum();
        counts.add(c);
        messages += c;
      }
      return new GrainProfile.Entry(
          grain, message, messages, failures.sum(), nanos.sum(), List.copyOf(counts));
    }
  }
}
