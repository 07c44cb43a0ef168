package kafkapipeline.grains.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfig;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsistencyTest {
  private static final Set<DefaultConsistencyLevel> REFUSED =
      EnumSet.of(
          DefaultConsistencyLevel.ANY,
          DefaultConsistencyLevel.SERIAL,
          DefaultConsistencyLevel.LOCAL_SERIAL);

  @Test
  void everyLevelNameIsTakenInAnyCaseExceptTheSerialOnesAndAny() {
    for (DefaultConsistencyLevel level : DefaultConsistencyLevel.values()) {
      for (String name :
          new String[] {level.name(), level.name().toLowerCase(), " " + level.name() + " "}) {
        if (REFUSED.contains(level)) {
          IllegalArgumentException w =
              assertThrows(
                  IllegalArgumentException.class, () -> Consistency.writeLevel(name, "p.write"));
          assertTrue(
              w.getMessage().startsWith("p.write: " + level + " makes no sense for writes"),
              w.getMessage());
          IllegalArgumentException r =
              assertThrows(
                  IllegalArgumentException.class, () -> Consistency.readLevel(name, "p.read"));
          assertTrue(
              r.getMessage().startsWith("p.read: " + level + " makes no sense for reads"),
              r.getMessage());
        } else {
          assertEquals(level, Consistency.writeLevel(name, "p.write"));
          assertEquals(level, Consistency.readLevel(name, "p.read"));
        }
      }
    }
  }

  @Test
  void aNameThatIsNoLevelIsRefusedWithThePathAndTheChoices() {
    for (String bad : new String[] {"", "QUORUMS", "LOCAL-QUORUM", "2"}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Consistency.writeLevel(bad, "pipeline.cassandra.write-consistency"));
      assertEquals(
          "pipeline.cassandra.write-consistency: '"
              + bad
              + "' is not a consistency level; one of "
              + "ONE, TWO, THREE, QUORUM, ALL, LOCAL_ONE, LOCAL_QUORUM, EACH_QUORUM",
          e.getMessage());
    }
  }

  @Test
  void theDefaultProfileWritesAndTheReadProfileReadsAtTheConfiguredLevels() {
    DriverConfigLoader loader =
        Consistency.configure(
                DriverConfigLoader.programmaticBuilder(),
                new Consistency.Levels(DefaultConsistencyLevel.ALL, DefaultConsistencyLevel.TWO))
            .build();
    DriverConfig config = loader.getInitialConfig();
    assertEquals(
        "ALL", config.getDefaultProfile().getString(DefaultDriverOption.REQUEST_CONSISTENCY));
    assertEquals(
        "LOCAL_SERIAL",
        config.getDefaultProfile().getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY));
    assertEquals(
        "TWO",
        config.getProfile(Consistency.READ).getString(DefaultDriverOption.REQUEST_CONSISTENCY));
    assertEquals(
        "LOCAL_SERIAL",
        config
            .getProfile(Consistency.READ)
            .getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY));
    loader.close();
  }

  @Test
  void readsNameTheReadProfileAndSerialReadsAreLocalSerial() {
    SimpleStatement s = SimpleStatement.newInstance("SELECT 1");
    assertEquals(Consistency.READ, Consistency.read(s).getExecutionProfileName());
    assertEquals(
        DefaultConsistencyLevel.LOCAL_SERIAL, Consistency.serialRead(s).getConsistencyLevel());
  }
}
