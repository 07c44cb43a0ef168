package kafkapipeline.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Test helper run in a child JVM, a launcher that ends while its child still runs: starts {@link
 * SleepForever} from the jar {@code args[1]} with class data sharing into {@code args[0]} (log
 * {@code args[2]}), waits until it sleeps, then returns from main. The shutdown hook must stop the
 * child and keep its class data dump before this JVM is gone.
 */
public final class StartDumperAndExit {
  private StartDumperAndExit() {}

  public static void main(String[] args) {
    ManagedProcess child =
        ManagedProcess.start(
            new ProcessSpec("sleeper", SleepForever.class.getName())
                .classpath(List.of(Path.of(args[1])))
                .classDataSharing(ClassDataArchives.at(Path.of(args[0]), true))
                .logFile(Path.of(args[2])));
    child.awaitReady(
        () -> Files.readString(child.logFile()).contains("sleeping"), Duration.ofSeconds(30));
    System.out.println("child sleeping; exiting");
  }
}
