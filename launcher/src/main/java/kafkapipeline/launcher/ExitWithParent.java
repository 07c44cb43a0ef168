package kafkapipeline.launcher;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs in the child JVM, not in the launcher: a main class that starts a daemon thread watching the
 * launcher process, then calls the real main class. When the launcher is gone (even killed with
 * SIGKILL, when its shutdown hook cannot run) the child exits through {@link System#exit}, so the
 * server still shuts down cleanly; if its shutdown takes longer than {@value #HALT_AFTER_SECONDS}
 * s, the JVM is halted.
 *
 * <p>Usage: {@code java -Dkafkapipeline.launcher.parentPid=<pid>
 * kafkapipeline.launcher.ExitWithParent <main class> [args...]}. Without the property it only
 * delegates.
 *
 * <p>{@link WatchdogJar} packs this class file alone into a small jar on the child's classpath, so
 * it must stay a single class with no nested or anonymous classes and no dependency beyond the JDK.
 */
public final class ExitWithParent {

  /** System property holding the pid of the process whose end must end this JVM. */
  public static final String PARENT_PID_PROPERTY = "kafkapipeline.launcher.parentPid";

  private static final int HALT_AFTER_SECONDS = 60;

  private ExitWithParent() {}

  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      System.err.println("usage: ExitWithParent <main class> [args...]");
      System.exit(2);
    }
    long parentPid = Long.getLong(PARENT_PID_PROPERTY, -1L);
    if (parentPid > 0) {
      Thread watcher = new Thread(() -> watch(parentPid), "exit-with-parent");
      watcher.setDaemon(true);
      watcher.start();
    }
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void watch(long parentPid) {
    // The owner is usually the parent, but a silo added to a running cluster belongs to the
    // ./pipeline up process, which is not its parent: watch the pid itself.
    while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
    System.err.println(
        "[exit-with-parent] launcher process " + parentPid + " is gone: shutting down");
    Thread halter =
        new Thread(
            () -> {
              try {
                Thread.sleep(HALT_AFTER_SECONDS * 1000L);
              } catch (InterruptedException e) {
                // halt anyway
              }
              Runtime.getRuntime().halt(137);
            },
            "exit-with-parent-halt");
    halter.setDaemon(true);
    halter.start();
    System.exit(143);
  }
}
