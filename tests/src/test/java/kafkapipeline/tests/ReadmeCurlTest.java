package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every {@code curl} line of README.md (in code blocks and inline), run as written with bash
 * against a test silo, only {@code localhost:8080} pointed at its port: each must answer 2xx. The
 * lines of the Docker section run against a silo with {@code HTTP_TOKEN} set in their environment,
 * as Compose starts it; the others against one without, as {@code ./pipeline up}. OpenWeatherMap is
 * a local server answering any city with the recorded London observation, renamed to the city asked
 * for, so the README's {@code Hanoi,VN} is added (201) and removed (204).
 */
class ReadmeCurlTest {
  private static final Pattern INLINE = Pattern.compile("`(curl [^`]+)`");

  record Line(String command, boolean docker) {}

  static List<Line> curlLines(String readme) {
    List<Line> lines = new ArrayList<>();
    boolean docker = false;
    boolean code = false;
    for (String line : readme.split("\n")) {
      if (line.startsWith("## ")) docker = line.equals("## Run with Docker");
      if (line.startsWith("```")) {
        code = !code;
        continue;
      }
      if (code) {
        if (line.startsWith("curl "))
          lines.add(new Line(line.replaceFirst("\\s+#\\s.*$", ""), docker));
      } else {
        Matcher m = INLINE.matcher(line);
        while (m.find()) lines.add(new Line(m.group(1), docker));
      }
    }
    return lines;
  }

  @Test
  void everyCurlLineOfTheReadmeAnswers2xx() throws Exception {
    List<Line> lines =
        curlLines(Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8));
    assertTrue(lines.size() >= 12, "curl lines found: " + lines);
    assertTrue(
        lines.stream().anyMatch(Line::docker) && lines.stream().anyMatch(l -> !l.docker()),
        lines.toString());
    HttpServer owm = renamingOwm();
    try {
      for (boolean docker : List.of(false, true)) {
        String token = docker ? "readme-token" : "";
        Map<String, String> env =
            new java.util.HashMap<>(
                Map.of(
                    "OWM_BASE_URL",
                    "http://127.0.0.1:" + owm.getAddress().getPort(),
                    "OWM_API_KEY",
                    OwmReplayServer.KEY,
                    "FAKER_RATE",
                    "0",
                    "FAKER_LIMIT",
                    "1000"));
        if (docker) env.put("HTTP_TOKEN", token);
        try (SiloCluster silos =
            new SiloCluster(Engines.shared(), docker ? "readme-docker" : "readme", 1, env)) {
          silos.startAll();
          silos.awaitAllHealthy();
          for (Line line : lines) {
            if (line.docker() == docker) run(line.command(), silos.httpPort(0), token);
          }
        }
      }
    } finally {
      owm.stop(0);
    }
  }

  private static void run(String line, int port, String token) throws Exception {
    String command =
        line.replace("localhost:8080", "localhost:" + port) + " -o /dev/stderr -w '%{http_code}'";
    // From the repository's folder, as the README's commands are written (@deploy/... files).
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(new java.io.File(".."));
    pb.environment().put("HTTP_TOKEN", token);
    Path err = Files.createTempFile("curl", ".txt");
    Process p = pb.redirectError(err.toFile()).start();
    String status = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), line);
    String body = Files.readString(err, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), line + " -> exit " + p.exitValue() + ": " + body);
    assertTrue(status.startsWith("2"), line + " -> " + status + " " + body);
  }

  /**
   * The recorded London answer for any query, named as the query's city ("Hanoi,VN" -> Hanoi, VN).
   */
  private static HttpServer renamingOwm() throws Exception {
    String london =
        new String(
            ReplayHttp.resource(
                "/fixtures/openweathermap/dblock__weather_weather_name__http200.json"),
            StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/data/2.5/weather",
        exchange -> {
          String query =
              java.net.URLDecoder.decode(
                  exchange.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
          Matcher q = Pattern.compile("(?:^|&)q=([^,&]+),([^&]+)").matcher(query);
          String body = london;
          if (q.find()) {
            body =
                body.replace("\"name\":\"London\"", "\"name\":\"" + q.group(1) + "\"")
                    .replace(
                        "\"country\":\"GB\"",
                        "\"country\":\"" + q.group(2).toUpperCase(java.util.Locale.ROOT) + "\"");
          } else if (query.contains("id=")) {
            body =
                body.replace("\"name\":\"London\"", "\"name\":\"Hanoi\"")
                    .replace("\"country\":\"GB\"", "\"country\":\"VN\"");
          }
          ReplayHttp.send(
              exchange,
              200,
              "application/json; charset=utf-8",
              body.getBytes(StandardCharsets.UTF_8));
        });
    server.start();
    return server;
  }
}
