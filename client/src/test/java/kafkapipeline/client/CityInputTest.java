package kafkapipeline.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The names add-city is given: arguments and files, trimmed, each once, every bad one named. */
class CityInputTest {
  @TempDir Path dir;

  @Test
  void argumentsAndFilesMixTrimmedAndEachOnce() throws IOException {
    Path file = dir.resolve("cities.txt");
    Files.writeString(file, "#comment\n\n   \nLima,PE\n  hanoi , VN \r\nOslo\n# Oslo\n");
    CityInput.Names names =
        CityInput.read(List.of("Hanoi,VN", "--file", file.toString(), "--file=" + file, "Rome,IT"));
    assertEquals(List.of("Hanoi,VN", "Lima,PE", "Oslo", "Rome,IT"), names.names());
    assertEquals(4, names.duplicates()); // hanoi once from the file, Lima, hanoi, Oslo twice
    assertEquals(List.of(), names.problems());
  }

  @Test
  void everyBadLineIsNamedAndNothingIsKept() throws IOException {
    Path file = dir.resolve("bad.txt");
    Files.writeString(file, "Hanoi,VN\nLon\"don\n\n" + "x".repeat(101) + "\n");
    CityInput.Names names =
        CityInput.read(
            List.of("--file", file.toString(), "--file", dir.resolve("none").toString()));
    assertEquals(
        List.of(
            file + ":2: city name contains a quote character",
            file + ":4: city name is longer than 100 characters",
            "cannot read " + dir.resolve("none") + ": no such file"),
        names.problems());
    assertEquals(
        List.of("usage: add-city NAME[,CC]... or add-city --file FILE (one name a line)"),
        CityInput.read(List.of()).problems());
    assertEquals(
        List.of("--file needs a file name: --file cities.txt"),
        CityInput.read(List.of("--file")).problems());
  }
}
