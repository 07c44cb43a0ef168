package kafkapipeline.bench;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import kafkapipeline.grains.persist.FakerRowMapper;
import kafkapipeline.grains.persist.WriteTime;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The plain baseline: one {@link KafkaConsumer} reading a topic in a consumer group, mapping each
 * record with the pipeline's own {@link FakerRowMapper} (JSON parse, validation, bind) and writing
 * through an {@link AsyncWriter}. Polls are pipelined: the next poll is written while the earlier
 * ones are still in flight.
 *
 * <p>Guarantees: offsets are committed with {@code commitSync} only for polls whose rows are all
 * written, in poll order, so a commit never passes an unwritten row (what the pipeline promises
 * too); when {@link #run} returns, every row read is written and committed.
 */
final class BaselineConsumer {
  private record Pending(
      CompletableFuture<Void> written, Map<TopicPartition, OffsetAndMetadata> offsets) {}

  private final String bootstrapServers;
  private final String topic;
  private final String group;
  private final FakerRowMapper mapper;
  private final AsyncWriter writer;
  private final boolean clockWriteTimes;

  /**
   * @param clockWriteTimes rows at this JVM's clock (the latency runs read it back with {@code
   *     writetime}), else at their offsets as the pipeline writes them
   */
  BaselineConsumer(
      String bootstrapServers,
      String topic,
      String group,
      FakerRowMapper mapper,
      AsyncWriter writer,
      boolean clockWriteTimes) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.group = group;
    this.mapper = mapper;
    this.writer = writer;
    this.clockWriteTimes = clockWriteTimes;
  }

  /** Consumes until {@code stop} is true, then finishes the writes and commits. */
  void run(BooleanSupplier stop) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-baseline");
    ArrayDeque<Pending> pending = new ArrayDeque<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (!stop.getAsBoolean()) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
        if (!records.isEmpty()) pending.add(write(records));
        commitWritten(consumer, pending, false);
      }
      writer.drain();
      commitWritten(consumer, pending, true);
    }
  }

  private Pending write(ConsumerRecords<String, byte[]> records) {
    List<BoundStatement> rows = new ArrayList<>(records.count());
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      long writeTime = clockWriteTimes ? System.currentTimeMillis() * 1_000 : WriteTime.of(r);
      rows.add(mapper.toStatement(r.key(), r.value(), writeTime));
      offsets.put(
          new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
    }
    return new Pending(writer.write(rows), offsets);
  }

  private static void commitWritten(
      KafkaConsumer<String, byte[]> consumer, ArrayDeque<Pending> pending, boolean all) {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    while (!pending.isEmpty() && (all || pending.peek().written().isDone())) {
      Pending done = pending.poll();
      done.written().join(); // a failed write throws here, before its offsets are committed
      commit.putAll(done.offsets());
    }
    if (!commit.isEmpty()) consumer.commitSync(commit);
  }
}
