package kafkapipeline.client;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints rows as aligned columns; a cell longer than {@link #MAX_CELL} is cut with "…". */
final class Table {
  static final int MAX_CELL = 40;

  private Table() {}

  static void print(PrintStream out, List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    for (List<String> row : rows) all.add(row.stream().map(Table::cell).toList());
    for (List<String> row : all) {
      for (int i = 0; i < width.length && i < row.size(); i++)
        width[i] = Math.max(width[i], row.get(i).length());
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < width.length; i++) {
        String v = i < row.size() ? row.get(i) : "";
        line.append(i == width.length - 1 ? v : String.format("%-" + width[i] + "s  ", v));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  static String cell(String v) {
    if (v == null || v.equals("null")) return "-";
    return v.length() > MAX_CELL ? v.substring(0, MAX_CELL - 1) + "…" : v;
  }
}
