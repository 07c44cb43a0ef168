package kafkapipeline.grains.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import kafkapipeline.grains.ConfigSection;

/**
 * The consistency of every statement the pipeline sends, set in one place: the driver's execution
 * profiles ({@link #configure}). The default profile carries the write level, so every write,
 * unlogged batch and lightweight transaction goes out at it without naming it (nothing can be
 * forgotten into the driver's LOCAL_ONE); the lightweight transactions' serial phase is {@link
 * #SERIAL}. Reads name the {@link #READ} profile ({@link #read}); a read that forgets to goes out
 * at the write level, never below it. Reads of what a lightweight transaction decided go out at
 * {@link #SERIAL} ({@link #serialRead}).
 *
 * <p>The levels are checked once, at start ({@link #writeLevel}, {@link #readLevel}): a name that
 * is not a level, or a level that makes no sense for the use, fails with the setting's path.
 */
public final class Consistency {
  /** The execution profile of reads. */
  public static final String READ = "read";

  /**
   * The serial level of every lightweight transaction and serial read: a quorum of the local data
   * centre's replicas, so a lost remote data centre never blocks a claim.
   */
  public static final DefaultConsistencyLevel SERIAL = DefaultConsistencyLevel.LOCAL_SERIAL;

  /** The two configured levels, {@code pipeline.cassandra.write-consistency} and its read twin. */
  public record Levels(DefaultConsistencyLevel write, DefaultConsistencyLevel read) {
    public static final String PATH = "pipeline.cassandra";

    /** Reads and checks both levels of section {@value #PATH} of {@code config} (the whole one). */
    public static Levels fromConfig(Config config) {
      ConfigSection s = ConfigSection.of(config, PATH);
      return new Levels(
          writeLevel(s.string("write-consistency"), s.path("write-consistency")),
          readLevel(s.string("read-consistency"), s.path("read-consistency")));
    }
  }

  // SERIAL and LOCAL_SERIAL are the serial phase of a lightweight transaction, which Cassandra
  // refuses as a write's level and which cannot read more than one partition (the stores list
  // tables); ANY is acknowledged when the coordinator merely keeps a hint, so no replica need
  // hold a saved checkpoint, and Cassandra refuses it for reads.
  private static final Set<DefaultConsistencyLevel> NEVER =
      EnumSet.of(
          DefaultConsistencyLevel.SERIAL,
          DefaultConsistencyLevel.LOCAL_SERIAL,
          DefaultConsistencyLevel.ANY);

  private Consistency() {}

  /** The level of writes, from setting {@code path}. */
  public static DefaultConsistencyLevel writeLevel(String value, String path) {
    return level(value, path, "writes");
  }

  /** The level of reads, from setting {@code path}. */
  public static DefaultConsistencyLevel readLevel(String value, String path) {
    return level(value, path, "reads");
  }

  private static DefaultConsistencyLevel level(String value, String path, String use) {
    String name = value.strip().toUpperCase(Locale.ROOT);
    DefaultConsistencyLevel level;
    try {
      level = DefaultConsistencyLevel.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          path
              + ": '"
              + value
              + "' is not a consistency level; one of "
              + usable().stream().map(Enum::name).collect(Collectors.joining(", ")));
    }
    if (NEVER.contains(level)) {
      throw new IllegalArgumentException(
          path
              + ": "
              + level
              + " makes no sense for "
              + use
              + " (serial levels belong to lightweight transactions, which use "
              + SERIAL
              + "; ANY keeps a write only as a coordinator's hint); one of "
              + usable().stream().map(Enum::name).collect(Collectors.joining(", ")));
    }
    return level;
  }

  private static Set<DefaultConsistencyLevel> usable() {
    return Arrays.stream(DefaultConsistencyLevel.values())
        .filter(l -> !NEVER.contains(l))
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(DefaultConsistencyLevel.class)));
  }

  /** Puts the levels into a driver configuration: the default profile and {@link #READ}. */
  public static ProgrammaticDriverConfigLoaderBuilder configure(
      ProgrammaticDriverConfigLoaderBuilder builder, Levels levels) {
    return builder
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, levels.write().name())
        .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, SERIAL.name())
        .startProfile(READ)
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, levels.read().name())
        .endProfile();
  }

  /** The statement, to be sent at the read level. */
  public static <S extends Statement<S>> S read(S statement) {
    return statement.setExecutionProfileName(READ);
  }

  /**
   * The statement, to be sent as a serial read: it sees every lightweight transaction decided
   * before it (a plain read at a quorum may not, while a transaction is half done).
   */
  public static <S extends Statement<S>> S serialRead(S statement) {
    return statement.setConsistencyLevel((ConsistencyLevel) SERIAL);
  }
}
