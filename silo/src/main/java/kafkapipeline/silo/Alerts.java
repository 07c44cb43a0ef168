package kafkapipeline.silo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The freshness alerts, as pure rules over what the asked silo gathered ({@link AlertRoutes}):
 *
 * <ul>
 *   <li>{@code source-stale}: a running source with an expected interval whose last event is more
 *       than 3 intervals old ({@code since}: the moment it became so); a source with no event yet
 *       is not judged (nothing to measure from).
 *   <li>{@code lag-growing}: a topic whose lag in this silo's last {@link #LAG_WINDOW} of samples
 *       (5 min: 30 samples at 10 s) is there in every sample, never falls and ends above where it
 *       began ({@code since}: the start of the run of samples it has not fallen in).
 *   <li>{@code silo-unreachable}: a member this silo sees as unreachable ({@code since}: when this
 *       silo saw it become so, else the moment asked).
 *   <li>{@code dead-letter}: a topic with a dead letter written in the last {@link
 *       #DEAD_LETTER_WINDOW} ({@code since}: the oldest of them).
 * </ul>
 *
 * Alerts come sorted by kind (in {@link Kind}'s order), then subject.
 */
final class Alerts {
  static final int STALE_INTERVALS = 3;
  static final Duration LAG_WINDOW = Duration.ofMinutes(5);
  static final Duration DEAD_LETTER_WINDOW = Duration.ofMinutes(10);

  /** Every kind of alert, by its name in the API and on /metrics. */
  enum Kind {
    SOURCE_STALE("source-stale"),
    LAG_GROWING("lag-growing"),
    SILO_UNREACHABLE("silo-unreachable"),
    DEAD_LETTER("dead-letter");

    final String json;

    Kind(String json) {
      this.json = json;
    }
  }

  record Alert(String kind, String subject, Instant since, String message) {}

  /** A source as the stale rule sees it; {@code interval} null: no event is expected. */
  record Source(String name, Instant lastEvent, Duration interval) {}

  /** A dead letter as the rule sees it. */
  record DeadLetter(String topic, Instant failedAt) {}

  /** A member this silo sees as unreachable, and when it saw it become so (null: unknown). */
  record Unreachable(String address, Instant seenAt) {}

  private Alerts() {}

  /** Every alert of the given inputs. */
  static List<Alert> all(
      List<Source> sources,
      SiloHistory.Samples history,
      List<Unreachable> unreachable,
      List<DeadLetter> deadLetters,
      Instant now) {
    List<Alert> out = new ArrayList<>();
    out.addAll(staleSources(sources, now));
    if (history != null) out.addAll(growingLag(history));
    out.addAll(unreachable(unreachable, now));
    out.addAll(deadLetters(deadLetters, now));
    return sorted(out);
  }

  static List<Alert> staleSources(List<Source> sources, Instant now) {
    List<Alert> out = new ArrayList<>();
    for (Source s : sources) {
      if (s.interval() == null || s.lastEvent() == null || s.interval().isZero()) continue;
      Instant staleAt = s.lastEvent().plus(s.interval().multipliedBy(STALE_INTERVALS));
      if (!now.isAfter(staleAt)) continue;
      out.add(
          new Alert(
              Kind.SOURCE_STALE.json,
              s.name(),
              staleAt,
              "no event for "
                  + Duration.between(s.lastEvent(), now).toSeconds()
                  + " s (interval "
                  + seconds(s.interval())
                  + " s)"));
    }
    return sorted(out);
  }

  /** The samples of {@link #LAG_WINDOW} at the history's resolution: 30 at 10 s. */
  static int lagSamples(int resolutionSeconds) {
    return (int) Math.max(2, LAG_WINDOW.toSeconds() / Math.max(1, resolutionSeconds));
  }

  static List<Alert> growingLag(SiloHistory.Samples h) {
    int n = lagSamples(h.resolutionSeconds());
    int size = h.at().length;
    List<Alert> out = new ArrayList<>();
    if (size < n) return out;
    for (SiloHistory.Series s : h.series()) {
      if (s.kind() != HistoryRing.Kind.LAG || s.values().length != size) continue;
      double[] v = s.values();
      boolean rising = true;
      for (int i = size - n; i < size && rising; i++)
        rising = !Double.isNaN(v[i]) && (i == size - n || v[i] >= v[i - 1]);
      if (!rising || !(v[size - 1] > v[size - n])) continue;
      int start = size - n;
      while (start > 0 && !Double.isNaN(v[start - 1]) && v[start - 1] <= v[start]) start--;
      out.add(
          new Alert(
              Kind.LAG_GROWING.json,
              s.key(),
              Instant.ofEpochSecond(h.at()[start]),
              String.format(
                  "lag rose from %d to %d over the last %d samples (%d min at %d s) and never fell",
                  (long) v[size - n],
                  (long) v[size - 1],
                  n,
                  LAG_WINDOW.toMinutes(),
                  h.resolutionSeconds())));
    }
    return sorted(out);
  }

  static List<Alert> unreachable(List<Unreachable> members, Instant now) {
    List<Alert> out = new ArrayList<>();
    for (Unreachable u : members)
      out.add(
          new Alert(
              Kind.SILO_UNREACHABLE.json,
              u.address(),
              u.seenAt() == null ? now : u.seenAt(),
              "this silo sees " + u.address() + " as unreachable"));
    return sorted(out);
  }

  static List<Alert> deadLetters(List<DeadLetter> letters, Instant now) {
    Instant from = now.minus(DEAD_LETTER_WINDOW);
    Map<String, List<Instant>> byTopic = new TreeMap<>();
    for (DeadLetter d : letters) {
      if (d.failedAt() == null || d.failedAt().isBefore(from) || d.failedAt().isAfter(now))
        continue;
      byTopic.computeIfAbsent(d.topic(), t -> new ArrayList<>()).add(d.failedAt());
    }
    List<Alert> out = new ArrayList<>();
    byTopic.forEach(
        (topic, times) ->
            out.add(
                new Alert(
                    Kind.DEAD_LETTER.json,
                    topic,
                    times.stream().min(Instant::compareTo).orElseThrow(),
                    times.size()
                        + " dead letter(s) in the last "
                        + DEAD_LETTER_WINDOW.toMinutes()
                        + " min, the last at "
                        + times.stream().max(Instant::compareTo).orElseThrow())));
    return out;
  }

  /** How many alerts of each kind, every kind present (0 included), in {@link Kind}'s order. */
  static Map<String, Integer> counts(List<Alert> alerts) {
    Map<String, Integer> out = new java.util.LinkedHashMap<>();
    for (Kind k : Kind.values()) out.put(k.json, 0);
    for (Alert a : alerts) out.merge(a.kind(), 1, Integer::sum);
    return out;
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.valueOf(ms / 1000.0);
  }

  private static List<Alert> sorted(List<Alert> alerts) {
    List<Kind> order = List.of(Kind.values());
    return alerts.stream()
        .sorted(
            Comparator.<Alert>comparingInt(
                    a -> order.stream().map(k -> k.json).toList().indexOf(a.kind()))
                .thenComparing(Alert::subject))
        .toList();
  }
}
