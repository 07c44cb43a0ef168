package kafkapipeline.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code rewind}: its arguments are checked before any call (exit 2), a TIME is an ISO-8601 instant
 * or a duration ago sent as an instant, and the silo's answer or refusal is printed (exit 0 or 1).
 */
class RewindCommandTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private static RewindCommand.Request parse(String... args) {
    return RewindCommand.parse(List.of(args), NOW);
  }

  @Test
  void aTimeIsAnInstantOrADurationAgoAndAnOffsetAWholeNumber() {
    assertEquals(Map.of("from", "2026-12-01T11:00:00Z"), parse("faker", "--from", "1h").body());
    assertEquals(Map.of("from", "2026-12-01T11:59:30Z"), parse("faker", "--from", "30s").body());
    assertEquals(Map.of("from", "2026-11-29T12:00:00Z"), parse("faker", "--from", "2d").body());
    assertEquals(
        Map.of("from", "2026-12-01T10:00:00Z"),
        parse("faker", "--from", "2026-12-01T10:00:00Z").body());
    assertEquals(Map.of("offset", 0L), parse("faker", "--offset", "0").body());
    assertEquals("faker", parse("faker", "--offset", "0").topic());

    assertTrue(parse("faker").error().startsWith("usage: rewind"));
    assertTrue(parse("faker", "--from", "1h", "--offset", "0").error().startsWith("usage"));
    assertTrue(parse("faker", "--since", "1h").error().startsWith("expected --from or --offset"));
    assertTrue(parse("fa/ker", "--offset", "0").error().contains("no topic name"));
    assertTrue(parse("faker", "--from", "yesterday").error().contains("'yesterday'"));
    assertTrue(parse("faker", "--from", "-1h").error().startsWith("--from needs"));
    assertEquals(
        "--from 2026-12-01T13:00:00Z is in the future",
        parse("faker", "--from", "2026-12-01T13:00:00Z").error());
    assertEquals(
        "--offset needs a whole number from 0, got '-1'", parse("faker", "--offset", "-1").error());
    assertTrue(parse("faker", "--offset", "1.5").error().startsWith("--offset needs"));
  }

  @Test
  void itPostsTheRequestAndPrintsTheAnswerOrTheRefusal() throws Exception {
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/topics/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          bodies.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body);
          boolean refuse = body.contains("\"offset\"");
          byte[] answer =
              (refuse
                      ? "{\"error\":\"offset 0 is below partition 0's earliest offset 10\"}"
                      : "{\"topic\":\"faker\",\"group\":\"persister-faker\",\"at\":\"2026-12-01T12:00:00Z\","
                          + "\"request\":\"from 2026-12-01T11:00:00Z\",\"records\":7,\"persisters\":2,"
                          + "\"partitions\":[{\"partition\":0,\"from\":0,\"committedBefore\":7,\"end\":7,\"records\":7}]}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(refuse ? 409 : 200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Commands commands =
          new Commands(
              new SiloClient(List.of("http://127.0.0.1:" + server.getAddress().getPort())),
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(Commands.OK, commands.run(List.of("rewind", "faker", "--from", "1h")));
      assertTrue(
          out.toString(StandardCharsets.UTF_8).contains("7 records to read again"), out.toString());
      assertTrue(
          bodies.get(0).startsWith("POST /api/topics/faker/rewind {\"from\":\""),
          bodies.toString());
      assertEquals(
          Commands.SERVER_ERROR, commands.run(List.of("rewind", "faker", "--offset", "0")));
      assertTrue(
          err.toString(StandardCharsets.UTF_8).contains("earliest offset 10"), err.toString());
      // Bad input: no call at all.
      assertEquals(Commands.BAD_INPUT, commands.run(List.of("rewind", "faker", "--offset", "x")));
      assertEquals(2, bodies.size());
    } finally {
      server.stop(0);
    }
  }
}
