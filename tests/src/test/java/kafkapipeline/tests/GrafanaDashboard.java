package kafkapipeline.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * deploy/grafana/dashboards/pipeline.json as the tests read it: its panels' PromQL queries and the
 * metric names they use.
 */
final class GrafanaDashboard {
  static final Path FILE = Path.of("..", "deploy", "grafana", "dashboards", "pipeline.json");

  // What PromQL writes that is not a metric: aggregation modifiers, set operators, keywords.
  private static final Set<String> NOT_METRICS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "inf",
          "nan");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern BRACES = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  final JsonNode json;

  private GrafanaDashboard(JsonNode json) {
    this.json = json;
  }

  static GrafanaDashboard load() {
    try {
      return new GrafanaDashboard(new ObjectMapper().readTree(Files.readString(FILE)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every query of every panel, in order. */
  List<String> queries() {
    List<String> out = new ArrayList<>();
    for (JsonNode panel : json.path("panels"))
      for (JsonNode target : panel.path("targets")) out.add(target.path("expr").asText());
    return out;
  }

  /** The metric names of every query. */
  Set<String> metrics() {
    Set<String> out = new TreeSet<>();
    for (String q : queries()) out.addAll(metricsOf(q));
    return out;
  }

  /**
   * The metric names in one PromQL expression: what is left once strings, label matchers, ranges
   * and grouping clauses are taken out, that is not a function call, a keyword or a number.
   */
  static Set<String> metricsOf(String promql) {
    String q = STRING.matcher(promql).replaceAll("\"\"");
    q = BRACES.matcher(q).replaceAll(" ");
    q = RANGE.matcher(q).replaceAll(" ");
    q = GROUPING.matcher(q).replaceAll(" ");
    Set<String> out = new TreeSet<>();
    Matcher m = NAME.matcher(q);
    while (m.find()) {
      String name = m.group();
      int next = m.end();
      while (next < q.length() && Character.isWhitespace(q.charAt(next))) next++;
      boolean call = next < q.length() && q.charAt(next) == '(';
      boolean numberPart = m.start() > 0 && Character.isDigit(q.charAt(m.start() - 1));
      if (!call && !numberPart && !NOT_METRICS.contains(name.toLowerCase(java.util.Locale.ROOT)))
        out.add(name);
    }
    return out;
  }
}
