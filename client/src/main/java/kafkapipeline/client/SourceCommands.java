package kafkapipeline.client;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The source commands: {@code sources} (every source as {@code GET /api/sources} describes it),
 * {@code add-source FILE} ({@code POST /api/sources} with the file's JSON) and {@code remove-source
 * NAME} ({@code DELETE /api/sources/NAME}), and the tables and source names that help, the usage of
 * {@code rows} and the shell's completion show. The client holds no list of sources or tables: each
 * comes from the silo when it is shown, so a source added at run time is there at once.
 *
 * <p>A file that cannot be read, is over {@link #MAX_FILE_BYTES} or is not one JSON object is bad
 * input (exit 2, nothing sent); every problem the silo finds in the spec is printed, one a line
 * (exit 1).
 */
final class SourceCommands {
  /** The most of a spec file the client reads; the silo's own body limit is smaller. */
  static final int MAX_FILE_BYTES = 1 << 20;

  private final SiloClient silo;
  private final Commands commands;
  private final PrintStream out;

  SourceCommands(SiloClient silo, Commands commands, PrintStream out) {
    this.silo = silo;
    this.commands = commands;
    this.out = out;
  }

  int list() {
    SiloClient.Response r = silo.get("/api/sources");
    if (!r.ok()) return commands.refused(r);
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode s : r.body()) {
      rows.add(
          Arrays.asList(
              s.path("name").asText(),
              Commands.text(s, "kind"),
              Commands.text(s, "topic"),
              Commands.text(s, "table"),
              Commands.text(s, "state"),
              Commands.text(s, "eventsPerSecond"),
              Commands.text(s, "lastEventTime"),
              Commands.text(s, "lastError")));
    }
    Table.print(
        out,
        List.of("SOURCE", "KIND", "TOPIC", "TABLE", "STATE", "EVENTS/S", "LAST EVENT", "DETAIL"),
        rows);
    return Commands.OK;
  }

  int add(List<String> args) {
    if (args.size() != 1)
      return commands.bad("usage: add-source FILE (one source spec as a JSON object)");
    String name = args.get(0);
    byte[] bytes;
    try (InputStream in = Files.newInputStream(Path.of(name))) {
      // One byte past the limit tells a file at the limit from a larger one.
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      return commands.bad("cannot read " + name + ": no such file");
    } catch (IOException | InvalidPathException e) {
      return commands.bad("cannot read " + name + ": " + e.getMessage());
    }
    if (bytes.length > MAX_FILE_BYTES)
      return commands.bad(name + " is over " + MAX_FILE_BYTES + " bytes: not a source spec");
    JsonNode spec;
    try {
      spec =
          SiloClient.JSON
              .reader()
              .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      return commands.bad(
          name
              + " is not valid JSON: "
              + e.getOriginalMessage()
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      return commands.bad(name + " is not valid JSON: " + e.getMessage());
    }
    if (spec == null || !spec.isObject())
      return commands.bad(name + " holds no JSON object: a source spec is {\"name\": ..., ...}");
    // The file's own bytes, not a re-serialized tree: the silo judges exactly what was written
    // (a repeated field, say).
    SiloClient.Response r = silo.send("POST", "/api/sources", bytes);
    if (!r.ok()) return commands.refused(r);
    JsonNode s = r.body();
    out.println(
        "added "
            + s.path("name").asText()
            + " ("
            + s.path("kind").asText()
            + "): topic "
            + s.path("topic").asText()
            + ", table "
            + s.path("table").asText()
            + ", "
            + s.path("state").asText());
    return Commands.OK;
  }

  int remove(List<String> args) {
    if (args.size() != 1 || args.get(0).isBlank())
      return commands.bad("usage: remove-source NAME (a declarative source; see sources)");
    String name = args.get(0);
    SiloClient.Response r =
        silo.send(
            "DELETE",
            "/api/sources/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"),
            null);
    if (!r.ok()) return commands.refused(r);
    out.println("removed " + r.body().path("removed").asText(name));
    return Commands.OK;
  }

  /** The help line of the tables {@code rows} takes, or why they are not known now. */
  String tablesLine() {
    try {
      SiloClient.Response r = silo.get("/api/sources");
      if (!r.ok()) return "tables: unknown (the silo said: " + r.error() + ")";
      return "tables: " + String.join(", ", values(r.body(), "table"));
    } catch (SiloClient.Unreachable e) {
      return "tables: unknown (" + e.getMessage() + ")";
    }
  }

  /**
   * Each source's {@code field} ({@code "table"}, {@code "name"}) in the silo's order; none when no
   * silo answered or it refused (completion offers nothing then, and says nothing).
   */
  List<String> current(String field) {
    try {
      SiloClient.Response r = silo.get("/api/sources");
      return r.ok() ? values(r.body(), field) : List.of();
    } catch (SiloClient.Unreachable e) {
      return List.of();
    }
  }

  private static List<String> values(JsonNode sources, String field) {
    List<String> values = new ArrayList<>();
    for (JsonNode s : sources) {
      String v = Commands.text(s, field);
      if (v != null) values.add(v);
    }
    return values;
  }
}
