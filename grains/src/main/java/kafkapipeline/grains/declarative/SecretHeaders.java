package kafkapipeline.grains.declarative;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import kafkapipeline.api.sources.SecretRef;

/**
 * The values of a source's {@code secretHeaders}, read where the source runs, by the rule of {@link
 * SecretRef} checked again here: a description stored before the rule, or a file of {@code
 * SOURCES_DIR}, that names {@code HTTP_TOKEN} or a path gets a {@link Refused} and sends nothing. A
 * file is read from the secrets folder only (its name is a plain name, and the path it makes is
 * checked to be directly in the folder), at most {@value #MAX_FILE_BYTES} bytes, stripped of
 * surrounding white space (a trailing newline). A refusal never holds a value.
 */
final class SecretHeaders {
  static final int MAX_FILE_BYTES = 8 * 1024;

  private SecretHeaders() {}

  sealed interface Read {}

  /** Header name to its value, in the description's order. */
  record Values(Map<String, String> headers) implements Read {}

  /** Why the headers cannot be sent: a name the rule refuses, or a value that is missing. */
  record Refused(String reason) implements Read {}

  static Read read(
      Map<String, String> secretHeaders, Function<String, String> env, Optional<Path> dir) {
    Map<String, String> out = new LinkedHashMap<>();
    if (secretHeaders == null) return new Values(out);
    for (Map.Entry<String, String> h : secretHeaders.entrySet()) {
      String where = "secretHeaders['" + h.getKey() + "']: ";
      SecretRef ref;
      try {
        ref = SecretRef.parse(h.getValue());
      } catch (IllegalArgumentException e) {
        return new Refused(where + e.getMessage());
      }
      String value;
      if (ref instanceof SecretRef.Env v) {
        value = env.apply(v.variable());
        if (value == null || value.isBlank())
          return new Refused(where + "environment variable " + v.variable() + " is not set");
      } else {
        String name = ((SecretRef.File) ref).name();
        if (dir.isEmpty())
          return new Refused(
              where + "file:" + name + " names a secret file, but SOURCES_SECRETS_DIR is not set");
        Optional<String> read = file(dir.get(), name);
        if (read.isEmpty())
          return new Refused(
              where
                  + "file "
                  + name
                  + " of SOURCES_SECRETS_DIR is missing, unreadable, empty or over "
                  + MAX_FILE_BYTES
                  + " bytes");
        value = read.get();
      }
      if (!headerValue(value))
        return new Refused(where + "the value holds a line break or another control character");
      out.put(h.getKey(), value);
    }
    return new Values(out);
  }

  private static Optional<String> file(Path dir, String name) {
    Path folder = dir.toAbsolutePath().normalize();
    Path file = folder.resolve(name).normalize();
    // The name cannot hold '/' or start with '.': this only makes sure of it.
    if (!folder.equals(file.getParent())) return Optional.empty();
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_FILE_BYTES) return Optional.empty();
      String value = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
      return value.isEmpty() ? Optional.empty() : Optional.of(value);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static boolean headerValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '\t' && (c < 0x20 || c == 0x7f)) return false;
    }
    return true;
  }
}
