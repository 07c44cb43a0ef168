package kafkapipeline.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@code ./pipeline bench}. Bad input throws {@link IllegalArgumentException}
 * with a one-line reason, before anything starts.
 *
 * @param records rows each phase writes (N)
 * @param rounds how many times the throughput phases run, interleaved
 * @param rawModes write modes of the raw phase ("single", "batchK"); the baseline takes the best
 * @param inFlight rows in flight for the raw writer and the baseline (a batch of 8 holds 8)
 * @param twoSilos whether to run the 2-silo pipeline phase too
 * @param siloHeapTotalMb heap of all silos of a phase together (1 silo: all of it; 2: half each)
 * @param loads fractions of the baseline's rate for the latency runs (empty: none)
 * @param latencyWarmup unmeasured seconds at the start of a latency run
 * @param latencyDuration measured seconds of a latency run
 * @param poolSize distinct generated people the records cycle through
 * @param jfr record a JFR profile of every silo under bench-results/jfr/
 * @param siloEnv environment given to the silos (PERSISTER_* settings), from this process's
 *     environment
 * @param replicas Kafka brokers and Cassandra nodes (1 to 5); topics and keyspace at RF min(3, N),
 *     rows at LOCAL_QUORUM, the raw writer and the baseline at the same consistency
 */
record BenchOptions(
    long records,
    int rounds,
    List<AsyncWriter.Mode> rawModes,
    int inFlight,
    boolean twoSilos,
    int siloHeapTotalMb,
    List<Double> loads,
    Duration latencyWarmup,
    Duration latencyDuration,
    int poolSize,
    boolean jfr,
    Map<String, String> siloEnv,
    int replicas) {

  static final String USAGE =
      """
      usage: ./pipeline bench [--quick] [--records N] [--rounds R] [--raw-modes single,batch8]
                              [--in-flight K] [--one-silo] [--silo-heap-total MB] [--loads 0.5,0.8]
                              [--latency-seconds S] [--jfr] [--replicas N]
        --quick   a 1-2 minute smoke run (60,000 records, 1 round, 12 s latency runs at 50 %)
        --replicas N   N Kafka brokers and N Cassandra nodes (RF min(3, N), LOCAL_QUORUM); default 1
        PERSISTER_BATCH_SIZE / _PARALLELISM / _ROWS_PER_REQUEST in the environment reach the silos
             ./pipeline bench --profiler [--messages N] [--rounds R]
        the grain profiler's cost per message, no servers (see ./pipeline bench --profiler --help)""";

  static BenchOptions parse(List<String> args) {
    long records = 1_500_000;
    int rounds = 2;
    String modes = "single,batch8";
    int inFlight = 512;
    boolean twoSilos = true;
    int heapTotal = 768;
    String loads = "0.5,0.8";
    long latencySeconds = 60;
    boolean jfr = false;
    int replicas = 1;
    boolean quick = args.contains("--quick");
    if (quick) {
      records = 60_000;
      rounds = 1;
      latencySeconds = 12;
      loads = "0.5";
    }
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--quick" -> {}
        case "--records" -> records = positive(value(args, ++i, a), a);
        case "--rounds" -> rounds = (int) positive(value(args, ++i, a), a);
        case "--raw-modes" -> modes = value(args, ++i, a);
        case "--in-flight" -> inFlight = (int) positive(value(args, ++i, a), a);
        case "--one-silo" -> twoSilos = false;
        case "--silo-heap-total" -> heapTotal = (int) positive(value(args, ++i, a), a);
        case "--loads" -> loads = value(args, ++i, a);
        case "--latency-seconds" -> latencySeconds = positive(value(args, ++i, a), a);
        case "--jfr" -> jfr = true;
        case "--replicas" -> {
          replicas = (int) positive(value(args, ++i, a), a);
          if (replicas > 5)
            throw new IllegalArgumentException("--replicas: 1 to 5, got " + replicas);
        }
        default -> throw new IllegalArgumentException("unknown option '" + a + "'");
      }
    }
    List<AsyncWriter.Mode> rawModes = new ArrayList<>();
    for (String m : modes.split(",")) rawModes.add(AsyncWriter.Mode.parse(m.trim()));
    List<Double> loadList = new ArrayList<>();
    for (String l : loads.split(",")) {
      if (l.isBlank() || l.equals("none")) continue;
      double v = Double.parseDouble(l.trim());
      if (v <= 0 || v > 1.5)
        throw new IllegalArgumentException("--loads: each between 0 and 1.5, got " + v);
      loadList.add(v);
    }
    Map<String, String> siloEnv = new HashMap<>();
    for (String name :
        List.of("PERSISTER_BATCH_SIZE", "PERSISTER_PARALLELISM", "PERSISTER_ROWS_PER_REQUEST")) {
      String v = System.getenv(name);
      if (v != null && !v.isBlank()) siloEnv.put(name, v);
    }
    return new BenchOptions(
        records,
        rounds,
        List.copyOf(rawModes),
        inFlight,
        twoSilos,
        heapTotal,
        List.copyOf(loadList),
        Duration.ofSeconds(Math.max(3, latencySeconds / 6)),
        Duration.ofSeconds(latencySeconds),
        (int) Math.min(records, 20_000),
        jfr,
        Map.copyOf(siloEnv),
        replicas);
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size() || args.get(i).startsWith("--"))
      throw new IllegalArgumentException(option + " needs a value");
    return args.get(i);
  }

  private static long positive(String text, String option) {
    try {
      long v = Long.parseLong(text.replace("_", "").replace(",", ""));
      if (v <= 0) throw new IllegalArgumentException(option + " must be positive, got " + v);
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, got '" + text + "'");
    }
  }
}
