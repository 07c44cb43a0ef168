package kafkapipeline.silo.sources;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import kafkapipeline.api.sources.AddressRule;
import kafkapipeline.api.sources.InvalidSourceException;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.api.sources.SourceSpecs;

/**
 * The declarative sources given as files at start ({@value #PATH}, {@code SOURCES_DIR}): every
 * {@code *.json} file of the folder is one source, as {@code POST /api/sources} takes it. Read and
 * checked once, with the silo's other settings: a file that is not a valid source, or that takes
 * the name, topic or table of a built-in source or of another file, stops the silo's start with the
 * file and every problem named, and nothing is created. Valid ones are added (or replace the stored
 * source of the same name) when the pipeline starts, each checked then against the stored sources
 * and the pipeline's own tables ({@link #clashes}): one that clashes is logged with its file name
 * and skipped, the others still added.
 *
 * @param files the files' sources, in the order of their file names
 */
public record SourceFiles(List<File> files) {
  /** One file's source. */
  public record File(String fileName, SourceSpec spec) {}

  public static final String PATH = "pipeline.sources.declarative.dir";

  /** The largest file read as a source (the client's add-source takes no larger one either). */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  /**
   * Reads and checks the folder {@value #PATH} names (empty: no files), an IP literal in a URL
   * against {@code addresses} (a name is checked at every connection).
   */
  public static SourceFiles fromConfig(Config config, AddressRule addresses) {
    String dir = config.getString(PATH).strip();
    return dir.isEmpty() ? new SourceFiles(List.of()) : read(Path.of(dir), addresses);
  }

  /** The files' sources, in the order of their file names. */
  public List<SourceSpec> specs() {
    return files.stream().map(File::spec).toList();
  }

  /**
   * What {@code spec}, a file's source, would take from a stored source ({@code stored}) or from
   * the pipeline ({@link SourceRegistry#reserved}), as a POST is checked; a stored source of the
   * same name is the one the file replaces, so it is no clash. Empty: nothing clashes.
   */
  public static List<String> clashes(SourceSpec spec, SourceInfo stored) {
    if (stored.name().equals(spec.name())) return List.of();
    return SourceSpecs.conflicts(spec, List.of(stored));
  }

  /** Reads and checks every {@code *.json} file of {@code dir}. */
  public static SourceFiles read(Path dir, AddressRule addresses) {
    if (!Files.isDirectory(dir))
      throw new IllegalArgumentException(PATH + " must be a folder, was '" + dir + "'");
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalArgumentException(PATH + ": cannot list '" + dir + "': " + e.getMessage());
    }
    List<SourceInfo> taken = new ArrayList<>();
    for (BuiltInSource b : BuiltInSources.ALL) taken.add(b.info());
    List<File> specs = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path file : files) {
      try {
        if (Files.size(file) > MAX_FILE_BYTES) {
          problems.add(
              file.getFileName() + ": " + Files.size(file) + " bytes, at most " + MAX_FILE_BYTES);
          continue;
        }
        SourceSpec spec = SourceSpecs.parse(Files.readAllBytes(file));
        List<String> wrong = new ArrayList<>(SourceSpecs.problems(spec, addresses));
        if (wrong.isEmpty()) wrong.addAll(SourceSpecs.conflicts(spec, taken));
        if (wrong.isEmpty()) {
          specs.add(new File(file.getFileName().toString(), spec));
          taken.add(SourceRegistry.info(spec));
        } else {
          for (String w : wrong) problems.add(file.getFileName() + ": " + w);
        }
      } catch (InvalidSourceException e) {
        for (String w : e.problems()) problems.add(file.getFileName() + ": " + w);
      } catch (IOException e) {
        problems.add(file.getFileName() + ": cannot read it: " + e.getMessage());
      }
    }
    if (!problems.isEmpty())
      throw new IllegalArgumentException(
          PATH + " ('" + dir + "') holds invalid sources:\n  " + String.join("\n  ", problems));
    return new SourceFiles(List.copyOf(specs));
  }
}
