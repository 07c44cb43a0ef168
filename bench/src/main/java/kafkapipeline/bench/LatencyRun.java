package kafkapipeline.bench;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
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
 * writing client gave the row) minus that timestamp.
 *
 * <p>Guarantees: only records sent after the warm-up are measured; the result counts every
 * measured record (it throws if one never became a row within the wait), so no slow row is left out.
 *
 * @param system "baseline" or "pipeline-1-silo"
 * @param load fraction of the baseline's sustained rate, e.g. 0.5
 */
record LatencyRun(String system, double load, double targetRate, double sentRate, long rows, double p50Ms,
                  double p99Ms, double maxMs) {

  /**
   * Sends {@code rate} records a second to {@code topic}: {@code warmup} unmeasured, then
   * {@code measured}, from record index {@code first} on; waits until {@code rowsDone} counts all
   * of them, then reads the write times back.
   */
  static LatencyRun measure(BenchEnv env, Dataset data, String topic, String system, double load, double rate,
                            Duration warmup, Duration measured, long first, LongSupplier rowsDone) {
    long warmupCount = (long) (rate * warmup.toSeconds());
    long count = (long) (rate * measured.toSeconds());
    Map<UUID, Long> sentAt = new HashMap<>((int) (count * 2));
    AtomicReference<Exception> failure = new AtomicReference<>();
    long before = rowsDone.getAsLong();
    long measuredStart = 0;
    try (KafkaProducer<String, byte[]> producer = Dataset.producer(env.kafka.bootstrapServers(), 5)) {
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
        producer.send(new ProducerRecord<>(topic, null, now, Dataset.id(i).toString(), data.payload(i)), (md, e) -> {
          if (e != null) failure.compareAndSet(null, e);
        });
      }
      producer.flush();
    }
    double sentRate = count / Math.max(1e-9, (System.nanoTime() - measuredStart) / 1e9);
    if (failure.get() != null) throw new IllegalStateException("send failed: " + failure.get(), failure.get());
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (rowsDone.getAsLong() - before < warmupCount + count) {
      if (System.nanoTime() > deadline) throw new IllegalStateException(system + ": rows missing after 5 minutes");
      Sampler.sleep(200);
    }
    double[] latencies = new double[(int) count];
    int n = 0;
    for (Row row : env.session.execute(SimpleStatement.newInstance(
        "SELECT id, writetime(name) FROM " + Schema.KEYSPACE + ".fakerdata").setTimeout(Duration.ofSeconds(60)))) {
      Long sent = sentAt.get(row.getUuid(0));
      if (sent != null) latencies[n++] = row.getLong(1) / 1000.0 - sent;
    }
    if (n != count) throw new IllegalStateException(system + ": " + n + " of " + count + " measured rows found");
    Arrays.sort(latencies);
    return new LatencyRun(system, load, rate, sentRate, count, percentile(latencies, 0.50), percentile(latencies, 0.99),
        latencies[latencies.length - 1]);
  }

  private static double percentile(double[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
