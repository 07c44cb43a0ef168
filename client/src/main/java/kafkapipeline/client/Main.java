package kafkapipeline.client;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./pipeline client [--silo URL]... [command args]}: one command, or with none an
 * interactive shell; {@code --help} is {@code help}. Silos default to 127.0.0.1:8080, :8081 and
 * :8082, tried in order.
 */
public final class Main {
  static final List<String> DEFAULT_SILOS =
      List.of("http://127.0.0.1:8080", "http://127.0.0.1:8081", "http://127.0.0.1:8082");

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.in, System.out, System.err));
  }

  /**
   * Runs the client as from the command line and returns its exit code; the shell (no command
   * given) reads its lines from {@code in}, through the real terminal when {@code in} is the
   * process's console.
   */
  public static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
    List<String> silos = new ArrayList<>();
    int i = 0;
    while (i < args.size() && args.get(i).startsWith("--silo")) {
      String arg = args.get(i);
      if (arg.startsWith("--silo=")) {
        silos.add(arg.substring("--silo=".length()));
        i++;
      } else if (arg.equals("--silo") && i + 1 < args.size()) {
        silos.add(args.get(i + 1));
        i += 2;
      } else {
        err.println("--silo needs a URL, e.g. --silo http://127.0.0.1:8080");
        return Commands.BAD_INPUT;
      }
    }
    for (String silo : silos) {
      if (!silo.matches("https?://[^/\\s]+/?")) {
        err.println("--silo needs a URL like http://127.0.0.1:8080, got '" + silo + "'");
        return Commands.BAD_INPUT;
      }
    }
    Commands commands =
        new Commands(new SiloClient(silos.isEmpty() ? DEFAULT_SILOS : silos), out, err);
    List<String> command = args.subList(i, args.size());
    if (command.equals(List.of("--help")) || command.equals(List.of("-h")))
      command = List.of("help");
    return command.isEmpty() ? Shell.run(commands, in, out) : commands.run(command);
  }
}
