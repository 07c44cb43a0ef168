package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium against a running two-silo cluster: both silos show, the
 * counters rise while the page is open, and a city added through the API appears with its
 * temperature chart. Screenshots (laptop and phone width) go to {@code tests/target/}. Skipped,
 * saying why, only when no chromium binary is installed ({@code .ci/run} installs it).
 */
class DashboardBrowserTest {
  @Test
  void twoSilosRisingCountersAndANewCityWithItsChart() throws Exception {
    HeadlessChromium.assumeInstalled();
    Engines engines = Engines.shared();
    try (OwmReplayServer owm = new OwmReplayServer();
        SiloCluster silos =
            new SiloCluster(
                engines,
                "dashboard-browser",
                2,
                Map.of(
                    "OWM_BASE_URL",
                    owm.baseUrl(),
                    "OWM_API_KEY",
                    OwmReplayServer.KEY,
                    "WEATHER_INTERVAL",
                    "2s",
                    "FAKER_RATE",
                    "20"))) {
      silos.startAll();
      silos.awaitAllHealthy();
      int api = silos.httpPort(0);
      SiloHttp.send(api, "DELETE", "/api/cities/london,gb", null); // 204 or 404: start without it
      ChromeDriver browser = HeadlessChromium.open(1280, 2400);
      try {
        browser.get("http://127.0.0.1:" + api + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.until(
            b ->
                b.findElements(By.cssSelector("#silos .card")).size() == 2
                    && b.findElements(By.cssSelector("#silos .state-Up")).size() == 2);

        assertTheEnginesPanel(browser, wait, engines);

        long before = fakerRows(browser, wait);
        wait.until(b -> fakerRows(b, wait) > before);

        assertEquals(
            201, SiloHttp.send(api, "POST", "/api/cities", "{\"city\":\"London,GB\"}").status());
        WebDriverWait slow = new WebDriverWait(browser, Duration.ofSeconds(90));
        slow.until(
            b ->
                !b.findElements(By.cssSelector("#weather [data-city='london,gb'] svg path"))
                    .isEmpty());
        WebElement card = browser.findElement(By.cssSelector("#weather .card"));
        assertTrue(card.getText().contains("London"), card.getText());
        wait.until(b -> b.findElements(By.cssSelector("#source-chart svg path")).size() > 0);

        HeadlessChromium.screenshot(browser, "dashboard.png");
        browser.manage().window().setSize(new Dimension(390, 2400));
        Thread.sleep(500);
        HeadlessChromium.screenshot(browser, "dashboard-phone.png");
        // At a phone's width the Engines panel needs no sideways scrolling, its tables neither.
        wait.until(
            b ->
                Boolean.TRUE.equals(
                    ((JavascriptExecutor) b)
                        .executeScript(
                            "return ['engines-section', 'engines', 'engines-kafka', 'engines-cassandra'].every(function (id) {"
                                + "  var e = document.getElementById(id); return e.clientWidth > 0 && e.scrollWidth <= e.clientWidth; })")));
        List<WebElement> errors = browser.findElements(By.cssSelector(".error"));
        assertTrue(
            errors.isEmpty(),
            "errors on the page: " + errors.stream().map(WebElement::getText).toList());
      } finally {
        browser.quit();
        SiloHttp.send(api, "DELETE", "/api/cities/london,gb", null);
      }
    }
  }

  /**
   * The Engines panel: the one broker (the controller) and the one node up, the keyspace at RF 1,
   * both consistencies LOCAL_QUORUM. Read in one script call, as {@link #fakerRows}.
   */
  private static void assertTheEnginesPanel(
      WebDriver browser, WebDriverWait wait, Engines engines) {
    String script =
        "function rows(id) { return Array.from(document.querySelectorAll('#' + id + ' tbody tr')).map(function (r) {"
            + "  return Array.from(r.querySelectorAll('td')).map(function (c) { return c.textContent; }).join(' | '); }); }"
            + "function fact(name) { var d = document.querySelector('#engines dd[data-fact=\"' + name + '\"]'); return d ? d.textContent : null; }"
            + "return [rows('engines-kafka').join(' ;; '), rows('engines-cassandra').join(' ;; '), fact('keyspace'),"
            + "  fact('write consistency'), fact('read consistency'), fact('controller')].join(' ## ');";
    List<String> expected =
        List.of(
            "1 | " + engines.kafka.bootstrapServers() + " | up | controller",
            engines.cassandra.contactPoint() + " | datacenter1 | up",
            "kafkapipeline · NetworkTopologyStrategy · RF 1",
            "LOCAL_QUORUM",
            "LOCAL_QUORUM",
            "broker 1");
    try {
      wait.until(
          b ->
              List.of(
                      String.valueOf(((JavascriptExecutor) b).executeScript(script))
                          .split(" ## ", -1))
                  .equals(expected));
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError(
          "the Engines panel shows\n"
              + ((JavascriptExecutor) browser).executeScript(script)
              + "\nnot\n"
              + String.join(" ## ", expected),
          e);
    }
  }

  /**
   * Rows written to fakerdata, as the page's Cassandra table shows them (0 until it does). Read in
   * one script call: the page re-renders the table every few seconds, so element references taken
   * in one call may be stale by the next.
   */
  private static long fakerRows(WebDriver browser, WebDriverWait wait) {
    Object text =
        ((JavascriptExecutor) browser)
            .executeScript(
                "for (const row of document.querySelectorAll('#tables tbody tr')) {"
                    + "  const cells = row.querySelectorAll('td');"
                    + "  if (cells.length >= 2 && cells[0].textContent === 'fakerdata') return cells[1].textContent;"
                    + "}"
                    + "return null;");
    return text == null ? 0 : Long.parseLong(text.toString().strip());
  }
}
