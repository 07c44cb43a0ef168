package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kafkapipeline.api.sources.AddressRule;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.silo.sources.SourceFiles;
import kafkapipeline.silo.sources.SourceRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code SOURCES_DIR}: the files a silo adds at start, checked with its settings. */
class SourceFilesTest {
  private static final Path EXAMPLE = Path.of("..", "deploy", "sources", "spacex-launches.json");

  @Test
  void theShippedExampleIsAValidSourceAndNoFolderIsNoSource(@TempDir Path dir) throws Exception {
    Files.copy(EXAMPLE, dir.resolve("spacex-launches.json"));
    Files.writeString(dir.resolve("notes.txt"), "not a source: only *.json files are read");
    List<SourceSpec> specs = SourceFiles.read(dir, AddressRule.publicOnly()).specs();
    assertEquals(1, specs.size());
    assertEquals("launches", specs.get(0).name());
    assertEquals("launches", specs.get(0).tableOrName());
    assertEquals(
        List.of(),
        SourceFiles.fromConfig(
                ConfigFactory.parseMap(Map.of(SourceFiles.PATH, "")), AddressRule.publicOnly())
            .specs());
  }

  @Test
  void aFileClashesWithStoredSourcesAndInternalTablesButNotWithTheSourceItReplaces(
      @TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("launches.json"),
        Files.readString(EXAMPLE)
            .replace("\"name\": \"launches\",", "\"name\": \"launches\", \"topic\": \"t.x\","));
    var file = SourceFiles.read(dir, AddressRule.publicOnly()).files().get(0);
    assertEquals("launches.json", file.fileName());
    SourceSpec spec = file.spec();
    assertEquals(
        List.of(), SourceFiles.clashes(spec, new SourceInfo("launches", "other", "other")));
    assertEquals(
        List.of("source 'launches': topic 't.x' clashes with topic 't_x' of source 'b'"),
        SourceFiles.clashes(spec, new SourceInfo("b", "t_x", "b")));
    // The internal tables are reserved as for a POST: sources, source_claims, cities ...
    List<String> tables = SourceRegistry.reserved().stream().map(SourceInfo::table).toList();
    assertTrue(
        tables.containsAll(List.of("sources", "source_claims", "cities", "fakerdata")),
        tables.toString());
  }

  @Test
  void aBadFileStopsTheStartNamingTheFileAndEveryProblem(@TempDir Path dir) throws Exception {
    String example = Files.readString(EXAMPLE);
    Files.writeString(dir.resolve("a.json"), example);
    // the same table as a built-in source, and a second file with the first one's name
    Files.writeString(
        dir.resolve("b.json"),
        example.replace("\"name\": \"launches\",", "\"name\": \"b\", \"table\": \"fakerdata\","));
    Files.writeString(dir.resolve("c.json"), example);
    Files.writeString(dir.resolve("d.json"), "{\"name\": ");
    // too large to be read at all, and a folder named like a file
    Files.writeString(dir.resolve("e.json"), " ".repeat(1024 * 1024 + 1));
    Files.createDirectory(dir.resolve("f.json"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SourceFiles.read(dir, AddressRule.publicOnly()));
    String m = e.getMessage();
    assertTrue(m.startsWith(SourceFiles.PATH), m);
    assertTrue(m.contains("b.json: ") && m.contains("fakerdata"), m);
    assertTrue(m.contains("c.json: ") && m.contains("'launches' is already a source"), m);
    assertTrue(m.contains("d.json: "), m);
    assertTrue(m.contains("e.json: 1048577 bytes, at most 1048576"), m);
    assertTrue(m.contains("f.json: cannot read it"), m);
    assertTrue(!m.contains("a.json"), m);
  }

  @Test
  void aMissingFolderIsRefusedWithItsPath(@TempDir Path dir) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SourceFiles.read(dir.resolve("missing"), AddressRule.publicOnly()));
    assertTrue(e.getMessage().startsWith(SourceFiles.PATH + " must be a folder"), e.getMessage());
  }
}
