package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import kafkapipeline.api.sources.SecretRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading secret header values at poll time: the rule again, the folder only, no value leaked. */
class SecretHeadersTest {
  private static final Map<String, String> ENV =
      Map.of("HTTP_TOKEN", "silo-token", "SOURCE_SECRET_A", "a-value", "SOURCE_SECRET_CR", "x\ry");

  private static SecretHeaders.Read read(Map<String, String> headers, Optional<Path> dir) {
    return SecretHeaders.read(headers, ENV::get, dir);
  }

  private static String refused(Map<String, String> headers, Optional<Path> dir) {
    String reason = assertInstanceOf(SecretHeaders.Refused.class, read(headers, dir)).reason();
    assertTrue(!reason.contains("silo-token") && !reason.contains("a-value"), reason);
    return reason;
  }

  @Test
  void prefixedVariablesAndFolderFilesAreRead(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("b.key"), "  b-value\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-A", "SOURCE_SECRET_A");
    headers.put("X-B", "file:b.key");
    assertEquals(
        Map.of("X-A", "a-value", "X-B", "b-value"),
        assertInstanceOf(SecretHeaders.Values.class, read(headers, Optional.of(dir))).headers());
    assertEquals(
        Map.of(),
        assertInstanceOf(SecretHeaders.Values.class, read(null, Optional.empty())).headers());
  }

  @Test
  void everythingElseIsRefusedSaying(@TempDir Path dir) throws Exception {
    Files.writeString(dir.getParent().resolve("outside.key"), "outside");
    Files.writeString(dir.resolve("empty.key"), "\n");
    Files.writeString(dir.resolve("big.key"), "x".repeat(SecretHeaders.MAX_FILE_BYTES + 1));
    Optional<Path> d = Optional.of(dir);
    assertEquals(
        "secretHeaders['X']: 'HTTP_TOKEN' is refused: " + SecretRef.RULE,
        refused(Map.of("X", "HTTP_TOKEN"), d));
    assertTrue(refused(Map.of("X", "file:../outside.key"), d).endsWith(SecretRef.RULE));
    assertTrue(
        refused(Map.of("X", "file:" + dir.getParent().resolve("outside.key")), d)
            .endsWith(SecretRef.RULE));
    assertEquals(
        "secretHeaders['X']: environment variable SOURCE_SECRET_UNSET is not set",
        refused(Map.of("X", "SOURCE_SECRET_UNSET"), d));
    assertEquals(
        "secretHeaders['X']: file:b.key names a secret file, but SOURCES_SECRETS_DIR is not set",
        refused(Map.of("X", "file:b.key"), Optional.empty()));
    for (String name : new String[] {"missing.key", "empty.key", "big.key"})
      assertTrue(
          refused(Map.of("X", "file:" + name), d)
              .contains("file " + name + " of SOURCES_SECRETS_DIR"));
    assertEquals(
        "secretHeaders['X']: the value holds a line break or another control character",
        refused(Map.of("X", "SOURCE_SECRET_CR"), d));
  }
}
