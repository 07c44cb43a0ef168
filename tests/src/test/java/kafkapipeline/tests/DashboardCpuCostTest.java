package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A measurement, not a check (run only with {@code -Dgroups=bench -Dsurefire.excludedGroups=
 * -Ddashboard.cpu.seconds=N}): the CPU time a silo uses over N seconds with no page open, then with
 * the dashboard open in headless Chromium, alternating (closed, open, closed, open, closed), from
 * {@code /proc/<pid>/stat} (utime + stime). Prints the figures and writes them to {@code
 * tests/target/dashboard-cpu.txt}.
 */
@Tag("bench") // a measuring harness: left out of ./pipeline test, see tests/pom.xml
@EnabledIfSystemProperty(named = "dashboard.cpu.seconds", matches = "[0-9]+")
class DashboardCpuCostTest {
  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

  @Test
  void cpuWithThePageOpenAndClosed() throws Exception {
    HeadlessChromium.assumeInstalled();
    int seconds = Integer.parseInt(System.getProperty("dashboard.cpu.seconds"));
    try (SiloCluster silos =
        new SiloCluster(Engines.shared(), "dashboard-cpu", 1, Map.of("FAKER_RATE", "10"))) {
      silos.startAll();
      silos.awaitAllHealthy();
      long pid = silos.pid(0);
      assertTrue(
          Files.readString(Path.of("/proc/" + pid + "/cmdline"))
              .contains("kafkapipeline.silo.Main"),
          "pid " + pid);
      Thread.sleep(60_000); // let start-up work and the JIT settle
      List<Double> closed = new ArrayList<>();
      List<Double> open = new ArrayList<>();
      closed.add(cpuSeconds(pid, seconds));
      for (int round = 0; round < 2; round++) {
        ChromeDriver browser = HeadlessChromium.open(1280, 2400);
        try {
          browser.get("http://127.0.0.1:" + silos.httpPort(0) + "/");
          new WebDriverWait(browser, Duration.ofSeconds(30))
              .until(b -> !b.findElements(By.cssSelector("#silos .card")).isEmpty());
          open.add(cpuSeconds(pid, seconds));
        } finally {
          browser.quit();
        }
        closed.add(cpuSeconds(pid, seconds));
      }
      // Each open period against the mean of the closed periods on either side: the baseline drifts
      // (JIT, GC, other processes), so neighbours are the fairer comparison.
      List<Double> extra = new ArrayList<>();
      for (int i = 0; i < open.size(); i++)
        extra.add(open.get(i) - (closed.get(i) + closed.get(i + 1)) / 2);
      double cost = extra.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      String report =
          String.format(
              "silo CPU seconds per %d s at FAKER_RATE=10, alternating: page closed %s, open %s;"
                  + " each open period minus its neighbours %s; the page costs about %.2f CPU s per %d s (%.1f %% of one core)%n",
              seconds,
              closed,
              open,
              extra.stream().map(d -> String.format("%.2f", d)).toList(),
              cost,
              seconds,
              100 * cost / seconds);
      System.out.print(report);
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "dashboard-cpu.txt"), report);
    }
  }

  /** CPU seconds (user + system) the process uses during the next {@code seconds}. */
  private static double cpuSeconds(long pid, int seconds) throws Exception {
    long before = ticks(pid);
    Thread.sleep(seconds * 1000L);
    return (ticks(pid) - before) / (double) TICKS_PER_SECOND;
  }

  private static long ticks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15: utime, stime
  }
}
