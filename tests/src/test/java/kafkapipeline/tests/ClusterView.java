package kafkapipeline.tests;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import kafkapipeline.api.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;

/**
 * What a {@link SiloCluster} says about itself through its API (members, where the singletons run)
 * and what Kafka says about its persisters' consumer group: the questions a fault test asks while
 * it waits for a takeover.
 */
final class ClusterView {
  private static final String GROUP = "persister-" + Topics.FAKER;

  private final SiloCluster silos;
  private final Admin admin;

  ClusterView(SiloCluster silos, Admin admin) {
    this.silos = silos;
    this.admin = admin;
  }

  /** The cluster members silo {@code i} sees, as "address status". */
  List<String> members(int i) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : SiloHttp.get(silos.api(i), "/api/health").body().path("members")) {
      out.add(m.path("address").asText() + " " + m.path("status").asText());
    }
    return out;
  }

  long upMembers(int i) {
    return members(i).stream().filter(m -> m.endsWith(" Up")).count();
  }

  boolean hasMember(int seenBy, int member) {
    String address = "@" + silos.host(member) + ":" + silos.clusterPort(member) + " ";
    return members(seenBy).stream().anyMatch(m -> m.contains(address));
  }

  /**
   * The silo (index) that {@code /api/status} of silo {@code asked} says hosts the singletons, the
   * fake-person generator among them; -1 if none.
   */
  int singletonHost(int asked) {
    JsonNode status = SiloHttp.get(silos.api(asked), "/api/status?rows=false").body();
    for (JsonNode s : status.path("silos")) {
      boolean generator = false;
      for (JsonNode n : s.path("grains").path("singletons"))
        generator |= n.asText().equals("faker-source");
      if (!generator) continue;
      for (int i = 0; i < silos.size(); i++) {
        if (s.path("address").asText().endsWith("@" + silos.host(i) + ":" + silos.clusterPort(i)))
          return i;
      }
    }
    return -1;
  }

  /** Client id -> partitions of faker assigned, of each member of the persisters' group. */
  Map<String, Integer> groupMembers() {
    try {
      Map<String, Integer> out = new TreeMap<>();
      for (MemberDescription m :
          admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP).members()) {
        out.put(
            m.clientId(),
            (int)
                m.assignment().topicPartitions().stream()
                    .filter(tp -> tp.topic().equals(Topics.FAKER))
                    .count());
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError("cannot describe the persisters' group", e);
    }
  }

  /**
   * True if the persisters' group has members on exactly the silos {@code readers}, each with at
   * least one partition of faker, and between them they are assigned every partition. A member is
   * told apart by its client id, which holds its silo's address and cluster port.
   */
  boolean partitionsReadBy(int... readers) {
    Map<String, Integer> assigned = groupMembers();
    Set<Integer> on = new HashSet<>();
    for (Map.Entry<String, Integer> member : assigned.entrySet()) {
      int silo = -1;
      for (int i = 0; i < silos.size(); i++) {
        if (member.getKey().endsWith("@" + silos.host(i) + ":" + silos.clusterPort(i))) silo = i;
      }
      if (member.getValue() > 0) on.add(silo);
    }
    Set<Integer> wanted = new HashSet<>();
    for (int r : readers) wanted.add(r);
    return on.equals(wanted)
        && assigned.values().stream().mapToInt(Integer::intValue).sum() == fakerPartitions();
  }

  private int fakerPartitions() {
    try {
      return admin
          .describeTopics(List.of(Topics.FAKER))
          .allTopicNames()
          .get()
          .get(Topics.FAKER)
          .partitions()
          .size();
    } catch (Exception e) {
      throw new AssertionError("cannot describe topic faker", e);
    }
  }
}
