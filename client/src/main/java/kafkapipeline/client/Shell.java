package kafkapipeline.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The interactive shell: line editing, history kept in {@code ~/.pipeline_client_history}, tab
 * completion of commands, tables and source names ({@link Completion}). A failed command prints its
 * message and the shell goes on; {@code exit}, Ctrl-D or Ctrl-C ends it.
 */
final class Shell {
  private static final DefaultParser PARSER = new DefaultParser();

  private Shell() {}

  static int run(Commands commands, InputStream in, PrintStream out) {
    out.println("pipeline client: type help for the commands, exit to leave");
    // A person at a console gets line editing, history and completion; piped input (a script,
    // a test) is read line by line, because a terminal emulation over a pipe echoes and buffers.
    if (in == System.in && System.console() != null) return interactive(commands);
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!runLine(commands, line)) return Commands.OK;
      }
      return Commands.OK;
    } catch (IOException e) {
      System.err.println("cannot read the input: " + e.getMessage());
      return Commands.BAD_INPUT;
    }
  }

  private static int interactive(Commands commands) {
    try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
      LineReader reader =
          LineReaderBuilder.builder()
              .terminal(terminal)
              .appName("pipeline")
              .variable(
                  LineReader.HISTORY_FILE,
                  Path.of(System.getProperty("user.home"), ".pipeline_client_history"))
              .completer(new Completion(commands))
              .build();
      while (true) {
        String line;
        try {
          line = reader.readLine("pipeline> ");
        } catch (UserInterruptException | EndOfFileException e) {
          return Commands.OK;
        }
        if (!runLine(commands, line)) return Commands.OK;
      }
    } catch (IOException e) {
      System.err.println("cannot open the terminal: " + e.getMessage());
      return Commands.BAD_INPUT;
    }
  }

  /**
   * Runs one line's command; false if the line asks to leave. Words are split as the interactive
   * reader splits them (jline's parser), so a quoted {@code "New York,US"} is one word there and in
   * piped input alike; a line with an unclosed quote is refused.
   */
  static boolean runLine(Commands commands, String line) {
    List<String> words;
    try {
      words = PARSER.parse(line, line.length(), Parser.ParseContext.ACCEPT_LINE).words();
    } catch (SyntaxError e) {
      commands.bad("cannot read the line: " + e.getMessage());
      return true;
    }
    words = words.stream().filter(w -> !w.isEmpty()).toList();
    if (words.isEmpty()) return true;
    if (words.get(0).equals("exit") || words.get(0).equals("quit")) return false;
    commands.run(words);
    return true;
  }
}
