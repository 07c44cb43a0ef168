package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alert rules as pure functions, and their gauges on /metrics. */
class AlertsTest {
  private static final Instant NOW = Instant.parse("2026-12-01T22:40:00Z");

  @Test
  void aSourceIsStaleExactlyWhenItsLastEventIsOlderThanThreeIntervals() {
    qt().withExamples(5000)
        .forAll(integers().between(1, 3600), integers().between(0, 20_000))
        .checkAssert(
            (interval, ageSeconds) -> {
              Instant last = NOW.minusSeconds(ageSeconds);
              List<Alerts.Alert> alerts =
                  Alerts.staleSources(
                      List.of(new Alerts.Source("spacex", last, Duration.ofSeconds(interval))),
                      NOW);
              boolean stale = ageSeconds > 3L * interval;
              assertEquals(stale ? 1 : 0, alerts.size(), interval + " s, " + ageSeconds + " s old");
              if (stale) {
                Alerts.Alert a = alerts.get(0);
                assertEquals("source-stale", a.kind());
                assertEquals("spacex", a.subject());
                assertEquals(last.plusSeconds(3L * interval), a.since());
                assertEquals(
                    "no event for " + ageSeconds + " s (interval " + interval + " s)", a.message());
              }
            });
  }

  @Test
  void aSourceWithNoExpectedIntervalOrNoEventYetIsNeverStale() {
    assertEquals(
        List.of(),
        Alerts.staleSources(
            List.of(
                new Alerts.Source("paused", NOW.minusSeconds(100_000), null),
                new Alerts.Source("new", null, Duration.ofSeconds(1))),
            NOW));
  }

  private static SiloHistory.Samples lagHistory(List<Long> lags) {
    long[] at = new long[lags.size()];
    double[] values = new double[lags.size()];
    for (int i = 0; i < lags.size(); i++) {
      at[i] = NOW.getEpochSecond() - 10L * (lags.size() - 1 - i);
      values[i] = lags.get(i) == null ? Double.NaN : lags.get(i);
    }
    return new SiloHistory.Samples(
        "127.0.0.1:25520",
        10,
        at,
        new double[lags.size()],
        new long[lags.size()],
        new long[lags.size()],
        List.of(new SiloHistory.Series(HistoryRing.Kind.LAG, "faker", values)));
  }

  @Test
  void lagGrowsWhenTheLast30SamplesNeverFellAndEndHigher() {
    qt().withExamples(3000)
        .forAll(lists().of(integers().between(0, 59)).ofSizeBetween(0, 60))
        .checkAssert(
            steps -> {
              // Mostly flat or rising (0..2 a sample), a fall of one in 60: both outcomes are
              // common.
              List<Long> lags = new ArrayList<>();
              long lag = 100;
              for (int s : steps) {
                lag += s == 0 ? -1 : s % 3;
                lags.add(lag);
              }
              List<Alerts.Alert> alerts = Alerts.growingLag(lagHistory(lags));
              int n = lags.size();
              boolean expected = n >= 30;
              for (int i = n - 29; expected && i < n; i++)
                expected = lags.get(i) >= lags.get(i - 1);
              expected = expected && lags.get(n - 1) > lags.get(n - 30);
              assertEquals(expected ? 1 : 0, alerts.size(), lags.toString());
              if (expected) {
                Alerts.Alert a = alerts.get(0);
                assertEquals("lag-growing", a.kind());
                assertEquals("faker", a.subject());
                int start = n - 30;
                while (start > 0 && lags.get(start - 1) <= lags.get(start)) start--;
                assertEquals(
                    Instant.ofEpochSecond(NOW.getEpochSecond() - 10L * (n - 1 - start)), a.since());
                assertTrue(a.message().contains("30 samples (5 min at 10 s)"), a.message());
              }
            });
  }

  @Test
  void aSampleWithoutLagInTheWindowMeansNoLagAlert() {
    List<Long> lags = new ArrayList<>();
    for (long i = 0; i < 40; i++) lags.add(i);
    assertEquals(1, Alerts.growingLag(lagHistory(lags)).size());
    lags.set(25, null);
    assertEquals(0, Alerts.growingLag(lagHistory(lags)).size());
  }

  @Test
  void deadLettersOfTheLast10MinutesAlertTheirTopic() {
    qt().withExamples(3000)
        .forAll(lists().of(integers().between(0, 1200)).ofSizeBetween(0, 20))
        .checkAssert(
            ages -> {
              List<Alerts.DeadLetter> letters =
                  ages.stream()
                      .map(s -> new Alerts.DeadLetter("faker", NOW.minusSeconds(s)))
                      .toList();
              List<Alerts.Alert> alerts = Alerts.deadLetters(letters, NOW);
              List<Integer> recent = ages.stream().filter(s -> s <= 600).toList();
              assertEquals(recent.isEmpty() ? 0 : 1, alerts.size());
              if (!recent.isEmpty()) {
                Alerts.Alert a = alerts.get(0);
                assertEquals("dead-letter", a.kind());
                assertEquals("faker", a.subject());
                assertEquals(
                    NOW.minusSeconds(recent.stream().max(Integer::compare).get()), a.since());
                assertTrue(
                    a.message().startsWith(recent.size() + " dead letter(s) in the last 10 min"));
              }
            });
  }

  @Test
  void anUnreachableSiloIsAlertedSinceThisSiloSawIt() {
    Instant seen = NOW.minusSeconds(42);
    List<Alerts.Unreachable> members =
        AlertRoutes.unreachableSince(
            List.of("127.0.0.1:25521", "127.0.0.1:25522"),
            List.of(
                new ClusterEvents.Event(seen, "127.0.0.1:25521", "unreachable", "Up"),
                new ClusterEvents.Event(
                    NOW.minusSeconds(99), "127.0.0.1:25521", "unreachable", "Up")));
    List<Alerts.Alert> alerts = Alerts.unreachable(members, NOW);
    assertEquals(2, alerts.size());
    assertEquals(seen, alerts.get(0).since());
    assertEquals("silo-unreachable", alerts.get(0).kind());
    assertEquals(NOW, alerts.get(1).since(), "not seen becoming so: since the moment asked");
  }

  @Test
  void theGaugesListEveryActiveAlertAndCountEveryKind() {
    List<Alerts.Alert> alerts =
        Alerts.all(
            List.of(new Alerts.Source("spacex", NOW.minusSeconds(95), Duration.ofSeconds(30))),
            null,
            List.of(new Alerts.Unreachable("127.0.0.1:25521", NOW)),
            List.of(
                new Alerts.DeadLetter("faker", NOW.minusSeconds(5)),
                new Alerts.DeadLetter("weather", NOW.minusSeconds(5))),
            NOW);
    assertEquals(
        List.of("source-stale", "silo-unreachable", "dead-letter", "dead-letter"),
        alerts.stream().map(Alerts.Alert::kind).toList());
    StringBuilder out = new StringBuilder();
    MetricsRoutes.alerts(out, alerts);
    String text = out.toString();
    for (String line :
        List.of(
            "pipeline_alert{kind=\"source-stale\",subject=\"spacex\"} 1",
            "pipeline_alert{kind=\"silo-unreachable\",subject=\"127.0.0.1:25521\"} 1",
            "pipeline_alert{kind=\"dead-letter\",subject=\"faker\"} 1",
            "pipeline_alert{kind=\"dead-letter\",subject=\"weather\"} 1",
            "pipeline_alerts{kind=\"source-stale\"} 1",
            "pipeline_alerts{kind=\"lag-growing\"} 0",
            "pipeline_alerts{kind=\"silo-unreachable\"} 1",
            "pipeline_alerts{kind=\"dead-letter\"} 2"))
      assertTrue(text.contains(line + "\n"), line + " in\n" + text);
    assertEquals(8, text.lines().filter(l -> !l.startsWith("#")).count());
    assertEquals(
        Map.of("source-stale", 0, "lag-growing", 0, "silo-unreachable", 0, "dead-letter", 0),
        Alerts.counts(List.of()));
  }
}
