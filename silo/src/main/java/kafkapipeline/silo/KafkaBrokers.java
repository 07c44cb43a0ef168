package kafkapipeline.silo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Kafka brokers a silo knows of and the state of each, as one list: a pure function of what the
 * silo was told (the configured bootstrap list), what Kafka answered (the live brokers and the
 * active controller) and what it remembers (the replica ids of the pipeline topics, the last
 * address each broker id was seen at).
 *
 * <p>Guarantees of {@link #merge}: every live broker, every replica id and every bootstrap address
 * appears exactly once; a broker id appears in at most one entry and an address in at most one
 * entry; an entry is {@link #UP} exactly when its id is among the live brokers; when Kafka did not
 * answer every entry is {@link #DOWN}, because the silo cannot reach it; exactly the live broker
 * whose id is the controller is marked as such. A bootstrap address no broker id is known for stays
 * an entry of its own with a null id. The list is sorted: by id (entries without an id last), then
 * by address.
 */
final class KafkaBrokers {
  static final String UP = "up";
  static final String DOWN = "down";

  /**
   * Only before Kafka first answered or failed to: nothing is known yet. {@link #merge} never gives
   * it.
   */
  static final String UNKNOWN = "unknown";

  private KafkaBrokers() {}

  /**
   * One broker as the silo sees it. {@code id} null: known by address only; {@code address} null:
   * by id only.
   */
  record Broker(Integer id, String address, String state, boolean controller) {}

  /**
   * What Kafka answered: the live brokers (id -> host:port) and the active controller's id (null:
   * unknown).
   */
  record Live(Map<Integer, String> brokers, Integer controller) {}

  /**
   * @param bootstrap the configured bootstrap addresses (host:port), already written as the brokers
   *     advertise themselves where the two name the same address
   * @param live what Kafka answered now; empty when it did not answer
   * @param replicaIds the broker ids in the replica lists of the pipeline topics
   * @param seen the last address each broker id was seen live at (for ids not live now)
   */
  static List<Broker> merge(
      Collection<String> bootstrap,
      Optional<Live> live,
      Collection<Integer> replicaIds,
      Map<Integer, String> seen) {
    Map<Integer, String> liveBrokers = live.map(Live::brokers).orElse(Map.of());
    Integer controller = live.map(Live::controller).orElse(null);
    // id -> address: the live address wins over a remembered one.
    Map<Integer, String> addressOf = new TreeMap<>();
    Set<Integer> ids = new TreeSet<>(liveBrokers.keySet());
    ids.addAll(replicaIds);
    for (Integer id : ids) {
      String address = liveBrokers.containsKey(id) ? liveBrokers.get(id) : seen.get(id);
      if (address != null) addressOf.put(id, address);
    }
    // A bootstrap address names a broker id when a live broker has it, else the lowest remembered
    // id.
    Set<String> claimed = new TreeSet<>(addressOf.values());
    for (String address : new TreeSet<>(bootstrap)) {
      if (claimed.contains(address)) continue;
      seen.entrySet().stream()
          .filter(
              e ->
                  address.equals(e.getValue())
                      && !liveBrokers.containsKey(e.getKey())
                      && !addressOf.containsKey(e.getKey()))
          .map(Map.Entry::getKey)
          .min(Comparator.naturalOrder())
          .ifPresent(
              id -> {
                ids.add(id);
                addressOf.put(id, address);
                claimed.add(address);
              });
    }
    // Two ids with one address (a broker restarted under another id): only a live one keeps it.
    Map<String, Integer> holder = new TreeMap<>();
    for (Integer id : ids) {
      String address = addressOf.get(id);
      if (address == null) continue;
      Integer other = holder.get(address);
      if (other == null || (!liveBrokers.containsKey(other) && liveBrokers.containsKey(id)))
        holder.put(address, id);
    }
    List<Broker> out = new ArrayList<>();
    for (Integer id : ids) {
      String address = addressOf.get(id);
      if (address != null && !id.equals(holder.get(address))) address = null;
      boolean up = liveBrokers.containsKey(id);
      out.add(new Broker(id, address, up ? UP : DOWN, up && id.equals(controller)));
    }
    for (String address : new TreeSet<>(bootstrap)) {
      if (!holder.containsKey(address)) out.add(new Broker(null, address, DOWN, false));
    }
    return List.copyOf(out);
  }
}
