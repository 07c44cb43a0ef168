package kafkapipeline.client;

import java.util.ArrayList;
import java.util.List;
import org.jline.builtins.Completers;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * The shell's tab completion: the first word is a command (or {@code exit}); after {@code rows} the
 * tables and after {@code remove-source} the source names, both asked of the silo at each
 * completion (so a source added at run time completes at once, and none are offered when no silo
 * answers); after {@code add-source} a file name.
 */
final class Completion implements Completer {
  private final Commands commands;
  private final Completer files = new Completers.FileNameCompleter();

  Completion(Commands commands) {
    this.commands = commands;
  }

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    for (String value : values(line.words(), line.wordIndex()))
      candidates.add(new Candidate(value));
    if (line.wordIndex() == 1 && line.words().get(0).equals("add-source"))
      files.complete(reader, line, candidates);
  }

  /** The words offered at word {@code index} of {@code words}, file names aside. */
  List<String> values(List<String> words, int index) {
    List<String> values = new ArrayList<>();
    if (index == 0) {
      commands.all().forEach(c -> values.add(c.name()));
      values.add("exit");
    } else if (index == 1 && words.get(0).equals("rows")) {
      values.addAll(commands.sources().current("table"));
    } else if (index == 1 && words.get(0).equals("remove-source")) {
      values.addAll(commands.sources().current("name"));
    } else if ((index == 2 && words.get(0).equals("rows"))
        || (index == 1 && words.get(0).equals("dead-letters"))) {
      values.add("--limit");
    }
    return values;
  }
}
