package kafkapipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineCliTest {
  private static final Path DEFAULT = Path.of("/tmp/default-data");

  @Test
  void defaultsAreTwoSilosAndTheProjectDataFolder() {
    assertEquals(new PipelineCli.UpOptions(2, DEFAULT, false), PipelineCli.parseUp(List.of(), DEFAULT));
  }

  @Test
  void optionsAreRead() {
    PipelineCli.UpOptions o = PipelineCli.parseUp(List.of("--silos", "3", "--data", "/tmp/x", "--fresh"), DEFAULT);
    assertEquals(new PipelineCli.UpOptions(3, Path.of("/tmp/x"), true), o);
    assertEquals(5, PipelineCli.parseUp(List.of("--silos=5"), DEFAULT).silos());
  }

  @Test
  void badOptionsSayWhatIsWrong() {
    assertEquals(
        "--silos needs a whole number from 1 to 16, got 'two'",
        assertThrows(PipelineCli.UsageException.class, () -> PipelineCli.parseUp(List.of("--silos", "two"), DEFAULT)).getMessage());
    assertEquals(
        "--silos needs a whole number from 1 to 16, got 17",
        assertThrows(PipelineCli.UsageException.class, () -> PipelineCli.parseUp(List.of("--silos", "17"), DEFAULT)).getMessage());
    assertEquals(
        "--data needs a value",
        assertThrows(PipelineCli.UsageException.class, () -> PipelineCli.parseUp(List.of("--data"), DEFAULT)).getMessage());
    assertTrue(
        assertThrows(PipelineCli.UsageException.class, () -> PipelineCli.parseUp(List.of("--silo", "2"), DEFAULT))
            .getMessage().startsWith("unknown option '--silo'"));
  }

  @Test
  void freshEmptiesOnlyAPipelineDataFolder(@TempDir Path tmp) throws Exception {
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("precious.txt"), "keep me");
    assertThrows(PipelineCli.UsageException.class, () -> PipelineCli.prepareDataDir(foreign, true));
    assertTrue(Files.exists(foreign.resolve("precious.txt")));

    Path ours = tmp.resolve("ours");
    PipelineCli.prepareDataDir(ours, false);
    Files.createDirectories(ours.resolve("cassandra/data"));
    Files.writeString(ours.resolve("cassandra/data/rows"), "old rows");
    PipelineCli.prepareDataDir(ours, false);
    assertTrue(Files.exists(ours.resolve("cassandra/data/rows")), "data survives a second up");
    PipelineCli.prepareDataDir(ours, true);
    assertTrue(Files.notExists(ours.resolve("cassandra")), "--fresh empties it");
    assertTrue(Files.exists(ours.resolve(".pipeline-data")));
  }
}
