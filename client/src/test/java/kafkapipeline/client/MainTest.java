package kafkapipeline.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a local HTTP server that answers like a silo (canned bodies). */
class MainTest {
  private HttpServer server;
  private final List<String> requests = new ArrayList<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange x) throws IOException {
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String call = x.getRequestMethod() + " " + x.getRequestURI();
    requests.add(call + (body.isEmpty() ? "" : " " + body));
    switch (call) {
      case "GET /api/cities" ->
          reply(
              x,
              200,
              "[{\"id\":\"hanoi,vn\",\"name\":\"Hanoi\",\"country\":\"VN\",\"silo\":\"pipeline@127.0.0.1:2551\","
                  + "\"state\":\"reporting\",\"lastReport\":\"2026-11-22T14:00:00Z\",\"temperature\":28.5,\"lastError\":null}]");
      case "POST /api/cities" -> {
        if (body.contains("Atlantis")) reply(x, 404, "{\"error\":\"city not found: Atlantis\"}");
        else reply(x, 201, "{\"id\":\"hanoi,vn\",\"name\":\"Hanoi\",\"country\":\"VN\"}");
      }
      case "DELETE /api/cities/hanoi,vn" -> reply(x, 204, "");
      case "DELETE /api/cities/nowhere" -> reply(x, 404, "{\"error\":\"unknown city: nowhere\"}");
      case "PUT /api/sources/faker/rate" ->
          reply(x, 200, "{\"name\":\"faker\",\"state\":\"running\",\"eventsPerSecond\":12.5}");
      case "GET /api/rows/fakerdata?limit=2" ->
          reply(
              x,
              200,
              "{\"table\":\"fakerdata\",\"columns\":[\"id\",\"name\"],"
                  + "\"rows\":[[\"1\",\"Ada Lovelace\"],[\"2\",\""
                  + "x".repeat(60)
                  + "\"]]}");
      case "GET /api/status" ->
          reply(
              x,
              200,
              "{\"silos\":[{\"address\":\"pipeline@127.0.0.1:2551\",\"status\":\"Up\","
                  + "\"grains\":{\"weather\":[\"hanoi,vn\"],\"singletons\":[\"faker-source\",\"wikipedia-source\"]}}],"
                  + "\"rows\":{\"fakerdata\":{\"writtenSinceStart\":12,\"estimatedPartitions\":5000000},"
                  + "\"spacex_launches\":{\"writtenSinceStart\":3,\"estimatedPartitions\":null}},"
                  + "\"rowsSources\":{\"writtenSinceStart\":\"counters of 1 of 1 silos\","
                  + "\"estimatedPartitions\":\"size_estimates of 1 of 1 nodes\"}}");
      case "POST /api/dead-letters/replay" -> reply(x, 200, "{\"replayed\":3}");
      case "GET /api/rows/nope?limit=20" -> reply(x, 400, "{\"error\":\"unknown table: nope\"}");
      default -> reply(x, 404, "{\"error\":\"no route\"}");
    }
  }

  private static void reply(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(bytes);
    }
  }

  private String silo() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private java.io.InputStream stdin = new java.io.ByteArrayInputStream(new byte[0]);

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of("--silo", silo()));
    all.addAll(List.of(args));
    return Main.run(
        all,
        stdin,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void citiesPrintsAnAlignedTable() {
    assertEquals(0, run("cities"));
    String[] lines = out().split("\n");
    assertTrue(lines[0].startsWith("CITY      STATE      SILO"), out());
    assertTrue(lines[1].startsWith("hanoi,vn  reporting  pipeline@127.0.0.1:2551"), out());
    assertTrue(lines[1].contains("28.5") && lines[1].endsWith("-"), out());
  }

  @Test
  void addAndRemoveConfirmOrPassTheSilosErrorOn() {
    // Listed by GET /api/cities: not sent.
    assertEquals(0, run("add-city", "Hanoi, VN"));
    assertEquals("added 0, already there 1, not found 0, failed 0 (1 of 1 names)\n", out());
    assertEquals(List.of("GET /api/cities"), requests);
    out.reset();
    assertEquals(0, run("add-city", "Hue,VN"));
    assertTrue(
        out().endsWith("added 1, already there 0, not found 0, failed 0 (1 of 1 names)\n"), out());
    assertEquals("POST /api/cities {\"city\":\"Hue,VN\"}", requests.get(2));
    out.reset();
    assertEquals(AddTally.NOT_FOUND, run("add-city", "Atlantis"));
    assertTrue(out().endsWith("not found (1): Atlantis\n"), out());
    assertEquals(0, run("remove-city", "Hanoi, VN"));
    assertEquals(1, run("remove-city", "nowhere"));
    assertTrue(err().endsWith("unknown city: nowhere\n"), err());
  }

  @Test
  void statusListsSilosTheirGrainsInFullAndRowsPerTable() {
    assertEquals(0, run("status"));
    List<String> lines = List.of(out().split("\n"));
    assertEquals("pipeline@127.0.0.1:2551  Up      1 weather, 2 singletons", lines.get(1));
    assertEquals(
        "pipeline@127.0.0.1:2551 hosts weather: hanoi,vn; singletons: faker-source, wikipedia-source",
        lines.get(2));
    assertTrue(lines.contains("TABLE            ROWS WRITTEN  ≈ ROWS STORED"), out());
    assertTrue(lines.contains("fakerdata        12            5000000"), out());
    assertTrue(lines.contains("spacex_launches  3             unknown"), out());
    assertTrue(lines.contains("rows written: counters of 1 of 1 silos"), out());
    assertTrue(lines.contains("≈ partitions stored: size_estimates of 1 of 1 nodes"), out());
  }

  @Test
  void replayDeadLettersSaysHowManyWentBack() {
    assertEquals(0, run("replay-dead-letters"));
    assertTrue(out().startsWith("replayed 3 dead letters to their topics"), out());
    assertEquals(List.of("POST /api/dead-letters/replay"), requests);
    assertEquals(2, run("replay-dead-letters", "now"));
  }

  @Test
  void badInputIsRefusedBeforeAnyCall() {
    assertEquals(2, run("add-city", ""));
    assertEquals(2, run("add-city", "Ha\u0007noi"));
    assertEquals(2, run("add-city", "x".repeat(101)));
    assertEquals(2, run("faker-rate", "fast"));
    assertEquals(2, run("faker-rate", "NaN"));
    assertEquals(2, run("rows", "fakerdata", "--limit", "0"));
    assertEquals(2, run("frobnicate"));
    assertEquals(List.of(), requests);
    assertTrue(
        err().contains("city name is empty")
            && err().contains("control character")
            && err().contains("longer than 100")
            && err().contains("unknown command 'frobnicate'"),
        err());
  }

  @Test
  void fakerRateAndRows() {
    assertEquals(0, run("faker-rate", "12.5"));
    assertTrue(out().startsWith("faker rate is now 12.5 people/s (running)"), out());
    assertEquals(0, run("rows", "fakerdata", "--limit", "2"));
    assertTrue(
        out().contains("ID  NAME")
            && out().contains("Ada Lovelace")
            && out().contains("x".repeat(39) + "…"),
        out());
    assertEquals(1, run("rows", "nope"));
    assertTrue(err().contains("unknown table: nope"), err());
  }

  @Test
  void anUnreachableSiloIsSkippedAndNoneReachableIsExitThree() throws IOException {
    String down = "http://127.0.0.1:" + closedPort();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertEquals(0, Main.run(List.of("--silo", down, "--silo", silo(), "cities"), stdin, o, e));
    assertTrue(out().contains("hanoi,vn"), out());
    assertEquals(3, Main.run(List.of("--silo", down, "cities"), stdin, o, e));
    assertTrue(err().contains("no silo reachable (tried " + down + ")"), err());
    assertEquals(2, Main.run(List.of("--silo", "not-a-url", "cities"), stdin, o, e));
  }

  @Test
  void theShellRunsCommandsFromItsInputUntilExit() throws Exception {
    stdin =
        new java.io.ByteArrayInputStream(
            "cities\nfaker-rate 12.5\nexit\ncities\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(0, run());
    assertEquals(
        List.of("GET /api/cities", "PUT /api/sources/faker/rate {\"rate\":12.5}"),
        requests,
        out() + err());
  }
}
