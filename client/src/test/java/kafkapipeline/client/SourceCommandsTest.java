package kafkapipeline.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source commands against a local server that keeps sources as a silo does: {@code GET
 * /api/sources} lists them (the four built-in ones first), {@code POST} adds one (400 with problems
 * for a spec named {@code bad}, 409 for a taken name), {@code DELETE} removes a declarative one
 * (404 unknown, 409 built-in). So a test sees a source added at run time reach help, the usage of
 * rows and completion with no list in the client.
 */
class SourceCommandsTest {
  private static final List<String> BUILT_IN = List.of("faker", "weather", "wikipedia", "spacex");
  private HttpServer server;
  private final Map<String, JsonNode> sources = new LinkedHashMap<>();
  private final List<String> requests = new ArrayList<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  @TempDir Path dir;

  @BeforeEach
  void start() throws IOException {
    entry("faker", "singleton", "faker", "fakerdata", 1.5, "2026-11-22T14:00:00Z", null);
    entry("weather", "per-city", "weather", "weatherreport", null, null, "call budget: 60 left");
    entry("wikipedia", "sse", "wikipedia", "wikipediadata", 3.0, null, null);
    entry("spacex", "http-poll", "spacex", "spacex_launches", null, null, null);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void entry(
      String name, String kind, String topic, String table, Double rate, String last, String d) {
    ObjectNode s = SiloClient.JSON.createObjectNode();
    s.put("name", name).put("kind", kind).put("topic", topic).put("table", table);
    s.put("state", "running").put("eventsPerSecond", rate).put("lastEventTime", last);
    s.put("lastError", d);
    sources.put(name, s);
  }

  private void handle(HttpExchange x) throws IOException {
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String method = x.getRequestMethod();
    String uri = x.getRequestURI().getRawPath();
    requests.add(method + " " + uri + (body.isEmpty() ? "" : " " + body));
    if (method.equals("GET") && uri.equals("/api/sources")) {
      ArrayNode all = SiloClient.JSON.createArrayNode();
      sources.values().forEach(all::add);
      reply(x, 200, all.toString());
    } else if (method.equals("POST") && uri.equals("/api/sources")) {
      JsonNode spec = SiloClient.JSON.readTree(body);
      String name = spec.path("name").asText();
      if (name.equals("bad")) {
        reply(
            x,
            400,
            "{\"error\":\"the source spec has 2 problems\",\"problems\":"
                + "[\"url: must be http or https\",\"primaryKey: column id is not required\"]}");
      } else if (sources.containsKey(name)) {
        reply(x, 409, "{\"error\":\"a source is named " + name + " already\"}");
      } else {
        String table = spec.path("table").asText(name);
        entry(name, spec.path("kind").asText(), name, table, null, null, null);
        ((ObjectNode) sources.get(name)).put("state", "starting");
        reply(x, 201, sources.get(name).toString());
      }
    } else if (method.equals("DELETE") && uri.startsWith("/api/sources/")) {
      String name = uri.substring("/api/sources/".length());
      if (BUILT_IN.contains(name))
        reply(x, 409, "{\"error\":\"" + name + " is built in and cannot be removed\"}");
      else if (sources.remove(name) == null)
        reply(x, 404, "{\"error\":\"unknown source: " + name + "\"}");
      else reply(x, 200, "{\"removed\":\"" + name + "\"}");
    } else {
      reply(x, 404, "{\"error\":\"no route\"}");
    }
  }

  private static void reply(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(bytes);
    }
  }

  private String silo() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private PrintStream print(ByteArrayOutputStream to) {
    return new PrintStream(to, true, StandardCharsets.UTF_8);
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of("--silo", silo()));
    all.addAll(List.of(args));
    return Main.run(all, new java.io.ByteArrayInputStream(new byte[0]), print(out), print(err));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static final String SPEC =
      "{\"name\": \"alerts\", \"kind\": \"http-poll\", \"url\": \"https://example.org/a\","
          + " \"table\": \"alert_rows\", \"key\": \"/id\","
          + " \"columns\": [{\"name\": \"id\", \"pointer\": \"/id\", \"type\": \"text\","
          + " \"required\": true}], \"primaryKey\": {\"partition\": [\"id\"]}}";

  @Test
  void sourcesPrintsKindTopicAndTableOfEverySource() {
    assertEquals(0, run("sources"));
    assertEquals(
        List.of(
            "SOURCE     KIND       TOPIC      TABLE            STATE    EVENTS/S  LAST EVENT"
                + "            DETAIL",
            "faker      singleton  faker      fakerdata        running  1.5       2026-11-22T14:00:00Z"
                + "  -",
            "weather    per-city   weather    weatherreport    running  -         -"
                + "                     call budget: 60 left",
            "wikipedia  sse        wikipedia  wikipediadata    running  3.0       -"
                + "                     -",
            "spacex     http-poll  spacex     spacex_launches  running  -         -"
                + "                     -"),
        List.of(out().split("\n")));
  }

  @Test
  void anAddedSourceIsPrintedAndReachesHelpRowsAndCompletionUntilRemoved() throws IOException {
    Path spec = file("alerts.json", SPEC);
    assertEquals(0, run("add-source", spec.toString()));
    assertEquals("added alerts (http-poll): topic alerts, table alert_rows, starting\n", out());
    // The file's bytes as written, not a re-serialized tree.
    assertEquals(List.of("POST /api/sources " + SPEC), requests);

    String tables = "tables: fakerdata, weatherreport, wikipediadata, spacex_launches, alert_rows";
    assertEquals(0, run("help"));
    assertTrue(out().contains("  add-source FILE           add a declarative source"), out());
    assertTrue(out().endsWith(tables + "\n"), out());
    assertEquals(2, run("rows"));
    assertEquals("usage: rows TABLE [--limit N]; " + tables + "\n", err());

    Commands commands = new Commands(new SiloClient(List.of(silo())), print(out), print(err));
    Completion completion = new Completion(commands);
    assertEquals(
        List.of("fakerdata", "weatherreport", "wikipediadata", "spacex_launches", "alert_rows"),
        completion.values(List.of("rows", ""), 1));
    assertEquals(
        List.of("faker", "weather", "wikipedia", "spacex", "alerts"),
        completion.values(List.of("remove-source", "al"), 1));
    List<String> names = new ArrayList<>();
    commands.all().forEach(c -> names.add(c.name()));
    names.add("exit");
    assertEquals(names, completion.values(List.of(""), 0));
    assertTrue(names.containsAll(List.of("add-source", "remove-source", "rows")), names.toString());

    assertEquals(0, run("remove-source", "alerts"));
    assertTrue(out().endsWith("removed alerts\n"), out());
    assertEquals(
        List.of("fakerdata", "weatherreport", "wikipediadata", "spacex_launches"),
        completion.values(List.of("rows", ""), 1));
  }

  @Test
  void aFileThatIsNotOneJsonObjectIsRefusedBeforeAnyCall() throws IOException {
    assertEquals(2, run("add-source", dir.resolve("missing.json").toString()));
    assertEquals(2, run("add-source", file("cut.json", "{\"name\": \"alerts\",\n  ").toString()));
    assertEquals(2, run("add-source", file("two.json", "{} {}").toString()));
    assertEquals(2, run("add-source", file("list.json", "[" + SPEC + "]").toString()));
    assertEquals(2, run("add-source", file("empty.json", "").toString()));
    assertEquals(2, run("add-source", dir.toString()));
    Path big = file("big.json", " ".repeat(SourceCommands.MAX_FILE_BYTES) + "{}");
    assertEquals(2, run("add-source", big.toString()));
    assertEquals(2, run("add-source"));
    assertEquals(2, run("add-source", "a.json", "b.json"));
    assertEquals(List.of(), requests);
    List<String> lines = List.of(err().split("\n"));
    assertEquals(9, lines.size(), err());
    assertEquals("cannot read " + dir.resolve("missing.json") + ": no such file", lines.get(0));
    assertTrue(lines.get(1).startsWith(dir.resolve("cut.json") + " is not valid JSON: "), err());
    assertTrue(lines.get(1).endsWith("(line 2, column 3)"), err());
    assertTrue(lines.get(2).startsWith(dir.resolve("two.json") + " is not valid JSON: "), err());
    assertEquals(
        dir.resolve("list.json") + " holds no JSON object: a source spec is {\"name\": ..., ...}",
        lines.get(3));
    assertEquals(
        dir.resolve("empty.json") + " holds no JSON object: a source spec is {\"name\": ..., ...}",
        lines.get(4));
    assertTrue(lines.get(5).startsWith("cannot read " + dir + ": "), err());
    assertEquals(big + " is over 1048576 bytes: not a source spec", lines.get(6));
    assertEquals("usage: add-source FILE (one source spec as a JSON object)", lines.get(7));
    assertEquals(lines.get(7), lines.get(8));
  }

  @Test
  void aRefusedSpecPrintsEveryProblemAndATakenNameTheConflict() throws IOException {
    assertEquals(1, run("add-source", file("bad.json", SPEC.replace("alerts", "bad")).toString()));
    assertEquals(
        "the source spec has 2 problems\n"
            + "  - url: must be http or https\n"
            + "  - primaryKey: column id is not required\n",
        err());
    err.reset();
    assertEquals(
        1, run("add-source", file("taken.json", SPEC.replace("alerts", "faker")).toString()));
    assertEquals("a source is named faker already\n", err());
    assertEquals("", out());
    assertEquals(4, sources.size()); // neither was added
  }

  @Test
  void removeSourceNamesWhatItRemovedOrPassesTheRefusalOn() {
    assertEquals(1, run("remove-source", "nope"));
    assertEquals(1, run("remove-source", "faker"));
    assertEquals(1, run("remove-source", "a/b c"));
    assertEquals(2, run("remove-source"));
    assertEquals(2, run("remove-source", "a", "b"));
    assertEquals(
        List.of(
            "DELETE /api/sources/nope",
            "DELETE /api/sources/faker",
            "DELETE /api/sources/a%2Fb%20c"),
        requests);
    assertEquals(
        List.of(
            "unknown source: nope",
            "faker is built in and cannot be removed",
            "unknown source: a%2Fb%20c",
            "usage: remove-source NAME (a declarative source; see sources)",
            "usage: remove-source NAME (a declarative source; see sources)"),
        List.of(err().split("\n")));
    assertEquals(4, sources.size());
  }

  @Test
  void withNoSiloHelpStillPrintsAndCompletionOffersNoTables() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String down = "http://127.0.0.1:" + closed;
    assertEquals(0, Main.run(List.of("--silo", down, "help"), null, print(out), print(err)));
    assertTrue(out().endsWith("tables: unknown (no silo reachable (tried " + down + "))\n"), out());
    assertEquals(3, Main.run(List.of("--silo", down, "sources"), null, print(out), print(err)));
    Commands commands = new Commands(new SiloClient(List.of(down)), print(out), print(err));
    assertEquals(List.of(), new Completion(commands).values(List.of("rows", ""), 1));
  }
}
