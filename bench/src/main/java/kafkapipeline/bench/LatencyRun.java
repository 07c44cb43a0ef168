package kafkapipeline.bench;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import kafkapipeline.grains.cassandra.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * End-to-end latency under paced, open-loop input: a producer sends at a fixed rate whatever the
 * consumer does (a late send is sent at once, never skipped), each record's Kafka timestamp is its
 * send time, and the latency of a row is {@code writetime(name)} (the microsecond timestamp the
 * writing client gave the row: the systems measured here write at their clock, {@code
 * PERSISTER_WRITE_TIME=clock}, not at the record's offset as they do by default) minus that
 * timestamp.
 *
 * <p>Guarantees: only records sent after the warm-up are measured; the result counts every measured
 * record (it throws if one never became a row within the wait), so no slow row is left out.
 *
 * @param system "baseline" or "pipeline-1-silo"
 * @param load fraction of the baseline's sustained rate, e.g. 0.5
 * @param p99ByWindowMs p99 of the rows sent in each {@value #WINDOW_SECONDS}-second window of the
 *     measured time, in order: shows whether slow rows are spread or bunched (a stall, a warm-up)
 */
record LatencyRun(
    String system,
    double load,
    double targetRate,
    double sentRate,
    long rows,
    double p50Ms,
    double p99Ms,
    double maxMs,
    List<Double> p99ByWindowMs) {
  static final int WINDOW_SECONDS = 5;

  /**
   * Sends {@code rate} records a second to {@code topic}: {@code warmup} unmeasured, then {@code
   * measured}, from record index {@code first} on; waits until {@code rowsDone} counts all of them,
   * then reads the write times back.
   */
  static LatencyRun measure(
      BenchEnv env,
      Dataset data,
      String topic,
      String system,
      double load,
      double rate,
      Duration warmup,
      Duration measured,
      long first,
      LongSupplier rowsDone) {
    long warmupCount = (long) (rate * warmup.toSeconds());
    long count = (long) (rate * measured.toSeconds());
    Map<UUID, Long> sentAt = new HashMap<>((int) (count * 2));
    AtomicReference<Exception> failure = new AtomicReference<>();
    long before = rowsDone.getAsLong();
    long measuredStart = 0;
    try (KafkaProducer<String, byte[]> producer =
        Dataset.producer(env.kafka.bootstrapServers(), 5)) {
      long start = System.nanoTime();
      double nanosPerRecord = 1e9 / rate;
      for (long k = 0; k < warmupCount + count; k++) {
        long due = start + (long) (k * nanosPerRecord);
        long wait = due - System.nanoTime();
        if (wait > 0) LockSupport.parkNanos(wait);
        long i = first + k;
        long now = System.currentTimeMillis();
        if (k == warmupCount) measuredStart = System.nanoTime();
        if (k >= warmupCount) sentAt.put(Dataset.id(i), now);
        producer.send(
            new ProducerRecord<>(topic, null, now, Dataset.id(i).toString(), data.payload(i)),
            (md, e) -> {
              if (e != null) failure.compareAndSet(null, e);
            });
      }
      producer.flush();
    }
    double sentRate = count / Math.max(1e-9, (System.nanoTime() - measuredStart) / 1e9);
    if (failure.get() != null)
      throw new IllegalStateException("send failed: " + failure.get(), failure.get());
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (rowsDone.getAsLong() - before < warmupCount + count) {
      if (System.nanoTime() > deadline)
        throw new IllegalStateException(system + ": rows missing after 5 minutes");
      Sampler.sleep(200);
    }
    double[] latencies = new double[(int) count];
    long firstSent = sentAt.values().stream().mapToLong(Long::longValue).min().orElse(0);
    List<List<Double>> windows = new ArrayList<>();
    int n = 0;
    for (Row row :
        env.session.execute(
            SimpleStatement.newInstance(
                    "SELECT id, writetime(name) FROM " + Schema.KEYSPACE + ".fakerdata")
                .setTimeout(Duration.ofSeconds(60)))) {
      Long sent = sentAt.get(row.getUuid(0));
      if (sent == null) continue;
      double latency = row.getLong(1) / 1000.0 - sent;
      latencies[n++] = latency;
      int w = (int) ((sent - firstSent) / (WINDOW_SECONDS * 1000L));
      while (windows.size() <= w) windows.add(new ArrayList<>());
      windows.get(w).add(latency);
    }
    if (n != count)
      throw new IllegalStateException(system + ": " + n + " of " + count + " measured rows found");
    Arrays.sort(latencies);
    List<Double> p99ByWindow = new ArrayList<>();
    for (List<Double> w : windows) {
      double[] sorted = w.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      p99ByWindow.add(sorted.length == 0 ? 0 : percentile(sorted, 0.99));
    }
    return new LatencyRun(
        system,
        load,
        rate,
        sentRate,
        count,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        latencies[latencies.length - 1],
        p99ByWindow);
  }

  private static double percentile(double[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
