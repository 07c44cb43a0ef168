package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver by Selenium (never a downloaded
 * browser or driver: both paths are given, so Selenium Manager is not asked). {@link
 * #assumeInstalled} skips the calling test with the reason when no chromium binary is there, and
 * fails it when chromium is there but its driver is not.
 */
final class HeadlessChromium {
  static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("CHROMIUM_BIN", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getenv().getOrDefault("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"));

  private HeadlessChromium() {}

  static void assumeInstalled() {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM),
        "no chromium at "
            + CHROMIUM
            + ": apt-get install chromium chromium-driver (or set CHROMIUM_BIN)");
    assertTrue(
        Files.isExecutable(CHROMEDRIVER),
        "chromium is installed but chromedriver is not at "
            + CHROMEDRIVER
            + ": apt-get install chromium-driver (or set CHROMEDRIVER_BIN)");
  }

  static ChromeDriver open(int width, int height) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=" + width + "," + height);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  /** Saves what the browser shows to tests/target/NAME. */
  static Path screenshot(ChromeDriver browser, String name) throws Exception {
    Path target = Path.of("target", name);
    Files.createDirectories(target.getParent());
    Files.copy(
        browser.getScreenshotAs(OutputType.FILE).toPath(),
        target,
        StandardCopyOption.REPLACE_EXISTING);
    return target;
  }
}
