package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A measurement, not a check (run only with {@code -Ddashboard.cpu.seconds=N}): the CPU time a
 * silo uses over N seconds with no page open, then with the dashboard open in headless
 * Chromium, then closed again, from {@code /proc/<pid>/stat} (utime + stime). Prints the figures
 * and writes them to {@code tests/target/dashboard-cpu.txt}.
 */
@EnabledIfSystemProperty(named = "dashboard.cpu.seconds", matches = "[0-9]+")
class DashboardCpuCostTest {
  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

  @Test
  void cpuWithThePageOpenAndClosed() throws Exception {
    HeadlessChromium.assumeInstalled();
    int seconds = Integer.parseInt(System.getProperty("dashboard.cpu.seconds"));
    try (SiloCluster silos = new SiloCluster(Engines.shared(), "dashboard-cpu", 1, Map.of("FAKER_RATE", "10"))) {
      silos.startAll();
      silos.awaitAllHealthy();
      long pid = silos.pid(0);
      assertTrue(Files.readString(Path.of("/proc/" + pid + "/cmdline")).contains("kafkapipeline.silo.Main"), "pid " + pid);
      Thread.sleep(20_000); // let start-up work settle
      double closed = cpuSeconds(pid, seconds);
      ChromeDriver browser = HeadlessChromium.open(1280, 2400);
      double open;
      try {
        browser.get("http://127.0.0.1:" + silos.httpPort(0) + "/");
        new WebDriverWait(browser, Duration.ofSeconds(30))
            .until(b -> !b.findElements(By.cssSelector("#silos .card")).isEmpty());
        open = cpuSeconds(pid, seconds);
      } finally {
        browser.quit();
      }
      double closedAgain = cpuSeconds(pid, seconds);
      String report = String.format(
          "silo CPU over %d s at FAKER_RATE=10: page closed %.2f s (%.1f %% of one core), open %.2f s (%.1f %%),"
              + " closed again %.2f s (%.1f %%)%n",
          seconds, closed, 100 * closed / seconds, open, 100 * open / seconds, closedAgain, 100 * closedAgain / seconds);
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
