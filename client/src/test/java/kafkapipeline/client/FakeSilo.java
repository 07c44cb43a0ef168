package kafkapipeline.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A silo's city routes on loopback, for {@code add-city}: {@code GET /api/cities} lists the
 * registered ids (a JSON array, or pages of {@code pageSize} with {@code next}); {@code POST
 * /api/cities} spends one call of a budget of {@code budget} calls in any 60 s (503 with {@code
 * Retry-After} when it is used up), then answers 201 for a city of {@code world} not yet
 * registered, 200 for a registered one, 404 for any other name, or {@code failing}'s status. Every
 * call is recorded with its time on {@link #time}, which the client under test may share (a virtual
 * clock) or not (the system clock).
 */
final class FakeSilo implements AutoCloseable {
  record Call(String method, String city, Instant at, int status, Long retryAfter) {}

  /** A virtual clock: sleeping moves it on at once; {@code interruptAt} makes a sleep fail. */
  static final class VirtualTime implements AddCities.Time {
    private Instant now = Instant.parse("2026-12-01T10:00:00Z");
    volatile boolean interruptSleeps;

    @Override
    public synchronized Instant now() {
      return now;
    }

    @Override
    public synchronized void sleep(Duration d) throws InterruptedException {
      if (interruptSleeps) throw new InterruptedException("Ctrl-C, as a test has it");
      now = now.plus(d);
    }
  }

  final AddCities.Time time;
  final Set<String> world = new HashSet<>();
  final Set<String> registered = new TreeSet<>();
  final List<Call> calls = new ArrayList<>();
  final List<Instant> grants = new ArrayList<>();
  int budget = Integer.MAX_VALUE;

  /** The next POST is refused with this Retry-After, whatever the budget. */
  Long refuseNextFor;

  Integer pageSize;
  String failing;
  int failingStatus;

  /** The next POST of this id is taken but not answered (registered first when so set). */
  String loseAnswerOf;

  boolean registerBeforeLosing;

  private final HttpServer server;

  FakeSilo(AddCities.Time time) throws IOException {
    this.time = time;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/cities", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  synchronized List<Call> posts() {
    return calls.stream().filter(c -> c.method().equals("POST")).toList();
  }

  synchronized void reset() {
    world.clear();
    registered.clear();
    calls.clear();
    grants.clear();
    budget = Integer.MAX_VALUE;
    pageSize = null;
    failing = null;
    loseAnswerOf = null;
    refuseNextFor = null;
  }

  private synchronized void handle(HttpExchange x) throws IOException {
    Instant now = time.now();
    if (x.getRequestMethod().equals("GET")) {
      calls.add(new Call("GET", x.getRequestURI().getRawQuery(), now, 200, null));
      reply(x, 200, list(x.getRequestURI().getRawQuery()), null);
      return;
    }
    JsonNode body = SiloClient.JSON.readTree(x.getRequestBody());
    String city = body.path("city").asText();
    String id = Commands.cityId(city);
    if (refuseNextFor != null) {
      long seconds = refuseNextFor;
      refuseNextFor = null;
      refuse(x, city, now, seconds);
      return;
    }
    grants.removeIf(g -> !g.isAfter(now.minusSeconds(60)));
    if (grants.size() >= budget) {
      Duration free =
          grants.isEmpty()
              ? Duration.ofSeconds(60)
              : Duration.between(now, grants.get(0).plusSeconds(60));
      long seconds = Math.max(1, (free.toMillis() + 999) / 1000);
      refuse(x, city, now, seconds);
      return;
    }
    grants.add(now);
    if (id.equals(loseAnswerOf)) {
      loseAnswerOf = null;
      if (registerBeforeLosing) registered.add(id);
      calls.add(new Call("POST", city, now, 0, null));
      // The connection closes with no answer: the client cannot tell whether it was done.
      x.close();
      return;
    }
    int status;
    if (id.equals(failing)) status = failingStatus;
    else if (!world.contains(id)) status = 404;
    else status = registered.add(id) ? 201 : 200;
    calls.add(new Call("POST", city, now, status, null));
    ObjectNode answer =
        status / 100 == 2
            ? SiloClient.JSON.createObjectNode().put("id", id).put("name", city)
            : error(status == 404 ? "city not found: " + city : "the weather API failed");
    reply(x, status, answer, null);
  }

  private void refuse(HttpExchange x, String city, Instant now, long seconds) throws IOException {
    calls.add(new Call("POST", city, now, 503, seconds));
    reply(
        x,
        503,
        error("the weather call budget is used up; try again in " + seconds + " s"),
        seconds);
  }

  private JsonNode list(String query) {
    List<String> ids = new ArrayList<>(registered);
    if (pageSize == null) return items(ids);
    String after =
        query == null ? "" : URLDecoder.decode(query.replace("after=", ""), StandardCharsets.UTF_8);
    List<String> rest = ids.stream().filter(i -> i.compareTo(after) > 0).toList();
    List<String> page = rest.subList(0, Math.min(pageSize, rest.size()));
    ObjectNode o = SiloClient.JSON.createObjectNode().put("total", ids.size());
    o.set("items", items(page));
    if (rest.size() > page.size()) o.put("next", page.get(page.size() - 1));
    else o.putNull("next");
    return o;
  }

  private static ArrayNode items(List<String> ids) {
    ArrayNode a = SiloClient.JSON.createArrayNode();
    for (String id : ids) a.addObject().put("id", id).put("state", "reporting");
    return a;
  }

  private static ObjectNode error(String message) {
    return SiloClient.JSON.createObjectNode().put("error", message);
  }

  private static void reply(HttpExchange x, int status, JsonNode body, Long retryAfter)
      throws IOException {
    byte[] bytes = SiloClient.JSON.writeValueAsBytes(body);
    if (retryAfter != null) x.getResponseHeaders().add("Retry-After", Long.toString(retryAfter));
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
