package kafkapipeline.launcher;

/**
 * Any failure of the launcher: a project that is not built, a port that is taken, a process that
 * died or did not become ready in time, a stop that did not complete.
 *
 * <p>The message is written for the person at the terminal: it says what failed, why, and where to
 * look (for a dead process, the last lines of its log are part of the message), so a command line
 * tool can print {@link #getMessage()} alone and exit.
 */
public class LaunchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LaunchException(String message) {
    super(message);
  }

  public LaunchException(String message, Throwable cause) {
    super(message, cause);
  }
}
