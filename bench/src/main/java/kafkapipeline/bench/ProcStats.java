package kafkapipeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of one process, read from Linux {@code /proc}.
 *
 * <p>Guarantees: never throws; a process that is gone (or a system without procfs) reads as -1. CPU
 * time is user plus system time, in microseconds, taken from {@code /proc/<pid>/stat} fields 14 and
 * 15 at {@value #TICKS_PER_SECOND} clock ticks per second (Linux's USER_HZ on x86 and arm).
 */
public final class ProcStats {
  static final long TICKS_PER_SECOND = 100;

  private ProcStats() {}

  /** utime + stime of {@code pid} in microseconds, or -1. */
  public static long cpuMicros(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may hold spaces: the fields after it follow the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
      return ticks * (1_000_000 / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * CPU time all processes of the machine used (user, nice, system, irq, softirq, steal), in µs, or
   * -1.
   */
  public static long machineBusyMicros() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long ticks = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) ticks += Long.parseLong(f[i]);
      return ticks * (1_000_000 / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Resident memory ({@code VmRSS}) of {@code pid} in KiB, or -1. */
  public static long rssKb(long pid) {
    return statusKb(pid, "VmRSS:");
  }

  /** Peak resident memory since the process started ({@code VmHWM}) in KiB, or -1. */
  public static long peakRssKb(long pid) {
    return statusKb(pid, "VmHWM:");
  }

  private static long statusKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field)) return Long.parseLong(line.replaceAll("\\D", ""));
      }
    } catch (IOException | RuntimeException e) {
      // gone, or no procfs
    }
    return -1;
  }
}
