package kafkapipeline.api.sources;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * User values as they appear in problem messages: quoted, control and format characters escaped (a
 * name cannot forge a log line), at most {@value #MAX} characters.
 */
public final class Show {
  static final int MAX = 80;

  private Show() {}

  /** {@code 'text'}, escaped and cut; {@code null} unquoted when absent. */
  public static String quote(String text) {
    return text == null ? "null" : "'" + cut(text) + "'";
  }

  /** Escaped and cut to {@value #MAX} characters (an ellipsis marks a cut). */
  public static String cut(String text) {
    if (text == null) return "null";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length() && b.length() < MAX; i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        b.append(c).append(text.charAt(++i));
      } else if (Character.isISOControl(c)
          || Character.getType(c) == Character.FORMAT
          || Character.isSurrogate(c)
          || c == '\u2028'
          || c == '\u2029') {
        b.append(String.format("\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.length() >= MAX && text.length() > MAX ? b + "…" : b.toString();
  }

  /** What a JSON value is, for "got ...": its type, and its text when it is a scalar. */
  static String node(JsonNode node) {
    if (node == null || node.isMissingNode()) return "nothing";
    if (node.isNull()) return "null";
    if (node.isTextual()) return "the string \"" + cut(node.textValue()) + "\"";
    if (node.isNumber()) return "the number " + cut(node.asText());
    if (node.isBoolean()) return String.valueOf(node.booleanValue());
    if (node.isArray()) return "an array";
    if (node.isObject()) return "an object";
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
