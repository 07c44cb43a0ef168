package kafkapipeline.grains.declarative;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.sources.SourceSpec;

/**
 * Who owns each declarative source's name, topic and table (table {@code source_claims}): the one
 * arbiter when two silos, or two requests on one silo, add sources at the same moment. A claim is
 * taken with one lightweight transaction over all three keys of a source, so of two claims sharing
 * any key exactly one is applied and the other learns the owner; never both, never half of one.
 *
 * <p>A claim's keys are the source's name, its topic as Kafka compares topics ({@code .} and {@code
 * _} alike) and its table as CQL compares names (case ignored). Every call is non-blocking; a
 * failed statement fails the returned stage, and nothing is then known to be claimed or released (a
 * retry of the same call is safe).
 */
public interface SourceClaims {
  /**
   * Claims {@code spec}'s name, topic and table for it.
   *
   * @param replace false: every key must be free (a new source); true: a key may already be held by
   *     this source's name (the source replaced, as a {@code SOURCES_DIR} file does), and the keys
   *     it held and no longer needs (a changed topic or table) are released after
   * @return empty when all three are now this source's; otherwise the reasons, each naming the key
   *     and its owner (then nothing was claimed)
   */
  CompletionStage<List<String>> claim(SourceSpec spec, boolean replace);

  /** Releases every key {@code name} holds (after its source was deleted, or failed to add). */
  CompletionStage<Void> release(String name);

  /** The claim keys of {@code spec}, name first, then topic, then table. */
  static List<String> keys(SourceSpec spec) {
    return List.of(
        "name:" + spec.name(),
        "topic:" + spec.topicOrName().replace('.', '_'),
        "table:" + spec.tableOrName().toLowerCase(Locale.ROOT));
  }

  /**
   * What a claim of {@code spec} does given the current owners ({@code held}, key to owner):
   *
   * @param conflicts why it cannot be taken (then the other lists are empty)
   * @param take keys to take that are free now (each {@code IF NOT EXISTS})
   * @param keep keys this source holds already (each {@code IF owner = name}, so still held)
   * @param drop keys this source holds and no longer needs, released once the claim applied
   */
  record Plan(List<String> conflicts, List<String> take, List<String> keep, List<String> drop) {
    /** Decides, from one consistent read of the keys the source holds or wants. */
    public static Plan of(SourceSpec spec, Map<String, String> held, boolean replace) {
      List<String> conflicts = new ArrayList<>();
      List<String> take = new ArrayList<>();
      List<String> keep = new ArrayList<>();
      List<String> wanted = keys(spec);
      String source = "source " + quote(spec.name()) + ": ";
      for (String key : wanted) {
        String owner = held.get(key);
        if (owner == null) take.add(key);
        else if (replace && owner.equals(spec.name())) keep.add(key);
        else conflicts.add(source + describe(key, spec) + clash(key, owner, spec.name()));
      }
      if (!conflicts.isEmpty()) return new Plan(conflicts, List.of(), List.of(), List.of());
      List<String> drop = new ArrayList<>();
      if (replace) {
        for (var e : held.entrySet()) {
          if (e.getValue().equals(spec.name()) && !wanted.contains(e.getKey()))
            drop.add(e.getKey());
        }
      }
      return new Plan(List.of(), take, keep, drop);
    }

    private static String describe(String key, SourceSpec spec) {
      if (key.startsWith("name:")) return "name " + quote(spec.name());
      if (key.startsWith("topic:")) return "topic " + quote(spec.topicOrName());
      return "table " + quote(spec.tableOrName());
    }

    private static String quote(String s) {
      return "'" + s + "'";
    }

    private static String clash(String key, String owner, String self) {
      if (key.startsWith("name:")) return " is already a source";
      String what = key.startsWith("topic:") ? "topic" : "table";
      if (owner.equals(self))
        return " is already claimed by source " + quote(owner) + " (the same name)";
      return " is already the " + what + " of source " + quote(owner);
    }
  }
}
