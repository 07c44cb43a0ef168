package kafkapipeline.tests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import kafkapipeline.launcher.Ports;
import kafkapipeline.launcher.SiloProcess;

/**
 * Makes the launcher's class-data archive for silos before a test starts its first silo: one silo
 * with no server reachable is started, answers HTTP, and is stopped, and the launcher publishes the
 * classes it loaded ({@code ClassDataArchives}). Without this the first silo a test stopped paid
 * for the dump: on a clean clone, 23 s for a graceful stop that takes 4 s, long enough for {@code
 * FakerEndToEndTest}'s stream to end before its restart. Once per JVM, about 12 s; where an archive
 * of this build exists already the silo maps it and nothing is dumped.
 */
final class ClassDataWarmup {
  private static boolean done;

  private ClassDataWarmup() {}

  static synchronized void ensure(Path logsDir) {
    if (done) return;
    done = true;
    int http = Ports.freePort();
    int remoting = Ports.freePort();
    SiloProcess silo =
        SiloProcess.start(
            SiloProcess.Options.of("class-data-warmup", http, logsDir.resolve("class-data-warmup"))
                .withEnv(
                    Map.of(
                        "HTTP_PORT",
                        String.valueOf(http),
                        "SILO_PORT",
                        String.valueOf(remoting),
                        "SEED_NODES",
                        Ports.HOST + ":" + remoting,
                        // Nobody listens there: the silo starts its API and keeps retrying the
                        // servers.
                        "KAFKA_BOOTSTRAP_SERVERS",
                        Ports.HOST + ":" + Ports.freePort(),
                        "CASSANDRA_CONTACT_POINTS",
                        Ports.HOST + ":" + Ports.freePort(),
                        "WIKIPEDIA_ENABLED",
                        "false",
                        "FAKER_RATE",
                        "0")));
    try {
      // Any answer will do (503 while the servers are missing): the API's classes are loaded.
      Await.until(
          Duration.ofSeconds(120),
          () -> answers(http),
          () -> "the warm-up silo's API does not answer");
    } finally {
      silo.stop(); // the launcher waits for the dump and publishes it
    }
  }

  private static boolean answers(int port) {
    try {
      SiloHttp.get(port, "/api/health");
      return true;
    } catch (AssertionError notYet) {
      return false;
    }
  }
}
