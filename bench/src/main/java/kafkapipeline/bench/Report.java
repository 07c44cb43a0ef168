package kafkapipeline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;

/**
 * The results of a bench run as a text table, a JSON file and a PNG bar chart.
 *
 * <p>Guarantees: the files are written whole under the given folder ({@code results.json}, {@code
 * results.png}); figures are printed as measured, never adjusted, and a ratio whose inputs were not
 * measured is left out rather than guessed.
 */
final class Report {
  private final List<PhaseResult> phases;
  private final List<LatencyRun> latencies;
  private final Map<String, Object> context;

  Report(List<PhaseResult> phases, List<LatencyRun> latencies, Map<String, Object> context) {
    this.phases = phases;
    this.latencies = latencies;
    this.context = context;
  }

  /** Mean sustained rows/s of a phase over its rounds. */
  OptionalDouble meanRate(String phase) {
    return phases.stream()
        .filter(p -> p.phase().equals(phase))
        .mapToDouble(PhaseResult::rowsPerSecond)
        .average();
  }

  /** The raw phase with the best mean rate, e.g. "raw-single". */
  String bestRaw() {
    return phases.stream()
        .map(PhaseResult::phase)
        .filter(p -> p.startsWith("raw-"))
        .distinct()
        .max((a, b) -> Double.compare(meanRate(a).orElse(0), meanRate(b).orElse(0)))
        .orElse("raw");
  }

  Map<String, Double> ratios() {
    Map<String, Double> ratios = new LinkedHashMap<>();
    OptionalDouble baseline = meanRate("baseline");
    OptionalDouble raw = meanRate(bestRaw());
    for (String pipeline : List.of("pipeline-1-silo", "pipeline-2-silos")) {
      OptionalDouble rate = meanRate(pipeline);
      if (rate.isEmpty()) continue;
      if (baseline.isPresent())
        ratios.put(pipeline + "/baseline", rate.getAsDouble() / baseline.getAsDouble());
      if (raw.isPresent()) ratios.put(pipeline + "/raw", rate.getAsDouble() / raw.getAsDouble());
    }
    if (baseline.isPresent() && raw.isPresent())
      ratios.put("baseline/raw", baseline.getAsDouble() / raw.getAsDouble());
    return ratios;
  }

  String table() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "| phase | round | rows/s | CPU µs/row: total | per process (µs/row) | peak RSS MB | steady window s | other load (cores) |%n"));
    out.append(String.format("|---|---|---|---|---|---|---|---|%n"));
    for (PhaseResult p : phases) {
      StringBuilder per = new StringBuilder();
      StringBuilder rss = new StringBuilder();
      p.cpuMicrosPerRow()
          .forEach(
              (k, v) -> {
                if (!k.equals("total"))
                  per.append(per.isEmpty() ? "" : ", ")
                      .append(k)
                      .append(' ')
                      .append(String.format("%.0f", v));
              });
      p.peakRssMb()
          .forEach(
              (k, v) ->
                  rss.append(rss.isEmpty() ? "" : ", ")
                      .append(k)
                      .append(' ')
                      .append(String.format("%.0f", v)));
      out.append(
          String.format(
              "| %s | %d | %,.0f | %.0f | %s | %s | %.1f | %.2f |%n",
              p.phase(),
              p.round(),
              p.rowsPerSecond(),
              p.cpuMicrosPerRow().get("total"),
              per,
              rss,
              p.windowSeconds(),
              p.cpuCores().getOrDefault("other processes", Double.NaN)));
    }
    out.append(System.lineSeparator());
    ratios().forEach((k, v) -> out.append(String.format("%s = %.2f%n", k, v)));
    if (!latencies.isEmpty()) {
      out.append(
          String.format(
              "%n| latency: system | load | target rows/s | sent rows/s | rows | p50 ms | p99 ms | max ms |%n"));
      out.append(String.format("|---|---|---|---|---|---|---|---|%n"));
      for (LatencyRun l : latencies) {
        out.append(
            String.format(
                "| %s | %.0f %% | %,.0f | %,.0f | %,d | %.1f | %.1f | %.1f |%n",
                l.system(),
                l.load() * 100,
                l.targetRate(),
                l.sentRate(),
                l.rows(),
                l.p50Ms(),
                l.p99Ms(),
                l.maxMs()));
      }
    }
    return out.toString();
  }

  void write(Path dir) {
    try {
      Files.createDirectories(dir);
      Map<String, Object> json = new LinkedHashMap<>(context);
      json.put("phases", phases);
      json.put("ratios", ratios());
      json.put("latency", latencies);
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(dir.resolve("results.json").toFile(), json);
      ImageIO.write(chart(), "png", dir.resolve("results.png").toFile());
      Files.writeString(dir.resolve("results.md"), table());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Two bar charts side by side: sustained rows/s and total CPU µs per row, one bar per phase and
   * round.
   */
  private BufferedImage chart() {
    int width = 1200;
    int height = 520;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(
        "Rows/s into Cassandra fakerdata, and CPU per row ("
            + context.get("date")
            + ", "
            + context.get("cores")
            + " cores)",
        20,
        26);
    panel(g, 20, 50, 570, 440, "sustained rows/s", true);
    panel(g, 610, 50, 570, 440, "CPU µs per row (all processes)", false);
    g.dispose();
    return image;
  }

  private void panel(Graphics2D g, int x, int y, int w, int h, String title, boolean rate) {
    double max = 1;
    for (PhaseResult p : phases) max = Math.max(max, value(p, rate));
    int top = y + 30;
    int bottom = y + h - 110;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.setColor(Color.BLACK);
    g.drawString(title, x + 10, y + 16);
    g.setStroke(new BasicStroke(1));
    g.drawLine(x + 10, bottom, x + w - 10, bottom);
    int n = Math.max(1, phases.size());
    int slot = (w - 20) / n;
    Color[] colors = {
      new Color(0x4e79a7),
      new Color(0xf28e2b),
      new Color(0x59a14f),
      new Color(0xe15759),
      new Color(0x76b7b2)
    };
    List<String> names = phases.stream().map(PhaseResult::phase).distinct().toList();
    for (int i = 0; i < phases.size(); i++) {
      PhaseResult p = phases.get(i);
      double v = value(p, rate);
      int barHeight = (int) ((bottom - top) * v / max);
      int bx = x + 10 + i * slot + slot / 6;
      g.setColor(colors[names.indexOf(p.phase()) % colors.length]);
      g.fillRect(bx, bottom - barHeight, slot * 2 / 3, barHeight);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      g.drawString(String.format(rate ? "%,.0f" : "%.0f", v), bx, bottom - barHeight - 4);
      Graphics2D rotated = (Graphics2D) g.create();
      rotated.rotate(Math.toRadians(60), bx, bottom + 12);
      rotated.drawString(p.phase() + " r" + p.round(), bx, bottom + 12);
      rotated.dispose();
    }
  }

  private static double value(PhaseResult p, boolean rate) {
    return rate ? p.rowsPerSecond() : p.cpuMicrosPerRow().getOrDefault("total", 0.0);
  }
}
