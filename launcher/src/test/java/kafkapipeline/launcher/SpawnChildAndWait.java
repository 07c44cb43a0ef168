package kafkapipeline.launcher;

import java.nio.file.Path;

/**
 * Test helper run in a child JVM: starts a grandchild ({@link SleepForever}) as a managed process
 * with exit-with-parent on, prints {@code grandchild-pid=<pid>}, then sleeps until killed.
 */
public final class SpawnChildAndWait {
  private SpawnChildAndWait() {}

  public static void main(String[] args) throws InterruptedException {
    ManagedProcess child =
        ManagedProcess.start(
            new ProcessSpec("grandchild", SleepForever.class.getName())
                .classpath(ManagedProcessTest.ownClasspath())
                .logFile(Path.of(args[0])));
    System.out.println("grandchild-pid=" + child.pid());
    Thread.sleep(Long.MAX_VALUE);
  }
}
