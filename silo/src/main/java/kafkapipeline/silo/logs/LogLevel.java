package kafkapipeline.silo.logs;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The log levels a line can have, lowest first: a filter at a level keeps it and those above. */
public enum LogLevel {
  TRACE,
  DEBUG,
  INFO,
  WARN,
  ERROR;

  /** Every level's name, lowest first, for messages that say what is allowed. */
  public static final String NAMES =
      Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));

  /**
   * {@code text} as a level: a name in any ASCII case, nothing around it; empty if it names none.
   */
  public static Optional<LogLevel> parse(String text) {
    // Only ASCII: Unicode case rules would also take "ınfo" (dotless i) for INFO.
    if (!text.chars().allMatch(c -> c < 128)) return Optional.empty();
    String name = text.toUpperCase(Locale.ROOT);
    for (LogLevel level : values()) if (level.name().equals(name)) return Optional.of(level);
    return Optional.empty();
  }

  /** Whether a line at this level passes a filter at {@code min}. */
  public boolean atLeast(LogLevel min) {
    return compareTo(min) >= 0;
  }
}
