package kafkapipeline.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The client's commands. Each returns its exit code: 0 done, 1 the silo refused (its message is
 * printed), 2 bad input (checked before the command's call; the usage of {@code rows} asks the silo
 * for its tables), 3 no silo reachable (thrown by {@link SiloClient}); {@code add-city} also 4,
 * some city not found ({@link AddTally#exitCode}). No list of sources or tables is kept here:
 * {@link SourceCommands} asks the silo each time.
 */
final class Commands {
  static final int OK = 0;
  static final int SERVER_ERROR = 1;
  static final int BAD_INPUT = 2;
  static final int UNREACHABLE = 3;

  /**
   * One command: its name, its arguments and what it does (the help line), and how it runs. The
   * dispatch, the help text and the shell's completion all read {@link #all()}.
   */
  record Command(String name, String args, String what, Function<List<String>, Integer> run) {}

  private final SiloClient silo;
  private final PrintStream out;
  private final PrintStream err;
  private final SourceCommands sources;
  private final List<Command> all;
  private final AddCities.Time time;
  private final boolean terminal;

  Commands(SiloClient silo, PrintStream out, PrintStream err) {
    this(silo, out, err, AddCities.Time.SYSTEM, out == System.out && System.console() != null);
  }

  /**
   * @param time what {@code add-city} paces itself with
   * @param terminal whether {@code out} is a terminal ({@code add-city} redraws its progress line)
   */
  Commands(
      SiloClient silo, PrintStream out, PrintStream err, AddCities.Time time, boolean terminal) {
    this.silo = silo;
    this.time = time;
    this.terminal = terminal;
    this.out = out;
    this.err = err;
    this.sources = new SourceCommands(silo, this, out);
    this.all =
        List.of(
            new Command(
                "add-city",
                "NAMES | --file F",
                "register cities NAME[,CC] (validated by the weather API, paced by its budget;"
                    + " add-city --help)",
                this::addCities),
            new Command(
                "remove-city",
                "NAME[,CC]",
                "stop polling a city (its rows stay)",
                args -> removeCity(String.join(" ", args))),
            new Command(
                "cities",
                "",
                "each city: state, silo, last report, temperature, last error",
                args -> noArgs(args, this::cities)),
            new Command(
                "sources",
                "",
                "each source: kind, topic, table, state, rate, last event, detail",
                args -> noArgs(args, sources::list)),
            new Command(
                "add-source",
                "FILE",
                "add a declarative source from a JSON file (a SourceSpec)",
                sources::add),
            new Command(
                "remove-source", "NAME", "stop and forget a declarative source", sources::remove),
            new Command("faker-rate", "N", "fake people per second (0 pauses)", this::fakerRate),
            new Command(
                "status",
                "",
                "silos, the grains they host, rows per table",
                args -> noArgs(args, this::status)),
            new Command(
                "rows",
                "TABLE [--limit N]",
                "latest rows of a source's table (listed below)",
                this::rows),
            new Command(
                "dead-letters",
                "[--limit N]",
                "records that could not become rows",
                this::deadLetters),
            new Command(
                "replay-dead-letters",
                "",
                "publish them to their topics again (after a fix)",
                args -> noArgs(args, this::replayDeadLetters)),
            new Command(
                RewindCommand.NAME,
                RewindCommand.ARGS,
                RewindCommand.WHAT,
                new RewindCommand(silo, this, out)::run),
            new Command("help", "", "this text", args -> help()));
  }

  /** Every command, in the order help lists them. */
  List<Command> all() {
    return all;
  }

  /** The source commands' lookups (tables, names), for the shell's completion. */
  SourceCommands sources() {
    return sources;
  }

  int run(List<String> words) {
    if (words.isEmpty()) return help();
    String name = words.get(0);
    List<String> args = words.subList(1, words.size());
    Command command = all.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    if (command == null) return bad("unknown command '" + name + "'; try help");
    try {
      return command.run().apply(args);
    } catch (SiloClient.Unreachable e) {
      err.println(e.getMessage());
      return UNREACHABLE;
    }
  }

  private int noArgs(List<String> args, java.util.function.IntSupplier command) {
    return args.isEmpty()
        ? command.getAsInt()
        : bad("this command takes no arguments, got " + args);
  }

  /** Null if the name may be sent, else why not (the same rules as the silo's). */
  static String cityProblem(String name) {
    if (name == null || name.isBlank()) return "city name is empty";
    if (name.length() > 100) return "city name is longer than 100 characters";
    for (char c : name.toCharArray()) {
      if (Character.isISOControl(c)) return "city name contains a control character";
      if (c == '"' || c == '\'' || c == '`') return "city name contains a quote character";
    }
    return null;
  }

  /** The city id a name stands for, as the silo spells it: lower case, no spaces by the comma. */
  static String cityId(String name) {
    return name.strip().toLowerCase(Locale.ROOT).replaceAll("\\s*,\\s*", ",");
  }

  private int addCities(List<String> args) {
    if (args.equals(List.of("--help"))) {
      out.println(AddCities.HELP);
      return OK;
    }
    CityInput.Names input = CityInput.read(args);
    if (!input.problems().isEmpty()) {
      input.problems().forEach(err::println);
      return BAD_INPUT;
    }
    if (input.names().size() > 1 || input.duplicates() > 0)
      out.println(
          input.names().size()
              + " cities to add"
              + (input.duplicates() == 0
                  ? ""
                  : " (" + input.duplicates() + " repeated, once each)"));
    AddTally tally = new AddCities(silo, time, out, terminal).run(input.names());
    tally.printSummary(out);
    return tally.exitCode();
  }

  private int removeCity(String name) {
    String problem = cityProblem(name);
    if (problem != null) return bad(problem);
    String id = cityId(name);
    SiloClient.Response r =
        silo.send(
            "DELETE",
            "/api/cities/"
                + URLEncoder.encode(id, StandardCharsets.UTF_8)
                    .replace("+", "%20")
                    .replace("%2C", ","),
            null);
    if (!r.ok()) return refused(r);
    out.println("removed " + id + " (its rows stay)");
    return OK;
  }

  private int cities() {
    SiloClient.Response r = silo.get("/api/cities");
    if (!r.ok()) return refused(r);
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode c : r.body()) {
      rows.add(
          Arrays.asList(
              c.path("id").asText(),
              c.path("state").asText(),
              text(c, "silo"),
              text(c, "lastReport"),
              text(c, "temperature"),
              text(c, "lastError")));
    }
    if (rows.isEmpty()) out.println("no cities; add one with add-city NAME,CC");
    else
      Table.print(
          out, List.of("CITY", "STATE", "SILO", "LAST REPORT", "TEMP °C", "LAST ERROR"), rows);
    return OK;
  }

  private int fakerRate(List<String> args) {
    if (args.size() != 1) return bad("usage: faker-rate N (people per second, 0 pauses)");
    double rate;
    try {
      rate = Double.parseDouble(args.get(0));
    } catch (NumberFormatException e) {
      return bad("faker-rate needs a number >= 0, got '" + args.get(0) + "'");
    }
    if (!Double.isFinite(rate) || rate < 0)
      return bad("faker-rate needs a number >= 0, got '" + args.get(0) + "'");
    SiloClient.Response r = silo.send("PUT", "/api/sources/faker/rate", Map.of("rate", rate));
    if (!r.ok()) return refused(r);
    out.println(
        "faker rate is now "
            + r.body().path("eventsPerSecond").asText()
            + " people/s ("
            + r.body().path("state").asText()
            + ")");
    return OK;
  }

  private int status() {
    SiloClient.Response r = silo.get("/api/status");
    if (!r.ok()) return refused(r);
    List<List<String>> silos = new ArrayList<>();
    List<String> hosted = new ArrayList<>();
    for (JsonNode s : r.body().path("silos")) {
      List<String> counts = new ArrayList<>();
      List<String> lists = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = s.path("grains").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> kind = it.next();
        List<String> names = new ArrayList<>();
        kind.getValue().forEach(n -> names.add(n.asText()));
        counts.add(names.size() + " " + kind.getKey());
        if (!names.isEmpty()) lists.add(kind.getKey() + ": " + String.join(", ", names));
      }
      silos.add(
          List.of(
              s.path("address").asText(), s.path("status").asText(), String.join(", ", counts)));
      // Grain names in full, not cut to a table cell.
      hosted.add(
          s.path("address").asText()
              + " hosts "
              + (lists.isEmpty() ? "nothing" : String.join("; ", lists)));
    }
    Table.print(out, List.of("SILO", "STATUS", "GRAINS"), silos);
    hosted.forEach(out::println);
    out.println();
    List<List<String>> rows = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = r.body().path("rows").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode estimate = e.getValue().path("estimatedPartitions");
      rows.add(
          List.of(
              e.getKey(),
              e.getValue().path("writtenSinceStart").asText("?"),
              estimate.isNumber() ? estimate.asText() : "unknown"));
    }
    Table.print(out, List.of("TABLE", "ROWS WRITTEN", "≈ ROWS STORED"), rows);
    // What each column is: the silo says (counters of the silos that answered, Cassandra's
    // estimate of the nodes that answered); no table is counted.
    JsonNode sources = r.body().path("rowsSources");
    if (sources.isObject()) {
      out.println("rows written: " + sources.path("writtenSinceStart").asText());
      out.println("≈ partitions stored: " + sources.path("estimatedPartitions").asText());
    }
    return OK;
  }

  private int rows(List<String> args) {
    if (args.isEmpty()) return bad("usage: rows TABLE [--limit N]; " + sources.tablesLine());
    String table = args.get(0);
    Integer limit = limit(args.subList(1, args.size()));
    if (limit == null) return BAD_INPUT;
    SiloClient.Response r =
        silo.get(
            "/api/rows/" + URLEncoder.encode(table, StandardCharsets.UTF_8) + "?limit=" + limit);
    if (!r.ok()) return refused(r);
    List<String> header = new ArrayList<>();
    r.body().path("columns").forEach(c -> header.add(c.asText().toUpperCase(Locale.ROOT)));
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode row : r.body().path("rows")) {
      List<String> cells = new ArrayList<>();
      row.forEach(v -> cells.add(v.isNull() ? null : v.asText()));
      rows.add(cells);
    }
    if (rows.isEmpty()) out.println("no rows in " + table);
    else Table.print(out, header, rows);
    return OK;
  }

  private int deadLetters(List<String> args) {
    Integer limit = limit(args);
    if (limit == null) return BAD_INPUT;
    SiloClient.Response r = silo.get("/api/dead-letters?limit=" + limit);
    if (!r.ok()) return refused(r);
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode d : r.body()) {
      rows.add(
          Arrays.asList(
              d.path("topic").asText(),
              d.path("partition").asText(),
              d.path("offset").asText(),
              text(d, "failedAt"),
              text(d, "errorClass"),
              text(d, "error"),
              text(d, "payload")));
    }
    if (rows.isEmpty()) out.println("no dead letters");
    else
      Table.print(
          out,
          List.of("TOPIC", "PARTITION", "OFFSET", "FAILED AT", "KIND", "ERROR", "PAYLOAD"),
          rows);
    return OK;
  }

  private int replayDeadLetters() {
    SiloClient.Response r = silo.send("POST", "/api/dead-letters/replay", null);
    if (!r.ok()) return refused(r);
    out.println(
        "replayed "
            + r.body().path("replayed").asInt()
            + " dead letters to their topics"
            + " (any that still cannot become rows come back as new dead letters)");
    return OK;
  }

  /** Parses {@code [--limit N]}; prints the problem and returns null if it is bad. */
  private Integer limit(List<String> args) {
    if (args.isEmpty()) return 20;
    if (args.size() == 2 && args.get(0).equals("--limit")) {
      try {
        int n = Integer.parseInt(args.get(1));
        if (n >= 1 && n <= 1000) return n;
      } catch (NumberFormatException e) {
        // reported below
      }
      err.println("--limit needs a whole number from 1 to 1000, got '" + args.get(1) + "'");
      return null;
    }
    err.println("unexpected arguments " + args + "; expected [--limit N]");
    return null;
  }

  private int help() {
    out.println("commands:");
    for (Command c : all) {
      String usage = c.name() + (c.args().isEmpty() ? "" : " " + c.args());
      out.println(String.format("  %-26s%s", usage, c.what()));
    }
    out.println(
        "exit codes: 0 done; 1 the silo refused (add-city: some city failed); 2 bad input,"
            + " nothing sent; 3 no silo reachable; 4 add-city: some city not found, none failed");
    out.println(sources.tablesLine());
    return OK;
  }

  int bad(String message) {
    err.println(message);
    return BAD_INPUT;
  }

  /** Prints the silo's error and each of its problems (an invalid source has several). */
  int refused(SiloClient.Response r) {
    err.println(r.error());
    for (String problem : r.problems()) err.println("  - " + problem);
    return SERVER_ERROR;
  }

  // Absent and null fields become null cells, which the table prints as '-'.
  static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isMissingNode() || v.isNull() ? null : v.asText();
  }
}
