package kafkapipeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about this machine for the report; never throws (an unknown figure reads as -1). */
final class Machine {
  private Machine() {}

  /** Total memory in GiB from {@code /proc/meminfo}, rounded to one decimal, or -1. */
  static double ramGb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0 * 10)
              / 10.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }
}
