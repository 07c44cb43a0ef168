package kafkapipeline.grains.persist;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * One topic of a broker, in memory, for a persister's consumers: Kafka's own {@link MockConsumer}
 * (one per consumer the persister's stream creates; a restarted stream creates another), over a log
 * the test fills and committed offsets shared by every consumer of the group, as a broker keeps
 * them. Each consumer is given every partition on its first poll, starts at the group's committed
 * offsets (else at 0) and is handed the whole log.
 *
 * <p>Every commit, whichever way it is made, is first checked by the test's {@code check} (the
 * partition and the offset committed), whose complaints are kept in {@link #violations}, and
 * recorded in {@link #commits} as {@code async p=n} or {@code sync p=n}; a commit below the
 * partition's last one is a violation too.
 */
final class FakeKafka {
  final String topic;
  final int partitions;
  final List<List<ConsumerRecord<String, byte[]>>> log = new ArrayList<>();
  final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
  final List<String> commits = new CopyOnWriteArrayList<>();
  final List<String> violations = new CopyOnWriteArrayList<>();
  final List<Consumer> consumers = new CopyOnWriteArrayList<>();
  final AtomicLong polls = new AtomicLong();
  private final BiFunction<Integer, Long, String> check;

  /**
   * @param check the partition and offset of a commit to a complaint, or null when it may happen
   */
  FakeKafka(String topic, int partitions, BiFunction<Integer, Long, String> check) {
    this.topic = topic;
    this.partitions = partitions;
    this.check = check;
    for (int p = 0; p < partitions; p++) log.add(new CopyOnWriteArrayList<>());
  }

  /** Appends a record (a null value is a tombstone) and returns it. */
  ConsumerRecord<String, byte[]> append(int partition, String key, String value) {
    return append(partition, key, value, null);
  }

  /** Appends a record marked by its source as a dead letter with {@code reason}. */
  ConsumerRecord<String, byte[]> append(
      int partition, String key, String value, String deadLetterReason) {
    RecordHeaders headers = new RecordHeaders();
    if (deadLetterReason != null)
      headers.add(
          kafkapipeline.api.Topics.DEAD_LETTER_HEADER,
          deadLetterReason.getBytes(StandardCharsets.UTF_8));
    List<ConsumerRecord<String, byte[]>> records = log.get(partition);
    ConsumerRecord<String, byte[]> r =
        new ConsumerRecord<>(
            topic,
            partition,
            records.size(),
            0L,
            TimestampType.CREATE_TIME,
            key.length(),
            value == null ? -1 : value.length(),
            key,
            value == null ? null : value.getBytes(StandardCharsets.UTF_8),
            headers,
            Optional.empty());
    records.add(r);
    return r;
  }

  TopicPartition tp(int partition) {
    return new TopicPartition(topic, partition);
  }

  /** The committed offset of a partition, -1 if none. */
  long committed(int partition) {
    return committed.getOrDefault(tp(partition), -1L);
  }

  /** A new consumer of the group: what the persister's consumer factory returns. */
  Consumer newConsumer() {
    Consumer c = new Consumer();
    consumers.add(c);
    return c;
  }

  final class Consumer extends MockConsumer<String, byte[]> {
    Consumer() {
      super(OffsetResetStrategy.EARLIEST);
      Map<TopicPartition, Long> beginning = new HashMap<>();
      List<TopicPartition> all = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        beginning.put(tp(p), 0L);
        all.add(tp(p));
      }
      updateBeginningOffsets(beginning);
      schedulePollTask(
          () -> {
            // The group's offsets first: the assignment callback asks for the positions.
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            committed.forEach((tp, offset) -> start.put(tp, new OffsetAndMetadata(offset)));
            quietly(() -> super.commitSync(start));
            rebalance(all);
            for (List<ConsumerRecord<String, byte[]>> records : log)
              records.forEach(this::addRecord);
          });
    }

    @Override
    public synchronized org.apache.kafka.clients.consumer.ConsumerRecords<String, byte[]> poll(
        java.time.Duration timeout) {
      polls.incrementAndGet();
      return super.poll(timeout);
    }

    // MockConsumer's commitSync commits through commitAsync: that one is not a second commit.
    private boolean quiet;

    private void quietly(Runnable commit) {
      quiet = true;
      try {
        commit.run();
      } finally {
        quiet = false;
      }
    }

    @Override
    public synchronized void commitAsync(
        Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
      if (!quiet) record("async", offsets);
      super.commitAsync(offsets, callback);
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
      if (!quiet) record("sync", offsets);
      quietly(() -> super.commitSync(offsets));
    }

    private void record(String how, Map<TopicPartition, OffsetAndMetadata> offsets) {
      offsets.forEach(
          (tp, o) -> {
            String complaint = check.apply(tp.partition(), o.offset());
            if (complaint != null) violations.add(complaint);
            commits.add(how + " " + tp.partition() + "=" + o.offset());
            Long before = committed.get(tp);
            if (before != null && before > o.offset())
              violations.add("commit of " + tp + " went back from " + before + " to " + o.offset());
            committed.merge(tp, o.offset(), Math::max);
          });
    }
  }
}
