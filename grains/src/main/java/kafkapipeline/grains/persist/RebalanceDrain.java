package kafkapipeline.grains.persist;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kafkapipeline.grains.PipelineMetrics;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.kafka.RestrictedConsumer;
import org.apache.pekko.kafka.javadsl.PartitionAssignmentHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persister's rebalance callbacks: a partition given up (revoked in a rebalance, or all of them
 * when the consumer stops) is drained before the callback returns, and so before the group hands it
 * to its next owner: the callback waits, up to {@code drain-timeout}, until every record the stream
 * took in of it is written, then commits past them synchronously through the consumer. Each drain
 * is counted ({@code partitions_drained}); one that ended with records unwritten or whose commit
 * failed is counted ({@code drains_incomplete}) and logged: its next owner reads those records
 * again (a replay, never a skip).
 *
 * <p>Why here and not through the stream's commits: these callbacks run on the consumer's own
 * thread, inside its poll, so the stream's commits (sent to that consumer) cannot be sent until the
 * callback returns; a drain that waited for them would wait forever.
 */
final class RebalanceDrain implements PartitionAssignmentHandler {
  private static final Logger log = LoggerFactory.getLogger(RebalanceDrain.class);

  private final String topic;
  private final DrainTracker tracker;
  private final Duration timeout;
  private final PipelineMetrics metrics;

  RebalanceDrain(String topic, DrainTracker tracker, Duration timeout, PipelineMetrics metrics) {
    this.topic = topic;
    this.tracker = tracker;
    this.timeout = timeout;
    this.metrics = metrics;
  }

  @Override
  public void onAssign(Set<TopicPartition> assigned, RestrictedConsumer consumer) {
    Map<Integer, Long> positions = new HashMap<>();
    // Kafka's consumer has just looked these up (Pekko reads them before this callback).
    for (TopicPartition tp : assigned) positions.put(tp.partition(), consumer.position(tp));
    tracker.assigned(positions);
    if (!assigned.isEmpty())
      log.info(
          "Persister of {} assigned partitions at {}", topic, new java.util.TreeMap<>(positions));
  }

  @Override
  public void onRevoke(Set<TopicPartition> revoked, RestrictedConsumer consumer) {
    drain(revoked, consumer, "revoked");
  }

  @Override
  public void onStop(Set<TopicPartition> current, RestrictedConsumer consumer) {
    // The consumer is about to close and leave the group: everything it owns is given up.
    drain(current, consumer, "stopping");
  }

  @Override
  public void onLost(Set<TopicPartition> lost, RestrictedConsumer consumer) {
    // Already someone else's (this member fell out of the group): committing is not possible.
    tracker.lost(lost.stream().map(TopicPartition::partition).toList());
    if (!lost.isEmpty())
      log.warn(
          "Persister of {} lost partitions {} without a drain: their next owner may read records again",
          topic,
          lost);
  }

  private void drain(Set<TopicPartition> partitions, RestrictedConsumer consumer, String why) {
    if (partitions.isEmpty()) return;
    List<Integer> ids = partitions.stream().map(TopicPartition::partition).sorted().toList();
    long started = System.nanoTime();
    DrainTracker.Drained drained;
    try {
      drained = tracker.revoke(ids, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      metrics.increment(PipelineMetrics.DRAINS_INCOMPLETE, topic);
      log.warn(
          "Persister of {}: drain of {} interrupted; their next owner may read records again",
          topic,
          ids);
      return;
    }
    boolean complete = drained.unwritten().isEmpty();
    if (!drained.commit().isEmpty()) {
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      drained
          .commit()
          .forEach(
              (p, next) -> offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(next)));
      try {
        consumer.commitSync(offsets);
      } catch (RuntimeException e) {
        complete = false;
        log.warn(
            "Persister of {}: commit of drained partitions {} failed; their next owner may read records again: {}",
            topic,
            drained.commit(),
            e.toString());
      }
    }
    metrics.add(PipelineMetrics.PARTITIONS_DRAINED, topic, ids.size());
    if (!complete) metrics.increment(PipelineMetrics.DRAINS_INCOMPLETE, topic);
    long millis = (System.nanoTime() - started) / 1_000_000;
    if (drained.unwritten().isEmpty()) {
      log.info(
          "Persister of {} drained partitions {} ({}) in {} ms, committed {}",
          topic,
          ids,
          why,
          millis,
          drained.commit());
    } else {
      log.warn(
          "Persister of {}: drain of {} ({}) timed out after {} ms with records unwritten up to {}; committed {}",
          topic,
          ids,
          why,
          millis,
          drained.unwritten(),
          drained.commit());
    }
  }
}
