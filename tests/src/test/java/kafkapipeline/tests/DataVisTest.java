package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/data-vis: the notebook executes headless (jupyter nbconvert, from a venv that
 * deploy/data-vis/venv.sh makes) against the test Cassandra, on empty tables and then with rows,
 * and saves its figures under tests/target/data-vis; cqlsh runs README's inspection queries.
 * Skipped, saying why, only where no Python venv can be made.
 */
class DataVisTest {
  private static final List<String> FIGURES =
      List.of("weather_per_city.png", "wikipedia_edits_per_wiki.png", "fake_people_by_country.png");
  private static final Pattern README_CQLSH = Pattern.compile("cqlsh [^\\n]*?-e \"([^\"]+)\"");

  private static Path root;
  private static Path venv;

  record Run(int exit, String output) {}

  @BeforeAll
  static void venv() throws Exception {
    root = ComposeFile.load().root;
    Run made =
        run(
            List.of(root.resolve("deploy/data-vis/venv.sh").toString()),
            Map.of(),
            Duration.ofMinutes(8));
    Assumptions.assumeTrue(
        made.exit != 3, () -> "skipped: no Python venv can be made here: " + made.output);
    assertEquals(0, made.exit, () -> "deploy/data-vis/venv.sh failed:\n" + made.output);
    String[] lines = made.output.strip().split("\n");
    venv = Path.of(lines[lines.length - 1].strip());
  }

  @Test
  void theNotebookCopesWithEmptyTablesAndDrawsEveryFigureOnceThereAreRows() throws Exception {
    Engines engines = Engines.shared();
    applySchema(engines);
    for (String table : List.of("weatherreport", "wikipediadata", "fakerdata", "spacex_launches")) {
      engines.truncateIfExists(table);
    }
    Path out = Files.createDirectories(root.resolve("tests/target/data-vis"));

    String empty = executeNotebook(engines, out.resolve("empty"));
    for (String section : List.of("weather", "wikipedia", "faker", "spacex")) {
      assertTrue(
          empty.contains(section + ": no rows yet"),
          () -> section + " does not say 'no rows yet':\n" + empty);
    }
    assertFalse(Files.exists(out.resolve("empty/figures/" + FIGURES.get(0))));

    insertRows(engines);
    String full = executeNotebook(engines, out.resolve("rows"));
    for (String figure : FIGURES) {
      Path png = out.resolve("rows/figures").resolve(figure);
      assertTrue(Files.isRegularFile(png), () -> figure + " was not saved:\n" + full);
      byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 4);
      assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, magic, figure + " is a PNG");
      assertTrue(Files.size(png) > 10_000, figure + " has something drawn on it");
    }
    assertTrue(full.contains("kafkapipeline.fakerdata: 40 rows"), full);
  }

  @Test
  void cqlshRunsTheReadmeQueriesAndPrintsRows() throws Exception {
    Engines engines = Engines.shared();
    applySchema(engines);
    insertRows(engines);
    List<String> queries = new ArrayList<>();
    Matcher m = README_CQLSH.matcher(Files.readString(root.resolve("README.md")));
    while (m.find()) queries.add(m.group(1));
    assertTrue(queries.size() >= 2, "README.md shows cqlsh queries: " + queries);
    for (String query : queries) {
      Run r =
          run(
              List.of(
                  venv.resolve("bin/cqlsh").toString(),
                  "127.0.0.1",
                  String.valueOf(engines.cassandra.nativePort()),
                  "-e",
                  query),
              Map.of(),
              Duration.ofSeconds(60));
      System.out.println("cqlsh -e \"" + query + "\"\n" + r.output);
      assertEquals(0, r.exit, () -> query + ":\n" + r.output);
      assertTrue(
          r.output.matches("(?s).*\\(\\d+ rows\\).*") && !r.output.contains("(0 rows)"),
          () -> query + ":\n" + r.output);
    }
  }

  private String executeNotebook(Engines engines, Path dir) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("CASSANDRA_HOST", "127.0.0.1");
    env.put("CASSANDRA_PORT", String.valueOf(engines.cassandra.nativePort()));
    env.put("FIGURE_DIR", dir.resolve("figures").toString());
    env.put("MPLBACKEND", "Agg");
    env.put("MPLCONFIGDIR", dir.resolve("mpl").toString());
    Run r =
        run(
            List.of(
                venv.resolve("bin/jupyter").toString(),
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.timeout=180",
                "--output-dir",
                dir.toString(),
                "--output",
                "pipeline.ipynb",
                root.resolve("deploy/data-vis/pipeline.ipynb").toString()),
            env,
            Duration.ofMinutes(4));
    assertEquals(0, r.exit, () -> "the notebook failed:\n" + r.output);
    return Files.readString(dir.resolve("pipeline.ipynb"));
  }

  /** The silos' schema (the statements a silo applies), so this test needs no silo. */
  static void applySchema(Engines engines) {
    for (String statement :
        kafkapipeline.grains.cassandra.Schema.statements(
            kafkapipeline.grains.cassandra.Schema.replication("datacenter1", 1))) {
      engines.session.execute(
          SimpleStatement.newInstance(statement).setTimeout(Duration.ofSeconds(30)));
    }
  }

  /** Weather for 3 cities, 60 edits on 3 wikis over an hour, 40 people in 4 countries. */
  static void insertRows(Engines engines) {
    Instant now = Instant.parse("2026-01-15T12:00:00Z");
    List<String> cities = List.of("hanoi,vn", "oslo,no", "lima,pe");
    for (int c = 0; c < cities.size(); c++) {
      for (int h = 0; h < 6; h++) {
        engines.session.execute(
            "INSERT INTO kafkapipeline.weatherreport (location, forecastdate, description, temp, humidity) VALUES (?, ?, ?, ?, ?)",
            cities.get(c),
            now.minus(Duration.ofHours(h)),
            "clear sky",
            (float) (28 - 12 * c + h),
            (float) (60 + 5 * h + 8 * c));
      }
    }
    List<String> wikis = List.of("enwiki", "dewiki", "viwiki");
    for (int i = 0; i < 60; i++) {
      engines.session.execute(
          "INSERT INTO kafkapipeline.wikipediadata (wiki, event_id, id, type, title, timestamp, bot) VALUES (?, ?, ?, ?, ?, ?, ?)",
          wikis.get(i % 3),
          "data-vis-" + i,
          (long) i,
          "edit",
          "Page " + i,
          now.minus(Duration.ofMinutes(i)),
          i % 5 == 0);
    }
    List<String> countries = List.of("Vietnam", "Norway", "Peru", "Vietnam");
    for (int i = 0; i < 40; i++) {
      engines.session.execute(
          "INSERT INTO kafkapipeline.fakerdata (id, name, country, gender, year) VALUES (?, ?, ?, ?, ?)",
          UUID.nameUUIDFromBytes(("data-vis-" + i).getBytes(StandardCharsets.UTF_8)),
          "Person " + i,
          countries.get(i % 4),
          i % 2 == 0 ? "female" : "male",
          1950 + i);
    }
  }

  private static Run run(List<String> command, Map<String, String> env, Duration timeout)
      throws Exception {
    Path log = Files.createTempFile("data-vis-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(
          command.get(0)
              + " did not finish within "
              + timeout.toSeconds()
              + " s:\n"
              + Files.readString(log));
    }
    String output = Files.readString(log);
    Files.delete(log);
    return new Run(p.exitValue(), output);
  }
}
