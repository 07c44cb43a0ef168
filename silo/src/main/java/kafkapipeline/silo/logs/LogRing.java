package kafkapipeline.silo.logs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The last {@link #CAPACITY} log events of this process, in a fixed array overwritten oldest first
 * (it never grows), and how many events of each level were ever added (also those overwritten).
 * Every message is redacted ({@link Redactor}) before it is stored, then cut to {@link
 * #MAX_MESSAGE} characters with {@link #cutMark} appended; cut messages are counted. Thread-safe:
 * any thread may add while another reads; redaction runs outside the lock.
 */
public final class LogRing {
  public static final int CAPACITY = 500;
  public static final int MAX_MESSAGE = 2_000;

  /** One stored event; {@code message} is redacted and at most MAX_MESSAGE plus the cut mark. */
  public record Entry(Instant at, LogLevel level, String logger, String message) {}

  /** Events added since start, by level, and how many messages were cut. */
  public record Counts(Map<LogLevel, Long> byLevel, long cut) {
    public long of(LogLevel level) {
      return byLevel.getOrDefault(level, 0L);
    }
  }

  private final Supplier<Redactor> redactor;
  private final Entry[] entries;
  private final long[] byLevel = new long[LogLevel.values().length];
  private long added;
  private long cut;

  /** A ring of CAPACITY entries redacting with {@code redactor} (asked at every event). */
  public LogRing(Supplier<Redactor> redactor) {
    this(CAPACITY, redactor);
  }

  LogRing(int capacity, Supplier<Redactor> redactor) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1");
    this.entries = new Entry[capacity];
    this.redactor = redactor;
  }

  /** The mark appended to a message cut from {@code length} characters. */
  static String cutMark(int length) {
    return " [cut: " + length + " characters]";
  }

  public void add(Instant at, LogLevel level, String logger, String message) {
    Redactor r = redactor.get();
    String safe = r.redact(message);
    boolean tooLong = safe.length() > MAX_MESSAGE;
    if (tooLong) {
      int end = MAX_MESSAGE;
      // Never keep half of a surrogate pair.
      if (Character.isHighSurrogate(safe.charAt(end - 1))) end--;
      // Redacted again: the cut and its mark could join characters into a secret.
      safe = r.redact(safe.substring(0, end) + cutMark(safe.length()));
    }
    Entry entry = new Entry(at, level, logger, safe);
    synchronized (this) {
      entries[(int) (added % entries.length)] = entry;
      added++;
      byLevel[level.ordinal()]++;
      if (tooLong) cut++;
    }
  }

  /** The newest {@code limit} entries at {@code min} or above, oldest first. */
  public List<Entry> last(LogLevel min, int limit) {
    List<Entry> out = new ArrayList<>();
    synchronized (this) {
      long oldest = Math.max(0, added - entries.length);
      for (long i = added - 1; i >= oldest && out.size() < limit; i--) {
        Entry e = entries[(int) (i % entries.length)];
        if (e.level().atLeast(min)) out.add(e);
      }
    }
    Collections.reverse(out);
    return out;
  }

  public synchronized Counts counts() {
    Map<LogLevel, Long> map = new EnumMap<>(LogLevel.class);
    for (LogLevel l : LogLevel.values()) map.put(l, byLevel[l.ordinal()]);
    return new Counts(map, cut);
  }
}
