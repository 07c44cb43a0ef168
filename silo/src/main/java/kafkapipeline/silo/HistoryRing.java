package kafkapipeline.silo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One silo's last {@link #CAPACITY} samples, oldest overwritten first, in memory of a fixed size:
 * every figure is a slot of a preallocated primitive array, and each kind of series (rows per
 * table, events per source, lag per topic, grain messages per type) holds at most {@link
 * #MAX_SERIES} keys. A key past that is not stored and is counted ({@link #add} returns how many
 * values were dropped); a key's slot is given to a new key only once none of the kept samples holds
 * a value of it (a removed source's series ages out with its samples).
 *
 * <p>Memory, all arrays full: 4 arrays of 360 longs or doubles (11,520 bytes) plus 4 kinds × 64
 * keys × 360 doubles (737,280 bytes), about 750 KB with the keys (source names, at most 48
 * characters) and their maps; a silo with the four built-in sources fills 12-16 slots, about 60 KB.
 * Not thread-safe: owned by its {@link SiloHistory} actor.
 */
final class HistoryRing {
  static final int CAPACITY = 360;
  static final int MAX_SERIES = 64;

  /** The kinds of series a sample holds, each by its name in the API's JSON. */
  enum Kind {
    ROWS("rowsPerSecond"),
    EVENTS("eventsPerSecond"),
    LAG("lag"),
    GRAINS("grainMessagesPerSecond");

    final String json;

    Kind(String json) {
      this.json = json;
    }
  }

  /**
   * One sample's figures.
   *
   * @param values per kind, key to value (a kind missing: no value of it in this sample, as the lag
   *     when Kafka did not answer)
   */
  record Figures(
      Instant at, double cpu, long heapUsed, long heapMax, Map<Kind, Map<String, Double>> values) {}

  private final long[] atSeconds = new long[CAPACITY];
  private final double[] cpu = new double[CAPACITY];
  private final long[] heapUsed = new long[CAPACITY];
  private final long[] heapMax = new long[CAPACITY];
  private final Map<Kind, Table> tables = new EnumMap<>(Kind.class);
  private int next;
  private int size;

  HistoryRing() {
    for (Kind k : Kind.values()) tables.put(k, new Table());
  }

  /** How many samples are kept (at most {@link #CAPACITY}). */
  int size() {
    return size;
  }

  /** The time of the newest sample, or null when there is none. */
  Instant newest() {
    return size == 0 ? null : Instant.ofEpochSecond(atSeconds[index(size - 1)]);
  }

  /**
   * Keeps {@code f} as the newest sample, in place of the oldest one when full.
   *
   * @return how many of its values were not kept, their kind having {@link #MAX_SERIES} other keys
   */
  int add(Figures f) {
    int slot = next;
    atSeconds[slot] = f.at().getEpochSecond();
    cpu[slot] = f.cpu();
    heapUsed[slot] = f.heapUsed();
    heapMax[slot] = f.heapMax();
    next = (next + 1) % CAPACITY;
    size = Math.min(size + 1, CAPACITY);
    int dropped = 0;
    for (Kind k : Kind.values())
      dropped += tables.get(k).put(slot, f.values().getOrDefault(k, Map.of()));
    return dropped;
  }

  /** The kept samples taken at or after {@code from}, oldest first. */
  SiloHistory.Samples since(String address, int resolutionSeconds, Instant from) {
    int first = 0;
    while (first < size && atSeconds[index(first)] < from.getEpochSecond()) first++;
    int n = size - first;
    long[] at = new long[n];
    double[] cpuOut = new double[n];
    long[] usedOut = new long[n];
    long[] maxOut = new long[n];
    for (int i = 0; i < n; i++) {
      int s = index(first + i);
      at[i] = atSeconds[s];
      cpuOut[i] = cpu[s];
      usedOut[i] = heapUsed[s];
      maxOut[i] = heapMax[s];
    }
    List<SiloHistory.Series> series = new ArrayList<>();
    for (Kind k : Kind.values()) {
      Table t = tables.get(k);
      for (int key = 0; key < MAX_SERIES; key++) {
        if (t.keys[key] == null) continue;
        double[] values = new double[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
          values[i] = t.values[key][index(first + i)];
          any |= !Double.isNaN(values[i]);
        }
        if (any) series.add(new SiloHistory.Series(k, t.keys[key], values));
      }
    }
    return new SiloHistory.Samples(
        address, resolutionSeconds, at, cpuOut, usedOut, maxOut, List.copyOf(series));
  }

  /** The ring slot of the i-th kept sample, 0 the oldest. */
  private int index(int i) {
    return (next - size + i + CAPACITY) % CAPACITY;
  }

  /** One kind's series: up to MAX_SERIES keys, each a column of CAPACITY values (NaN: none). */
  private static final class Table {
    final String[] keys = new String[MAX_SERIES];
    final double[][] values = new double[MAX_SERIES][];
    final Map<String, Integer> byKey = new HashMap<>();

    /** Writes one sample's values at {@code slot}; returns how many found no key slot. */
    int put(int slot, Map<String, Double> sample) {
      for (int key = 0; key < MAX_SERIES; key++)
        if (values[key] != null) values[key][slot] = Double.NaN;
      int dropped = 0;
      for (var e : sample.entrySet()) {
        Integer key = byKey.get(e.getKey());
        if (key == null) key = claim(e.getKey());
        if (key == null) dropped++;
        else values[key][slot] = e.getValue();
      }
      return dropped;
    }

    /** A slot for a new key: a free one, else one none of the kept samples has a value in. */
    private Integer claim(String name) {
      for (int key = 0; key < MAX_SERIES; key++) {
        if (keys[key] == null) {
          values[key] = new double[CAPACITY];
          Arrays.fill(values[key], Double.NaN);
          return take(key, name);
        }
      }
      for (int key = 0; key < MAX_SERIES; key++) {
        if (Arrays.stream(values[key]).allMatch(Double::isNaN)) {
          byKey.remove(keys[key]);
          return take(key, name);
        }
      }
      return null;
    }

    private Integer take(int key, String name) {
      keys[key] = name;
      byKey.put(name, key);
      return key;
    }
  }
}
