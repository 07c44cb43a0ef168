package kafkapipeline.silo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer lag of the persisters, computed when asked: for each partition of the given topics, the
 * end offset, the offset committed by group {@code persister-<topic>}, their difference, and the
 * silo whose persister has the partition assigned, if any. A partition with no committed offset has
 * {@code committed} null and its lag is the whole end offset. Fails (with Kafka's exception) when
 * Kafka does not answer within the admin client's timeout.
 */
final class KafkaLag {
  record PartitionLag(
      String topic, int partition, long endOffset, Long committed, long lag, String member) {}

  private final Admin admin;
  private final java.util.function.Supplier<List<String>> topics;

  /**
   * @param topics the topics of every source, asked at each call (sources come and go)
   */
  KafkaLag(Admin admin, java.util.function.Supplier<List<String>> topics) {
    this.admin = admin;
    this.topics = topics;
  }

  /** The lag of every source's topic. */
  CompletionStage<List<PartitionLag>> lagOfEverySource() {
    return lag(topics.get());
  }

  static String group(String topic) {
    return "persister-" + topic;
  }

  CompletionStage<List<PartitionLag>> lag(List<String> topics) {
    return admin
        .describeTopics(topics)
        .allTopicNames()
        .toCompletionStage()
        .thenCompose(
            described -> {
              List<TopicPartition> partitions = new ArrayList<>();
              for (TopicDescription d : described.values()) {
                d.partitions()
                    .forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
              }
              Map<TopicPartition, OffsetSpec> latest =
                  partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
              Map<String, ListConsumerGroupOffsetsSpec> groups = new HashMap<>();
              for (String t : described.keySet())
                groups.put(group(t), new ListConsumerGroupOffsetsSpec());
              CompletableFuture<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> ends =
                  admin.listOffsets(latest).all().toCompletionStage().toCompletableFuture();
              CompletableFuture<Map<String, Map<TopicPartition, OffsetAndMetadata>>> committed =
                  admin
                      .listConsumerGroupOffsets(groups)
                      .all()
                      .toCompletionStage()
                      .toCompletableFuture();
              CompletableFuture<Map<TopicPartition, String>> members =
                  admin
                      .describeConsumerGroups(groups.keySet())
                      .all()
                      .toCompletionStage()
                      .toCompletableFuture()
                      .thenApply(KafkaLag::assignments);
              return CompletableFuture.allOf(ends, committed, members)
                  .thenApply(
                      done -> {
                        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
                        committed
                            .join()
                            .values()
                            .forEach(
                                m ->
                                    m.forEach(
                                        (tp, o) -> {
                                          if (o != null) commits.put(tp, o);
                                        }));
                        List<PartitionLag> out = new ArrayList<>();
                        for (TopicPartition tp : partitions) {
                          long end = ends.join().get(tp).offset();
                          OffsetAndMetadata c = commits.get(tp);
                          Long at = c == null ? null : c.offset();
                          out.add(
                              new PartitionLag(
                                  tp.topic(),
                                  tp.partition(),
                                  end,
                                  at,
                                  Math.max(0, end - (at == null ? 0 : at)),
                                  members.join().get(tp)));
                        }
                        out.sort(
                            Comparator.comparing(PartitionLag::topic)
                                .thenComparingInt(PartitionLag::partition));
                        return out;
                      });
            });
  }

  /** The silo of a persister (its client id is persister-TOPIC@SILO), else client id and host. */
  static String reader(MemberDescription m) {
    int at = m.clientId().indexOf('@');
    return at >= 0 ? m.clientId().substring(at + 1) : m.clientId() + m.host();
  }

  private static Map<TopicPartition, String> assignments(
      Map<String, ConsumerGroupDescription> groups) {
    Map<TopicPartition, String> out = new HashMap<>();
    for (ConsumerGroupDescription g : groups.values()) {
      for (MemberDescription m : g.members()) {
        for (TopicPartition tp : m.assignment().topicPartitions()) out.put(tp, reader(m));
      }
    }
    return out;
  }
}
