package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Schemathesis (PyPI, {@code tests/schemathesis/venv.sh}) against a live silo, with every built-in
 * check (server errors, response schemas, status codes, content types, negative data, auth): any
 * finding fails this test with Schemathesis's output. The silo has a token (so the auth checks have
 * something to check), OpenWeatherMap is the replay server (a valid city is a 404 or London) with
 * an ample call budget, and the faker stops after 2,000 people whatever rate Schemathesis sets.
 * Bounded: 25 examples per operation, at most 90 s (at 150 s it ran 4,149 cases over all 19
 * operations and its four phases). Without Schemathesis the test is skipped, saying how to install
 * it, except under CI=true, where it fails.
 */
class SchemathesisTest {
  private static final String TOKEN = "schemathesis-token";

  @Test
  void theLiveApiConformsToItsOpenApiDescription() throws Exception {
    Path st = schemathesis();
    try (OwmReplayServer owm = new OwmReplayServer();
        SiloCluster silos =
            new SiloCluster(
                Engines.shared(),
                "schemathesis",
                1,
                Map.of(
                    "HTTP_TOKEN",
                    TOKEN,
                    "OWM_BASE_URL",
                    owm.baseUrl(),
                    "OWM_API_KEY",
                    OwmReplayServer.KEY,
                    "WEATHER_CALLS_PER_MINUTE",
                    "100000",
                    "FAKER_RATE",
                    "0",
                    "FAKER_LIMIT",
                    "2000"))) {
      silos.startAll();
      silos.awaitAllHealthy();
      String base = "http://127.0.0.1:" + silos.httpPort(0);
      Path report = Files.createTempFile("schemathesis", ".txt");
      Process p =
          new ProcessBuilder(
                  st.toString(),
                  "--config-file",
                  Path.of("schemathesis", "schemathesis.toml").toAbsolutePath().toString(),
                  "run",
                  base + "/api/openapi.json",
                  "--url",
                  base,
                  "--checks",
                  "all",
                  "--max-examples",
                  "25",
                  "--max-time",
                  "90",
                  "--seed",
                  "1",
                  "--request-timeout",
                  "20",
                  "-H",
                  "Authorization: Bearer " + TOKEN,
                  "--no-color")
              // Its example database (.schemathesis/) goes under target/, not into the source tree.
              .directory(new java.io.File("target"))
              .redirectErrorStream(true)
              .redirectOutput(report.toFile())
              .start();
      if (!p.waitFor(6, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        fail(
            "schemathesis did not finish in 6 minutes:\n"
                + Files.readString(report, StandardCharsets.UTF_8));
      }
      String out = Files.readString(report, StandardCharsets.UTF_8);
      // Its summary (operations, phases, test cases, time) in the test output, pass or fail.
      out.lines()
          .skip(Math.max(0, out.lines().count() - 30))
          .forEach(line -> System.out.println("[schemathesis] " + line));
      assertEquals(0, p.exitValue(), "schemathesis found problems:\n" + out);
    }
  }

  /**
   * The venv's {@code st}, made by tests/schemathesis/venv.sh; skips (or fails under CI) without
   * it.
   */
  private static Path schemathesis() throws IOException, InterruptedException {
    Path script = Path.of("..", "tests", "schemathesis", "venv.sh").toAbsolutePath().normalize();
    String hint =
        "Schemathesis is not installed: run tests/schemathesis/venv.sh (needs python3 and PyPI)";
    String venv =
        System.getenv()
            .getOrDefault(
                "SCHEMATHESIS_VENV",
                Path.of(
                        System.getProperty("user.home"),
                        ".cache",
                        "kafkapipeline",
                        "venv-schemathesis")
                    .toString());
    Path st = Path.of(venv, "bin", "st");
    if (!Files.isExecutable(st) && "true".equals(System.getenv("CI"))) {
      Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) fail(hint + ":\n" + out);
      st = Path.of(out.strip().lines().reduce((a, b) -> b).orElse(venv), "bin", "st");
    }
    if (!Files.isExecutable(st)) {
      if ("true".equals(System.getenv("CI"))) fail(hint + " (CI=true: required)");
      Assumptions.abort(hint);
    }
    return st;
  }
}
