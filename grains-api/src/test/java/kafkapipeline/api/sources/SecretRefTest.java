package kafkapipeline.api.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which secret header values are accepted, and the words of a refusal. */
class SecretRefTest {
  @Test
  void onlyPrefixedVariablesAndPlainFileNames() {
    assertEquals(
        new SecretRef.Env("SOURCE_SECRET_SPACEX"), SecretRef.parse("SOURCE_SECRET_SPACEX"));
    assertEquals(new SecretRef.File("spacex.key"), SecretRef.parse("file:spacex.key"));
    assertNull(SecretRef.problem("SOURCE_SECRET_1_A"));
    assertNull(SecretRef.problem("file:a-b_c.1"));
    for (String refused :
        new String[] {
          null,
          "",
          "HTTP_TOKEN",
          "OWM_API_KEY",
          "CASSANDRA_PASSWORD",
          "KAFKA_SASL_JAAS_CONFIG",
          "PATH",
          "SOURCE_SECRET_",
          "SOURCE_SECRET_a",
          "source_secret_x",
          "XSOURCE_SECRET_X",
          "file:",
          "file:.",
          "file:..",
          "file:../x",
          "file:a/b",
          "file:/etc/passwd",
          "file:a\\b",
          "file:.env",
          "file:a b",
          "file:a\nb"
        }) {
      String problem = SecretRef.problem(refused);
      assertTrue(problem != null && problem.endsWith(SecretRef.RULE), refused + ": " + problem);
    }
    assertEquals("'HTTP_TOKEN' is refused: " + SecretRef.RULE, SecretRef.problem("HTTP_TOKEN"));
    assertEquals(
        "'file:../x' is not a plain file name of the secrets folder: " + SecretRef.RULE,
        SecretRef.problem("file:../x"));
  }
}
