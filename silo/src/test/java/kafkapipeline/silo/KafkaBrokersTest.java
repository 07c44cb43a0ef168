package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import kafkapipeline.silo.KafkaBrokers.Broker;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The merge of known and live brokers into one state list ({@link KafkaBrokers#merge}): the failure
 * cases by example (a killed broker, a Kafka that does not answer, a bootstrap address written
 * otherwise), then its guarantees for any input over a few ids and addresses, so that collisions
 * (one address, two ids; an id live at a new address) come up often.
 */
class KafkaBrokersTest {
  private static final int EXAMPLES = 5_000;

  @Test
  void aKilledBrokerInTheReplicaListsIsDownWithTheAddressItWasSeenAt() {
    Map<Integer, String> seen =
        Map.of(1, "127.0.0.1:9092", 2, "127.0.0.2:9092", 3, "127.0.0.3:9092");
    List<Broker> brokers =
        KafkaBrokers.merge(
            List.of("127.0.0.1:9092", "127.0.0.2:9092", "127.0.0.3:9092"),
            Optional.of(new KafkaBrokers.Live(Map.of(1, "127.0.0.1:9092", 3, "127.0.0.3:9092"), 3)),
            Set.of(1, 2, 3),
            seen);
    assertEquals(
        List.of(
            new Broker(1, "127.0.0.1:9092", "up", false),
            new Broker(2, "127.0.0.2:9092", "down", false),
            new Broker(3, "127.0.0.3:9092", "up", true)),
        brokers);
  }

  @Test
  void aBrokerNeverSeenLiveIsDownByIdOrByAddress() {
    List<Broker> brokers =
        KafkaBrokers.merge(
            List.of("127.0.0.1:9092", "127.0.0.9:9092"),
            Optional.of(new KafkaBrokers.Live(Map.of(1, "127.0.0.1:9092"), 1)),
            Set.of(1, 2),
            Map.of(1, "127.0.0.1:9092"));
    assertEquals(
        List.of(
            new Broker(1, "127.0.0.1:9092", "up", true),
            new Broker(2, null, "down", false),
            new Broker(null, "127.0.0.9:9092", "down", false)),
        brokers);
  }

  @Test
  void whenKafkaDoesNotAnswerEveryKnownBrokerIsDown() {
    List<Broker> brokers =
        KafkaBrokers.merge(
            List.of("127.0.0.1:9092"),
            Optional.empty(),
            Set.of(1, 2),
            Map.of(1, "127.0.0.1:9092", 2, "127.0.0.2:9092", 7, "127.0.0.7:9092"));
    assertEquals(
        List.of(
            new Broker(1, "127.0.0.1:9092", "down", false),
            new Broker(2, "127.0.0.2:9092", "down", false)),
        brokers);
  }

  @Test
  void aBrokerRestartedUnderANewIdAtTheSameAddressIsOneLiveEntryAndTheOldIdHasNoAddress() {
    List<Broker> brokers =
        KafkaBrokers.merge(
            List.of("h:1"),
            Optional.of(new KafkaBrokers.Live(Map.of(5, "h:1"), null)),
            Set.of(4),
            Map.of(4, "h:1"));
    assertEquals(
        List.of(new Broker(4, null, "down", false), new Broker(5, "h:1", "up", false)), brokers);
  }

  /** One input of the merge; ids 0..5 and addresses h0..h5 so that they collide. */
  record Input(
      List<String> bootstrap,
      Optional<KafkaBrokers.Live> live,
      Set<Integer> replicas,
      Map<Integer, String> seen) {}

  static Gen<Input> inputs() {
    Gen<List<Integer>> small = lists().of(integers().between(0, 35)).ofSizeBetween(0, 8);
    Gen<List<String>> bootstrap =
        lists()
            .of(integers().between(0, 5))
            .ofSizeBetween(0, 6)
            .map(l -> l.stream().map(KafkaBrokersTest::address).toList());
    Gen<Optional<KafkaBrokers.Live>> live =
        booleans()
            .all()
            .zip(
                small,
                integers().between(-1, 6),
                (answered, pairs, controller) -> {
                  if (!answered) return Optional.<KafkaBrokers.Live>empty();
                  // Two live brokers never share an address.
                  Map<Integer, String> brokers = new LinkedHashMap<>();
                  Set<String> taken = new HashSet<>();
                  for (int p : pairs)
                    if (!brokers.containsKey(p / 6) && taken.add(address(p % 6)))
                      brokers.put(p / 6, address(p % 6));
                  return Optional.of(
                      new KafkaBrokers.Live(brokers, controller < 0 ? null : controller));
                });
    Gen<Set<Integer>> replicas =
        lists().of(integers().between(0, 6)).ofSizeBetween(0, 6).map(TreeSet::new);
    Gen<Map<Integer, String>> seen =
        small.map(
            pairs -> {
              Map<Integer, String> m = new LinkedHashMap<>();
              for (int p : pairs) m.put(p / 6, address(p % 6));
              return m;
            });
    return bootstrap.zip(live, replicas, seen, Input::new);
  }

  private static String address(int i) {
    return "h" + i + ":9092";
  }

  private static List<Broker> merge(Input in) {
    return KafkaBrokers.merge(in.bootstrap(), in.live(), in.replicas(), in.seen());
  }

  private static Map<Integer, String> live(Input in) {
    return in.live().map(KafkaBrokers.Live::brokers).orElse(Map.of());
  }

  @Test
  void everyLiveReplicaAndBootstrapBrokerAppearsExactlyOnce() {
    qt().withExamples(EXAMPLES)
        .forAll(inputs())
        .checkAssert(
            in -> {
              List<Broker> out = merge(in);
              live(in)
                  .forEach(
                      (id, address) ->
                          assertEquals(
                              List.of(
                                  new Broker(
                                      id, address, "up", id.equals(in.live().get().controller()))),
                              out.stream().filter(b -> id.equals(b.id())).toList(),
                              in::toString));
              for (Integer id : in.replicas())
                assertEquals(1, out.stream().filter(b -> id.equals(b.id())).count(), in::toString);
              for (String address : in.bootstrap()) {
                assertEquals(
                    1,
                    out.stream().filter(b -> address.equals(b.address())).count(),
                    () -> address + " in " + out + " of " + in);
              }
            });
  }

  @Test
  void noIdNorAddressTwiceAndNothingInvented() {
    qt().withExamples(EXAMPLES)
        .forAll(inputs())
        .checkAssert(
            in -> {
              List<Broker> out = merge(in);
              List<Integer> ids = out.stream().map(Broker::id).filter(Objects::nonNull).toList();
              List<String> addresses =
                  out.stream().map(Broker::address).filter(Objects::nonNull).toList();
              assertEquals(new HashSet<>(ids).size(), ids.size(), in::toString);
              assertEquals(new HashSet<>(addresses).size(), addresses.size(), in::toString);
              for (Broker b : out) {
                assertTrue(b.id() != null || b.address() != null, in::toString);
                boolean known =
                    b.id() != null
                            && (live(in).containsKey(b.id()) || in.replicas().contains(b.id()))
                        || b.address() != null && in.bootstrap().contains(b.address());
                assertTrue(
                    known, () -> b + " is neither live, a replica nor a bootstrap broker: " + in);
                // An address comes from what Kafka says now, else from what was seen before, else
                // from the bootstrap list.
                if (b.address() != null && b.id() != null) {
                  String expected =
                      live(in).containsKey(b.id()) ? live(in).get(b.id()) : in.seen().get(b.id());
                  assertEquals(expected, b.address(), in::toString);
                }
              }
            });
  }

  @Test
  void upExactlyWhenLiveAndTheControllerIsMarkedOnceWhenLive() {
    qt().withExamples(EXAMPLES)
        .forAll(inputs())
        .checkAssert(
            in -> {
              List<Broker> out = merge(in);
              for (Broker b : out) {
                assertEquals(
                    b.id() != null && live(in).containsKey(b.id()) ? "up" : "down",
                    b.state(),
                    in::toString);
              }
              Integer controller = in.live().map(KafkaBrokers.Live::controller).orElse(null);
              long marked = out.stream().filter(Broker::controller).count();
              boolean controllerLive = controller != null && live(in).containsKey(controller);
              assertEquals(controllerLive ? 1 : 0, marked, in::toString);
              if (controllerLive)
                assertEquals(
                    controller, out.stream().filter(Broker::controller).findFirst().get().id());
            });
  }

  @Test
  void sortedByIdThenAddressAndIndependentOfTheBootstrapOrder() {
    Comparator<Broker> order =
        Comparator.comparing(Broker::id, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Broker::address, Comparator.nullsLast(Comparator.naturalOrder()));
    qt().withExamples(EXAMPLES)
        .forAll(inputs())
        .checkAssert(
            in -> {
              List<Broker> out = merge(in);
              List<Broker> sorted = new ArrayList<>(out);
              sorted.sort(order);
              assertEquals(sorted, out, in::toString);
              List<String> shuffled = new ArrayList<>(in.bootstrap());
              Collections.reverse(shuffled);
              shuffled.addAll(in.bootstrap()); // duplicates too
              assertEquals(
                  out,
                  KafkaBrokers.merge(shuffled, in.live(), in.replicas(), in.seen()),
                  in::toString);
            });
  }
}
