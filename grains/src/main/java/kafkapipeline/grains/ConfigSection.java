package kafkapipeline.grains;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * One component's section of the configuration (say {@code pipeline.sources.faker}), read key by
 * key, and the checks its settings records make of what was read.
 *
 * <p>Guarantees: every failure is an {@link IllegalArgumentException} whose message begins with the
 * setting's full path ({@code pipeline.sources.faker.rate ...}), whether the key is missing, of the
 * wrong type (a word where a number belongs, a number past an int) or out of its range. Nothing is
 * read lazily: a settings record built through a section has been checked whole.
 */
public final class ConfigSection {
  private final Config root;
  private final String path;

  private ConfigSection(Config root, String path) {
    this.root = root;
    this.path = path;
  }

  /** Section {@code path} (full, from the root) of {@code root}. */
  public static ConfigSection of(Config root, String path) {
    return new ConfigSection(root, path);
  }

  /** The full path of {@code key} in this section: the name errors give. */
  public String path(String key) {
    return path + "." + key;
  }

  public String string(String key) {
    return read(key, "a string", () -> root.getString(path(key)));
  }

  public boolean bool(String key) {
    return read(key, "true or false", () -> root.getBoolean(path(key)));
  }

  public int integer(String key) {
    return read(key, "a whole number", () -> root.getInt(path(key)));
  }

  public long longInteger(String key) {
    return read(key, "a whole number", () -> root.getLong(path(key)));
  }

  public double number(String key) {
    return read(key, "a number", () -> root.getDouble(path(key)));
  }

  public Duration duration(String key) {
    return read(key, "a duration (100ms, 5s, 2m)", () -> root.getDuration(path(key)));
  }

  /** A size ({@code 512KiB}, {@code 4194304}) that must fit an int: buffers are indexed by int. */
  public int bytes(String key) {
    long bytes = read(key, "a size (4KiB, 1MiB)", () -> root.getBytes(path(key)));
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          path(key) + " must be at most " + Integer.MAX_VALUE + " bytes, was " + bytes);
    }
    return (int) bytes;
  }

  private <T> T read(String key, String what, Supplier<T> get) {
    try {
      return get.get();
    } catch (ConfigException e) {
      // Typesafe's own message names the origin (file and line) too: keep it after ours.
      throw new IllegalArgumentException(path(key) + " must be " + what + ": " + e.getMessage(), e);
    }
  }

  /** {@code value}, if above zero; else an error naming {@code path}. */
  public static Duration positive(Duration value, String path) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(path + " must be positive, was " + value);
    }
    return value;
  }

  /** {@code value}, if from {@code min} to {@code max}; else an error naming {@code path}. */
  public static long between(long value, long min, long max, String path) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          path
              + " must be "
              + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                  ? ">= " + min
                  : "from " + min + " to " + max)
              + ", was "
              + value);
    }
    return value;
  }

  /** {@code value}, if {@code >= min}; else an error naming {@code path}. */
  public static long atLeast(long value, long min, String path) {
    return between(value, min, Long.MAX_VALUE, path);
  }

  /** {@code value}, if it holds more than blanks; else an error naming {@code path}. */
  public static String nonBlank(String value, String path) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(path + " must not be empty");
    }
    return value;
  }
}
