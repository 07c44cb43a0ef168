package kafkapipeline.client;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names {@code add-city} is given: each argument is one name ({@code "New York,US"} quoted),
 * and {@code --file FILE} (or {@code --file=FILE}) adds a file's names, one a line, blank lines and
 * lines starting with {@code #} skipped. Names are stripped; a name given twice (by its city id:
 * case and the spaces around the comma aside) is kept once, where it came first.
 *
 * <p>Pure but for reading the files: either every name is good, or {@link Names#problems} says each
 * bad one (with its file and line) and nothing may be sent.
 */
final class CityInput {
  /** The most names one run takes; a larger file is refused before anything is sent. */
  static final int MAX_NAMES = 100_000;

  private static final int MAX_PROBLEMS_SHOWN = 20;

  /**
   * @param names the names to add, each once, in their first order
   * @param duplicates how many names were dropped as given before
   * @param problems why the input cannot be sent, one a line; empty when it can
   */
  record Names(List<String> names, int duplicates, List<String> problems) {}

  private CityInput() {}

  static Names read(List<String> args) {
    Map<String, String> byId = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    int given = 0;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String file = null;
      if (arg.equals("--file")) {
        if (i + 1 == args.size()) {
          problems.add("--file needs a file name: --file cities.txt");
          break;
        }
        file = args.get(++i);
      } else if (arg.startsWith("--file=")) file = arg.substring("--file=".length());
      if (file == null) {
        given++;
        add(byId, problems, arg, "'" + arg + "'");
        continue;
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        problems.add("cannot read " + file + ": no such file");
        continue;
      } catch (CharacterCodingException e) {
        problems.add("cannot read " + file + ": not UTF-8 text");
        continue;
      } catch (IOException | InvalidPathException e) {
        problems.add("cannot read " + file + ": " + e.getMessage());
        continue;
      }
      for (int n = 0; n < lines.size(); n++) {
        String line = lines.get(n).strip();
        if (line.isEmpty() || line.startsWith("#")) continue;
        given++;
        add(byId, problems, line, file + ":" + (n + 1));
      }
    }
    if (given == 0 && problems.isEmpty())
      problems.add("usage: add-city NAME[,CC]... or add-city --file FILE (one name a line)");
    if (byId.size() > MAX_NAMES)
      problems.add(byId.size() + " names: at most " + MAX_NAMES + " in one run");
    if (problems.size() > MAX_PROBLEMS_SHOWN) {
      int more = problems.size() - MAX_PROBLEMS_SHOWN;
      problems = new ArrayList<>(problems.subList(0, MAX_PROBLEMS_SHOWN));
      problems.add("and " + more + " more");
    }
    return new Names(List.copyOf(byId.values()), given - byId.size(), problems);
  }

  private static void add(
      Map<String, String> byId, List<String> problems, String raw, String where) {
    String problem = Commands.cityProblem(raw);
    if (problem != null) {
      problems.add(where + ": " + problem);
      return;
    }
    String name = raw.strip();
    byId.putIfAbsent(Commands.cityId(name), name);
  }
}
