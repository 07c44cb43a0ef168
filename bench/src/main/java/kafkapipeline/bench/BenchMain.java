package kafkapipeline.bench;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.persist.FakerRowMapper;
import kafkapipeline.grains.persist.WriteTime;
import kafkapipeline.launcher.CassandraEngine;
import kafkapipeline.launcher.KafkaEngine;
import kafkapipeline.launcher.ProjectLayout;

/**
 * {@code ./pipeline bench}: rows per second into {@code fakerdata}, for the pipeline's silos
 * against a raw driver writer (the ceiling) and a plain KafkaConsumer (the baseline), then
 * end-to-end latency under paced input. See {@link BenchOptions} for the command line and the
 * README's Performance section for what each figure means.
 *
 * <p>Guarantees: every phase writes the same N measured rows into an emptied table (the phases
 * reading Kafka 300,000 unmeasured warm-up rows before them) and is checked to hold exactly the
 * rows it wrote in the end ({@code SELECT count(*)}); a phase that fails stops the run with its
 * reason, and every server and silo started is stopped on the way out. Results go to {@code
 * bench/target/bench-results/} (JSON, PNG, the table) and the table to stdout.
 */
public final class BenchMain {
  static final String PIPELINE_GROUP = "persister-" + Topics.FAKER;
  static final int PARTITIONS = 12;

  private final BenchOptions options;
  private final BenchEnv env;
  private final Dataset data;
  private final FakerRowMapper mapper;
  private final Path results;
  private final List<PhaseResult> phases = new ArrayList<>();
  private long nextIndex;

  private BenchMain(BenchOptions options, BenchEnv env, Dataset data, Path results) {
    this.options = options;
    this.env = env;
    this.data = data;
    this.results = results;
    this.mapper = FakerRowMapper.prepare(env.session).toCompletableFuture().join();
  }

  public static void main(String[] args) throws IOException {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(
          List.of(args).contains("--profiler") ? ProfilerBench.USAGE : BenchOptions.USAGE);
      return;
    }
    if (List.of(args).contains("--profiler")) {
      // Its own program: no servers, no silos (ProfilerBench).
      List<String> rest = new ArrayList<>(List.of(args));
      rest.remove("--profiler");
      try {
        ProfilerBench.run(rest);
      } catch (IllegalArgumentException e) {
        System.err.println("bench: " + e.getMessage());
        System.err.println(ProfilerBench.USAGE);
        System.exit(2);
      }
      System.exit(0);
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    ProjectLayout layout = ProjectLayout.locate();
    Path target = layout.root().resolve("bench/target");
    Path dataDir = target.resolve("bench-data");
    Path results = target.resolve("bench-results");
    deleteTree(dataDir);
    Files.createDirectories(results);
    say("bench: " + options);
    say("peer: " + Peer.STATUS);
    long started = System.nanoTime();
    try (BenchEnv env = new BenchEnv(layout, dataDir, options.replicas())) {
      say(
          "servers up: Cassandra "
              + env.cassandra.contactPointList()
              + ", Kafka "
              + env.kafka.bootstrapServers()
              + " (RF "
              + env.replicationFactor()
              + ", LOCAL_QUORUM)");
      Dataset data = new Dataset(options.poolSize());
      BenchMain bench = new BenchMain(options, env, data, results);
      bench.run();
    }
    say(
        String.format(
            "bench: done in %.1f min; results in %s",
            (System.nanoTime() - started) / 60e9, results));
    System.exit(0);
  }

  private void run() {
    env.createTopic(Topics.FAKER, PARTITIONS);
    long t = System.nanoTime();
    data.prefill(env.kafka.bootstrapServers(), Topics.FAKER, 0, kafkaWarmup() + options.records());
    nextIndex = kafkaWarmup() + options.records();
    say(
        String.format(
            "prefilled topic %s (%d partitions) with %,d records (%,d of them warm-up) in %.1f s",
            Topics.FAKER, PARTITIONS, nextIndex, kafkaWarmup(), (System.nanoTime() - t) / 1e9));
    warmUp();
    for (int round = 1; round <= options.rounds(); round++) {
      for (AsyncWriter.Mode mode : options.rawModes()) record(raw(round, mode));
      record(baseline(round));
      record(pipeline(round, 1));
      if (options.twoSilos()) record(pipeline(round, 2));
    }
    List<LatencyRun> latencies = new ArrayList<>();
    Report interim = new Report(phases, latencies, context());
    double baselineRate = interim.meanRate("baseline").orElseThrow();
    for (double load : options.loads()) {
      latencies.add(baselineLatency(load, load * baselineRate));
      latencies.add(pipelineLatency(load, load * baselineRate));
    }
    Report report = new Report(phases, latencies, context());
    report.write(results);
    say("");
    say(report.table());
    say("peer: " + Peer.STATUS);
  }

  /**
   * Records at the head of the topic that the phases reading Kafka (baseline, pipeline) write but
   * do not measure: a silo starts in a fresh JVM for each phase, and without these its JIT
   * compilation would be measured against the harness's JVM, warm since the start.
   */
  private long kafkaWarmup() {
    return Math.min(options.records(), 300_000);
  }

  /** Unmeasured writes first, so that no measured phase pays for Cassandra's JIT compilation. */
  private void warmUp() {
    long rows = Math.min(options.records(), 300_000);
    say(String.format("warm-up: %,d rows, not measured ...", rows));
    AsyncWriter writer =
        new AsyncWriter(env.session, AsyncWriter.Mode.parse("single"), options.inFlight());
    writeRows(writer, rows);
  }

  private void writeRows(AsyncWriter writer, long rows) {
    List<BoundStatement> chunk = new ArrayList<>(512);
    for (long i = 0; i < rows; i++) {
      chunk.add(mapper.bind(data.person(i), WriteTime.BASE + i));
      if (chunk.size() == 512) {
        writer.write(chunk);
        chunk = new ArrayList<>(512);
      }
    }
    writer.write(chunk);
    writer.drain();
  }

  private void record(PhaseResult result) {
    phases.add(result);
    say(
        String.format(
            "  %s round %d: %,.0f rows/s, %.0f CPU µs/row %s, peak RSS MB %s",
            result.phase(),
            result.round(),
            result.rowsPerSecond(),
            result.cpuMicrosPerRow().get("total"),
            round(result.cpuMicrosPerRow()),
            round(result.peakRssMb())));
    new Report(phases, List.of(), context()).write(results); // keep what is measured so far
  }

  private PhaseResult raw(int round, AsyncWriter.Mode mode) {
    String phase = "raw-" + mode.name();
    say("phase " + phase + " round " + round + " ...");
    env.truncate();
    AsyncWriter writer = new AsyncWriter(env.session, mode, options.inFlight());
    try (Sampler sampler = new Sampler(serverPids(false), writer::rowsWritten)) {
      writeRows(writer, options.records());
      return finish(
          sampler,
          phase,
          round,
          0,
          Map.of(
              "mode",
              mode.name(),
              "in_flight_rows",
              options.inFlight(),
              "retries",
              writer.retries()));
    }
  }

  private PhaseResult baseline(int round) {
    say("phase baseline round " + round + " ...");
    env.truncate();
    AsyncWriter writer = new AsyncWriter(env.session, bestMode(), options.inFlight());
    BaselineConsumer consumer =
        new BaselineConsumer(
            env.kafka.bootstrapServers(),
            Topics.FAKER,
            "bench-baseline-" + round,
            mapper,
            writer,
            false);
    try (Sampler sampler = new Sampler(serverPids(true), writer::rowsWritten)) {
      consumer.run(() -> writer.rowsWritten() >= kafkaWarmup() + options.records());
      return finish(
          sampler,
          "baseline",
          round,
          kafkaWarmup(),
          Map.of(
              "mode",
              writer.mode().name(),
              "in_flight_rows",
              options.inFlight(),
              "retries",
              writer.retries()));
    }
  }

  private PhaseResult pipeline(int round, int silos) {
    String phase = silos == 1 ? "pipeline-1-silo" : "pipeline-" + silos + "-silos";
    say("phase " + phase + " round " + round + " ...");
    env.truncate();
    env.resetGroup(PIPELINE_GROUP, Topics.FAKER, true);
    try (SiloFleet fleet = fleet(silos, phase + "-r" + round)) {
      Map<String, Long> pids = serverPids(true);
      pids.remove("harness"); // it only polls /api/stats here
      pids.putAll(fleet.pids());
      try (Sampler sampler = new Sampler(pids, fleet::rowsWritten)) {
        fleet.awaitHealthy();
        sampler.awaitRows(kafkaWarmup() + options.records(), Duration.ofMinutes(30));
        env.awaitCommitted(PIPELINE_GROUP, Topics.FAKER, Duration.ofMinutes(2));
        long duplicates = fleet.rowsWritten() - kafkaWarmup() - options.records();
        return finish(
            sampler,
            phase,
            round,
            kafkaWarmup(),
            Map.of(
                "silos",
                silos,
                "heap_each",
                heapEach(silos),
                "rows_written_twice",
                duplicates,
                "batch_size",
                options.siloEnv().getOrDefault("PERSISTER_BATCH_SIZE", "256"),
                "parallelism",
                options.siloEnv().getOrDefault("PERSISTER_PARALLELISM", "2"),
                "rows_per_request",
                options.siloEnv().getOrDefault("PERSISTER_ROWS_PER_REQUEST", "8")));
      }
    }
  }

  private LatencyRun baselineLatency(double load, double rate) {
    env.truncate();
    String group = "bench-baseline-latency-" + Math.round(load * 100);
    env.resetGroup(group, Topics.FAKER, false);
    AsyncWriter writer = new AsyncWriter(env.session, bestMode(), options.inFlight());
    AtomicBoolean stop = new AtomicBoolean();
    Thread consumer =
        new Thread(
            () ->
                new BaselineConsumer(
                        env.kafka.bootstrapServers(), Topics.FAKER, group, mapper, writer, true)
                    .run(stop::get),
            "bench-baseline");
    consumer.start();
    try {
      Sampler.sleep(3000); // joined the group
      prime("baseline", writer::rowsWritten);
      return latency("baseline", load, rate, writer::rowsWritten);
    } finally {
      stop.set(true);
      join(consumer);
    }
  }

  private LatencyRun pipelineLatency(double load, double rate) {
    env.truncate();
    env.resetGroup(PIPELINE_GROUP, Topics.FAKER, false);
    // Rows at the silo's clock: the latency is read back as writetime() minus the send time.
    try (SiloFleet fleet =
        fleet(1, "latency-" + Math.round(load * 100), Map.of("PERSISTER_WRITE_TIME", "clock"))) {
      fleet.awaitHealthy();
      Sampler.sleep(5000); // the persister joined the group
      prime("pipeline-1-silo", fleet::rowsWritten);
      return latency("pipeline-1-silo", load, rate, fleet::rowsWritten);
    }
  }

  /**
   * Before a latency run, the same unmeasured warm-up as the throughput phases, at full speed: the
   * silo is a fresh JVM, and a first latency run measured its JIT compilation (p99 of 5.0, 3.6,
   * 2.1, 1.1 s in the first four 5 s windows, then 0.13-0.49 s).
   */
  private void prime(String system, java.util.function.LongSupplier rowsDone) {
    long before = rowsDone.getAsLong();
    data.prefill(env.kafka.bootstrapServers(), Topics.FAKER, nextIndex, nextIndex + kafkaWarmup());
    nextIndex += kafkaWarmup();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (rowsDone.getAsLong() - before < kafkaWarmup()) {
      if (System.nanoTime() > deadline)
        throw new IllegalStateException(system + ": warm-up rows missing after 5 minutes");
      Sampler.sleep(200);
    }
  }

  private LatencyRun latency(
      String system, double load, double rate, java.util.function.LongSupplier rowsDone) {
    say(String.format("latency %s at %.0f %% (%,.0f rows/s) ...", system, load * 100, rate));
    LatencyRun run =
        LatencyRun.measure(
            env,
            data,
            Topics.FAKER,
            system,
            load,
            rate,
            options.latencyWarmup(),
            options.latencyDuration(),
            nextIndex,
            rowsDone);
    say(
        String.format(
            "  %s at %.0f %%: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%,d rows at %,.0f rows/s)",
            system, load * 100, run.p50Ms(), run.p99Ms(), run.maxMs(), run.rows(), run.sentRate()));
    say(
        "    p99 per "
            + LatencyRun.WINDOW_SECONDS
            + " s window (ms): "
            + run.p99ByWindowMs().stream()
                .map(v -> String.format("%.0f", v))
                .collect(java.util.stream.Collectors.joining(" ")));
    nextIndex +=
        (long)
                (rate
                    * (options.latencyWarmup().toSeconds() + options.latencyDuration().toSeconds()))
            + 1;
    return run;
  }

  private SiloFleet fleet(int silos, String name) {
    return fleet(silos, name, Map.of());
  }

  private SiloFleet fleet(int silos, String name, Map<String, String> extraEnv) {
    List<String> jvmArgs = new ArrayList<>();
    if (options.jfr()) {
      try {
        Files.createDirectories(results.resolve("jfr"));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      jvmArgs.add(
          "-XX:StartFlightRecording=filename="
              + results.resolve("jfr/" + name + "-{silo}.jfr")
              + ",settings=profile,dumponexit=true");
    }
    Path logs = env.dataDir.resolve("logs");
    Map<String, String> siloEnv = new java.util.HashMap<>(options.siloEnv());
    siloEnv.putAll(extraEnv);
    return new SiloFleet(env, silos, heapEach(silos), logs, jvmArgs, siloEnv);
  }

  private String heapEach(int silos) {
    return (options.siloHeapTotalMb() / silos) + "m";
  }

  /** The write mode of the best raw phase so far (the baseline uses the same grouping). */
  private AsyncWriter.Mode bestMode() {
    String best = new Report(phases, List.of(), Map.of()).bestRaw();
    return options.rawModes().stream()
        .filter(m -> ("raw-" + m.name()).equals(best))
        .findFirst()
        .orElse(options.rawModes().get(0));
  }

  /**
   * The phase's figures over its measured rows (after {@code warmupRows}), once the table holds
   * every row.
   */
  private PhaseResult finish(
      Sampler sampler, String phase, int round, long warmupRows, Map<String, Object> notes) {
    Map<String, Object> allNotes = new LinkedHashMap<>(notes);
    allNotes.put("warmup_rows", warmupRows);
    PhaseResult result =
        sampler.result(phase, round, warmupRows, warmupRows + options.records(), allNotes);
    long rows = env.countRows();
    if (rows != warmupRows + options.records()) {
      throw new IllegalStateException(
          phase
              + " round "
              + round
              + ": fakerdata holds "
              + rows
              + " rows, expected "
              + (warmupRows + options.records()));
    }
    return result;
  }

  private Map<String, Long> serverPids(boolean withKafka) {
    Map<String, Long> pids = new LinkedHashMap<>();
    // One node: the keys of earlier results ("cassandra", "kafka"); more: one key per node.
    List<CassandraEngine> nodes = env.cassandra.nodes();
    for (int i = 0; i < nodes.size(); i++)
      pids.put(
          nodes.size() == 1 ? "cassandra" : "cassandra-" + (i + 1), nodes.get(i).process().pid());
    List<KafkaEngine> brokers = env.kafka.nodes();
    for (int i = 0; withKafka && i < brokers.size(); i++)
      pids.put(brokers.size() == 1 ? "kafka" : "kafka-" + (i + 1), brokers.get(i).process().pid());
    pids.put("harness", ProcessHandle.current().pid());
    return pids;
  }

  private Map<String, Object> context() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    c.put("cores", Runtime.getRuntime().availableProcessors());
    c.put("ram_gb", Machine.ramGb());
    c.put("java", System.getProperty("java.version"));
    c.put("options", options.toString());
    c.put("peer", Peer.STATUS);
    c.put("replicas", options.replicas());
    c.put("replication_factor", env.replicationFactor());
    c.put("consistency", "LOCAL_QUORUM");
    return c;
  }

  private static Map<String, Long> round(Map<String, Double> values) {
    Map<String, Long> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, Math.round(v)));
    return out;
  }

  private static void join(Thread thread) {
    try {
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
