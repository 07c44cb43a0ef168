package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Section pipeline.sources.access: defaults, and a bad value failing the start by its path. */
class SourceAccessSettingsTest {
  private static SourceAccessSettings of(String dir, String networks) {
    return SourceAccessSettings.fromConfig(
        ConfigFactory.parseMap(
            Map.of(
                SourceAccessSettings.PATH + ".secrets-dir", dir,
                SourceAccessSettings.PATH + ".allowed-networks", networks)));
  }

  @Test
  void emptyIsPublicOnlyWithoutAFolder(@TempDir Path dir) {
    SourceAccessSettings none = of("", "");
    assertEquals(Optional.empty(), none.secretsDir());
    assertEquals(0, none.addresses().allowed().size());
    SourceAccessSettings some = of(dir.toString(), "127.0.0.0/8, ::1/128");
    assertEquals(Optional.of(dir), some.secretsDir());
    assertEquals(2, some.addresses().allowed().size());
  }

  @Test
  void aBadValueNamesTheSetting(@TempDir Path dir) {
    String bad =
        assertThrows(IllegalArgumentException.class, () -> of("", "127.0.0.0/8, 10.0.0.0/40"))
            .getMessage();
    assertTrue(
        bad.startsWith(
            "pipeline.sources.access.allowed-networks (SOURCES_ALLOWED_NETWORKS, comma-separated"
                + " CIDRs such as 127.0.0.0/8): '10.0.0.0/40' is not a CIDR"),
        bad);
    String folder =
        assertThrows(IllegalArgumentException.class, () -> of(dir.resolve("no").toString(), ""))
            .getMessage();
    assertTrue(
        folder.startsWith("pipeline.sources.access.secrets-dir (SOURCES_SECRETS_DIR)"), folder);
  }
}
