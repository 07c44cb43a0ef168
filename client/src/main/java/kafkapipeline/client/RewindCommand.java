package kafkapipeline.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code rewind TOPIC --from TIME|--offset N}: the topic's persisters read it again from that point
 * ({@code POST /api/topics/{topic}/rewind}), rebuilding its table. TIME is an ISO-8601 instant
 * ({@code 2026-12-01T10:00:00Z}) or a duration ago ({@code 90s}, {@code 30m}, {@code 1h}, {@code
 * 2d}), sent as the instant it means now; N a whole number from 0. Everything is checked before the
 * call (exit 2 on bad input); the silo's refusal (past the retention, unknown topic) is exit 1.
 */
final class RewindCommand {
  static final String NAME = "rewind";
  static final String ARGS = "TOPIC --from TIME|--offset N";
  static final String WHAT =
      "read a topic again into its table, from TIME (2026-12-01T10:00:00Z, or ago: 90s 30m 1h 2d)"
          + " or offset N";

  /** A rewind's request checked: its topic and body, or why it cannot be sent. */
  record Request(String topic, Map<String, Object> body, String error) {
    static Request bad(String error) {
      return new Request(null, null, error);
    }
  }

  private static final Pattern AGO = Pattern.compile("([0-9]{1,9})([smhd])");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
  private static final String USAGE = "usage: rewind " + ARGS;

  private final SiloClient silo;
  private final Commands commands;
  private final PrintStream out;

  RewindCommand(SiloClient silo, Commands commands, PrintStream out) {
    this.silo = silo;
    this.commands = commands;
    this.out = out;
  }

  /** The request of {@code args} at {@code now} (pure: tested without a silo). */
  static Request parse(List<String> args, Instant now) {
    if (args.size() != 3) return Request.bad(USAGE);
    String topic = args.get(0);
    if (!TOPIC.matcher(topic).matches())
      return Request.bad("'" + topic + "' is no topic name (letters, digits, . _ -); " + USAGE);
    String value = args.get(2);
    switch (args.get(1)) {
      case "--from" -> {
        Instant at = time(value, now);
        if (at == null)
          return Request.bad(
              "--from needs an ISO-8601 instant (2026-12-01T10:00:00Z) or a duration ago (90s,"
                  + " 30m, 1h, 2d), got '"
                  + value
                  + "'");
        if (at.isAfter(now)) return Request.bad("--from " + at + " is in the future");
        return new Request(topic, Map.of("from", at.toString()), null);
      }
      case "--offset" -> {
        long offset;
        try {
          offset = Long.parseLong(value);
        } catch (NumberFormatException e) {
          offset = -1;
        }
        if (offset < 0)
          return Request.bad("--offset needs a whole number from 0, got '" + value + "'");
        return new Request(topic, Map.of("offset", offset), null);
      }
      default -> {
        return Request.bad("expected --from or --offset, got '" + args.get(1) + "'; " + USAGE);
      }
    }
  }

  private static Instant time(String text, Instant now) {
    Matcher ago = AGO.matcher(text);
    if (ago.matches()) {
      long n = Long.parseLong(ago.group(1));
      Duration d =
          switch (ago.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      return now.minus(d);
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  int run(List<String> args) {
    Request request = parse(args, Instant.now());
    if (request.error() != null) return commands.bad(request.error());
    // The silo drains every silo's persister first: longer than the usual 20 s.
    SiloClient.Response r =
        silo.send(
            "POST",
            "/api/topics/" + request.topic() + "/rewind",
            request.body(),
            Duration.ofSeconds(100));
    if (!r.ok()) return commands.refused(r);
    JsonNode a = r.body();
    out.println(
        "rewound "
            + a.path("topic").asText()
            + " ("
            + a.path("request").asText()
            + "): "
            + a.path("records").asLong()
            + " records to read again, "
            + a.path("persisters").asInt()
            + " persisters paused and resumed");
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode p : a.path("partitions"))
      rows.add(
          List.of(
              p.path("partition").asText(),
              p.path("from").asText(),
              p.path("end").asText(),
              p.path("records").asText()));
    Table.print(out, List.of("PARTITION", "FROM", "END", "RECORDS"), rows);
    out.println(
        "progress: GET /api/topics/" + a.path("topic").asText() + "/rewind, or the dashboard");
    return Commands.OK;
  }
}
