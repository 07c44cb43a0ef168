package kafkapipeline.silo.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * No configured secret ever reaches a stored line, whatever characters the secret and the message
 * hold; appid, Authorization and Bearer values are masked without being configured.
 */
class RedactorTest {
  private static final List<Character> HOSTILE =
      "$\\.*+?()[]{}|^&=%\"' \n\r\t\u0000\u2028\u00e9\uD83D\uDE00ab1*"
          .chars()
          .mapToObj(c -> (char) c)
          .toList();

  private static Gen<String> of(List<Character> alphabet, int min, int max) {
    return lists()
        .of(Generate.pick(alphabet))
        .ofSizeBetween(min, max)
        .map(cs -> cs.stream().map(String::valueOf).collect(Collectors.joining()));
  }

  /** Secrets of regex, URL, JSON and control characters, or any code points at all. */
  private static Gen<String> secret() {
    return Generate.oneOf(of(HOSTILE, 1, 24), strings().allPossible().ofLengthBetween(1, 24))
        .assuming(s -> !s.isBlank());
  }

  /** A message holding the secret the ways logs carry it, between arbitrary text. */
  private static Gen<String> messageWith(String secret) {
    String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
    Gen<String> piece =
        Generate.oneOf(
            strings().allPossible().ofLengthBetween(0, 12),
            of(HOSTILE, 0, 8),
            Generate.pick(
                List.of(
                    secret,
                    encoded,
                    "?q=Hanoi&units=metric&appid=" + encoded,
                    "Authorization: Bearer " + secret,
                    "{\"token\":\"" + secret + "\"}",
                    secret + secret,
                    // Long filler so the secret also lands on the cut at MAX_MESSAGE.
                    "x".repeat(LogRing.MAX_MESSAGE - 5))));
    return lists().of(piece).ofSizeBetween(1, 6).map(ps -> String.join("", ps));
  }

  private record Case(String key, String token, String message) {}

  /** A key and a token, and a message holding one of them (chosen by the key's length). */
  private static Gen<Case> cases() {
    return secret()
        .zip(secret(), (key, token) -> new Case(key, token, ""))
        .flatMap(
            c ->
                messageWith(c.key().length() % 2 == 0 ? c.key() : c.token())
                    .map(m -> new Case(c.key(), c.token(), m)));
  }

  @Test
  void aConfiguredSecretNeverReachesTheStoredLine() {
    qt().withExamples(5_000)
        .forAll(cases())
        .checkAssert(
            c -> {
              Redactor redactor = Redactor.of(List.of(c.key(), c.token()));
              LogRing ring = new LogRing(() -> redactor);
              ring.add(Instant.EPOCH, LogLevel.WARN, "l", c.message());
              String stored = ring.last(LogLevel.TRACE, 1).get(0).message();
              assertFalse(stored.contains(c.key()), () -> c + " stored " + stored);
              assertFalse(stored.contains(c.token()), () -> c + " stored " + stored);
              assertTrue(stored.length() <= LogRing.MAX_MESSAGE + 40, () -> "long: " + stored);
            });
  }

  /** Characters of an unconfigured token or key, as URLs and headers carry them. */
  private static final List<Character> TOKEN_CHARS =
      "abcXYZ0189-._~+/%=".chars().mapToObj(c -> (char) c).toList();

  /** Text around them sharing none of their characters (and no letter, so \\b holds). */
  private static final List<Character> AROUND =
      " ,;!?()[]{}<>\"'\n\t:*$\\^|`#&@".chars().mapToObj(c -> (char) c).toList();

  @Test
  void appidAuthorizationAndBearerValuesAreMaskedUnconfigured() {
    List<String> forms =
        List.of(
            "GET https://api.example/data?q=Hanoi&appid=%s&units=metric",
            "url ?APPID=%s",
            "header Authorization: Bearer %s",
            "authorization=%s",
            "{\"Authorization\":\"Basic %s\"}",
            "sent bearer %s, then");
    qt().withExamples(5_000)
        .forAll(of(TOKEN_CHARS, 1, 40), of(AROUND, 0, 10), Generate.pick(forms), of(AROUND, 0, 10))
        .checkAssert(
            (value, before, form, after) -> {
              String out = Redactor.of(List.of()).redact(before + form.formatted(value) + after);
              // The value's characters may occur in the form's own words: only those remain.
              String without = before + form.formatted("") + after;
              assertTrue(
                  occurrences(out, value) <= occurrences(without, value),
                  () -> value + " in " + out);
              assertTrue(out.contains(Redactor.MASK), out);
            });
  }

  private static int occurrences(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
    return n;
  }

  @Test
  void examplesOfWhatIsKeptAndWhatIsMasked() {
    Redactor r = Redactor.of(List.of("k3y", "t0ken"));
    assertEquals(
        "GET /data?q=Hanoi&appid=***&units=metric",
        r.redact("GET /data?q=Hanoi&appid=k3y&units=metric"));
    assertEquals("Authorization: ***", r.redact("Authorization: Bearer t0ken"));
    assertEquals("token *** rejected", r.redact("token t0ken rejected"));
    assertEquals("Bearer *** and more", r.redact("Bearer abc and more"));
    assertEquals("a city: Hanoi,VN", r.redact("a city: Hanoi,VN"));
    // A key that holds the other is masked whole; the URL-encoded form of a key too.
    assertEquals("*** ***", Redactor.of(List.of("ab", "xaby")).redact("xaby ab"));
    assertEquals("q ***", Redactor.of(List.of("a b&c")).redact("q a+b%26c"));
    // Blank secrets protect nothing (an unset key or token).
    assertEquals(" x ", Redactor.of(List.of(" ", "")).redact(" x "));
  }

  @Test
  void aSecretTheMaskWouldRebuildWithholdsTheMessage() {
    // Masking "x*" in "xx*" gives "x***", which holds "x*" again.
    assertEquals(Redactor.WITHHELD, Redactor.of(List.of("x*")).redact("xx*"));
    // The withheld text itself holds "held": nothing is left.
    assertEquals("", Redactor.of(List.of("held", "x*")).redact("xx*"));
    assertEquals("", Redactor.of(List.of("*")).redact("a * b"));
  }
}
