package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/history?minutes=M}: the samples of the last M minutes (1 to 60, default 60) of
 * every silo's {@link SiloHistory}, each silo's oldest first, silos by address. A silo that does
 * not answer within {@link ClusterVitals#TIMEOUT} is left out; a bad {@code minutes} is a 400.
 */
final class HistoryRoutes extends AllDirectives {
  static final int MAX_MINUTES = 60;

  private final ActorSystem<?> system;
  private final int resolutionSeconds;

  HistoryRoutes(ActorSystem<?> system, HistorySettings settings) {
    this.system = system;
    this.resolutionSeconds = (int) settings.interval().toSeconds();
  }

  record SampleView(
      Instant at,
      double cpu,
      long heapUsed,
      long heapMax,
      Map<String, Double> rowsPerSecond,
      Map<String, Double> eventsPerSecond,
      Map<String, Long> lag,
      Map<String, Double> grainMessagesPerSecond) {}

  record SiloView(String address, List<SampleView> samples) {}

  record HistoryView(int resolutionSeconds, List<SiloView> silos) {}

  Route routes() {
    return path(
        "history",
        () ->
            get(
                () ->
                    parameterOptional(
                        "minutes", text -> onSuccess(history(text), r -> complete(r)))));
  }

  /** The minutes parameter (absent: 60), or -1 if it is not a whole number from 1 to 60. */
  static int minutes(Optional<String> text) {
    if (text.isEmpty()) return MAX_MINUTES;
    try {
      int m = Integer.parseInt(text.get().strip());
      return m < 1 || m > MAX_MINUTES ? -1 : m;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private CompletionStage<HttpResponse> history(Optional<String> text) {
    int m = minutes(text);
    if (m < 0) return Params.badRequest("minutes must be a whole number from 1 to " + MAX_MINUTES);
    return all(system, m)
        .thenApply(
            silos ->
                json(
                    StatusCodes.OK,
                    new HistoryView(
                        resolutionSeconds, silos.stream().map(HistoryRoutes::view).toList())));
  }

  /** Every silo's samples of the last {@code minutes}, by address; never fails. */
  static CompletionStage<List<SiloHistory.Samples>> all(ActorSystem<?> system, int minutes) {
    return EverySilo.<SiloHistory.Command, SiloHistory.Samples>ask(
            system,
            SiloHistory.KEY,
            reply -> new SiloHistory.Get(minutes, reply),
            ClusterVitals.TIMEOUT)
        .thenApply(
            answers ->
                answers.stream()
                    .sorted(Comparator.comparing(SiloHistory.Samples::address))
                    .toList());
  }

  /** This silo's own samples of the last {@code minutes} (fails if it does not answer). */
  static CompletionStage<SiloHistory.Samples> local(ActorSystem<?> system, int minutes) {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(),
            reply -> Receptionist.find(SiloHistory.KEY, reply),
            ClusterVitals.TIMEOUT,
            system.scheduler())
        .thenCompose(
            listing ->
                listing.getServiceInstances(SiloHistory.KEY).stream()
                    .filter(ref -> ref.path().address().hasLocalScope())
                    .findFirst()
                    .map(ref -> ask(system, ref, minutes))
                    .orElseGet(
                        () ->
                            CompletableFuture.failedFuture(
                                new IllegalStateException("no history on this silo"))));
  }

  private static CompletionStage<SiloHistory.Samples> ask(
      ActorSystem<?> system, ActorRef<SiloHistory.Command> ref, int minutes) {
    return AskPattern.<SiloHistory.Command, SiloHistory.Samples>ask(
        ref,
        reply -> new SiloHistory.Get(minutes, reply),
        ClusterVitals.TIMEOUT,
        system.scheduler());
  }

  /** One silo's columns as the API's samples: a key is in a sample's map where it has a value. */
  static SiloView view(SiloHistory.Samples s) {
    List<Map<HistoryRing.Kind, Map<String, Double>>> values = new ArrayList<>();
    for (int i = 0; i < s.at().length; i++) {
      Map<HistoryRing.Kind, Map<String, Double>> each = new EnumMap<>(HistoryRing.Kind.class);
      for (HistoryRing.Kind k : HistoryRing.Kind.values()) each.put(k, new TreeMap<>());
      values.add(each);
    }
    for (SiloHistory.Series series : s.series()) {
      for (int i = 0; i < series.values().length && i < values.size(); i++)
        if (!Double.isNaN(series.values()[i]))
          values.get(i).get(series.kind()).put(series.key(), series.values()[i]);
    }
    List<SampleView> samples = new ArrayList<>();
    for (int i = 0; i < s.at().length; i++) {
      var v = values.get(i);
      Map<String, Long> lag = new TreeMap<>();
      v.get(HistoryRing.Kind.LAG).forEach((topic, n) -> lag.put(topic, n.longValue()));
      samples.add(
          new SampleView(
              Instant.ofEpochSecond(s.at()[i]),
              s.cpu()[i],
              s.heapUsed()[i],
              s.heapMax()[i],
              v.get(HistoryRing.Kind.ROWS),
              v.get(HistoryRing.Kind.EVENTS),
              lag,
              v.get(HistoryRing.Kind.GRAINS)));
    }
    return new SiloView(s.address(), samples);
  }
}
