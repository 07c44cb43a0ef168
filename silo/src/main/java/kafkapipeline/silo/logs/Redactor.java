package kafkapipeline.silo.logs;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Masks secrets in a log message with {@value #MASK}: every occurrence of a known secret (the
 * OpenWeatherMap key and the HTTP token, as given and URL-encoded), any {@code appid=} query
 * parameter's value, an {@code Authorization} header's value and the word after {@code Bearer}.
 * Guarantee: the text {@link #redact} returns contains none of the known secrets; when masking
 * cannot ensure it (a secret made of or overlapping the mask itself), the whole message is replaced
 * by {@link #WITHHELD} (or by an empty text if even that holds a secret). Immutable; the process's
 * current one is {@link #process()}, which every silo log output (console and ring) uses.
 */
public final class Redactor {
  public static final String MASK = "***";
  public static final String WITHHELD = "*** (message withheld: it held a secret)";

  /** The environment variables holding secrets, read at class load: before any setting is. */
  static final List<String> SECRET_VARIABLES = List.of("OWM_API_KEY", "HTTP_TOKEN");

  // A query parameter's value ends at the next parameter, fragment, blank, quote or bracket.
  private static final Pattern APPID = Pattern.compile("(?i)(\\bappid=)[^&#\\s\"'<>]+");
  // A header "Authorization: x", "authorization=x", "\"Authorization\":\"x\"" or a rendering like
  // "Authorization(x)": everything to the end of the line or the closing quote.
  private static final Pattern AUTHORIZATION =
      Pattern.compile("(?i)(\\bauthorization\\b[\"']?\\s*[:=(]\\s*[\"']?)[^\\r\\n\"']+");
  private static final Pattern BEARER = Pattern.compile("(?i)(\\bbearer\\s+)[^\\s\"',;)]+");

  private static volatile Redactor process = of(fromEnvironment());

  /** Longest first, so a secret that holds another is masked whole. */
  private final List<String> secrets;

  private Redactor(List<String> secrets) {
    this.secrets = secrets;
  }

  /** A redactor of these secrets (blank ones are ignored), each also in its URL-encoded form. */
  public static Redactor of(Collection<String> secrets) {
    Set<String> all = new LinkedHashSet<>();
    for (String s : secrets) {
      if (s == null || s.isBlank()) continue;
      all.add(s);
      all.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
    }
    return new Redactor(
        all.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList());
  }

  /** The redactor every log output of this process uses. */
  public static Redactor process() {
    return process;
  }

  /**
   * Adds secrets to {@link #process()} (the silo's configured key and token, which may come from
   * configuration rather than the environment); from then on no output carries them.
   */
  public static synchronized void protect(Collection<String> more) {
    Set<String> all = new LinkedHashSet<>(process.secrets);
    all.addAll(more);
    process = of(all);
  }

  private static List<String> fromEnvironment() {
    return SECRET_VARIABLES.stream().map(System::getenv).filter(v -> v != null).toList();
  }

  public String redact(String message) {
    if (message == null) return "";
    String out = message;
    for (String secret : secrets) out = out.replace(secret, MASK);
    out = APPID.matcher(out).replaceAll("$1" + MASK);
    out = AUTHORIZATION.matcher(out).replaceAll("$1" + MASK);
    out = BEARER.matcher(out).replaceAll("$1" + MASK);
    if (holdsSecret(out)) return holdsSecret(WITHHELD) ? "" : WITHHELD;
    return out;
  }

  private boolean holdsSecret(String text) {
    for (String secret : secrets) if (text.contains(secret)) return true;
    return false;
  }
}
