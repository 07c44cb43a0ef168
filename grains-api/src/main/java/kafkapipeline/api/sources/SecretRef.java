package kafkapipeline.api.sources;

import java.util.regex.Pattern;

/**
 * Where the value of one of a source's {@code secretHeaders} may come from: an environment variable
 * whose name starts with {@value #ENV_PREFIX} (made for source secrets, so no setting of the silo
 * itself, such as {@code HTTP_TOKEN}, {@code OWM_API_KEY}, {@code CASSANDRA_*} or {@code KAFKA_*},
 * can ever be named), or {@value #FILE_PREFIX}{@code <name>}: a plain file of the secrets folder
 * ({@code SOURCES_SECRETS_DIR}), never a path. The same rule is checked when a description is
 * accepted ({@link SourceSpecs#problems}) and again where the value is read, so a description
 * stored before the rule, or a file of {@code SOURCES_DIR}, cannot send a value it forbids.
 */
public sealed interface SecretRef {
  String ENV_PREFIX = "SOURCE_SECRET_";
  String FILE_PREFIX = "file:";

  /** The rule, as every refusal states it. */
  String RULE =
      "a secret header's value must name an environment variable "
          + ENV_PREFIX
          + "<NAME> (upper-case letters, digits, _) or a file of the secrets folder"
          + " (SOURCES_SECRETS_DIR) as "
          + FILE_PREFIX
          + "<name> (letters, digits, '.', '_', '-', not starting with '.', no '/'); no other"
          + " variable of the silo is ever sent";

  /** An environment variable named {@value #ENV_PREFIX}{@code ...}. */
  record Env(String variable) implements SecretRef {}

  /** A file directly in the secrets folder. */
  record File(String name) implements SecretRef {}

  /**
   * {@code ref} read by the rule.
   *
   * @throws IllegalArgumentException saying why (it quotes {@code ref} and states {@link #RULE})
   */
  static SecretRef parse(String ref) {
    if (ref != null && Names.ENV.matcher(ref).matches()) return new Env(ref);
    if (ref != null && ref.startsWith(FILE_PREFIX)) {
      String name = ref.substring(FILE_PREFIX.length());
      if (Names.FILE.matcher(name).matches()) return new File(name);
      throw new IllegalArgumentException(
          Show.quote(ref) + " is not a plain file name of the secrets folder: " + RULE);
    }
    throw new IllegalArgumentException(Show.quote(ref) + " is refused: " + RULE);
  }

  /** Null when {@code ref} follows the rule, else why not (as {@link #parse} throws it). */
  static String problem(String ref) {
    try {
      parse(ref);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** The patterns (an interface's fields are public: these stay in a holder class). */
  final class Names {
    private Names() {}

    static final Pattern ENV = Pattern.compile(Pattern.quote(ENV_PREFIX) + "[A-Z0-9_]+");

    // A leading '.' would allow '.' and '..' (and hidden files); '/' and '\' are left out
    // of the class, so no name is a path.
    static final Pattern FILE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}");
  }
}
