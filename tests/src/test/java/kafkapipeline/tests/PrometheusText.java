package kafkapipeline.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, enough to check a scrape: every
 * line is a HELP or TYPE comment or a sample {@code name{label="value",...} number}; any other line
 * fails with the line quoted.
 */
final class PrometheusText {
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
  private static final Pattern COMMENT =
      Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

  private PrometheusText() {}

  static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) continue;
      if (line.startsWith("#")) {
        if (!COMMENT.matcher(line).matches()) throw new AssertionError("bad comment line: " + line);
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) throw new AssertionError("bad sample line: " + line);
      Map<String, String> labels = new TreeMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        int end = 0;
        while (l.find() && l.start() == end) {
          labels.put(l.group(1), l.group(2));
          end = l.end();
        }
        if (end != m.group(2).length()) throw new AssertionError("bad labels: " + line);
      }
      out.add(
          new Sample(
              m.group(1), labels, Double.parseDouble(m.group(3).replace("Inf", "Infinity"))));
    }
    return out;
  }

  /** The value of the one sample with this name and these labels (among others), or NaN. */
  static double value(List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value)
        .findFirst()
        .orElse(Double.NaN);
  }
}
