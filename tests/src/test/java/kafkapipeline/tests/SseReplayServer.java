package kafkapipeline.tests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * An EventStreams stand-in on 127.0.0.1 that replays SSE frames the way the real server sends them:
 * {@code :ok}, then one chunk per frame over chunked HTTP/1.1. A request with {@code Last-Event-ID}
 * resumes after the frame with that id. It can refuse the next requests with the 429 EventStreams
 * sends for too many connections, and cut the next connection off in the middle of a frame (no
 * final chunk: a dropped connection, not a close) once the test's {@link #cutWhen} condition holds
 * (what the client is to have handled by then: no timer). It can start the stream with a UTF-8 BOM
 * instead of {@code :ok}, and hold the last frames back until the test releases them ({@link
 * #available}). After the last frame it keeps the connection open, as a live stream with nothing
 * new would. Records every request's {@code Last-Event-ID} and {@code User-Agent}.
 */
final class SseReplayServer implements AutoCloseable {
  /** One frame: its id (null if it has none) and its text, ending with the blank line. */
  record Frame(String id, String text) {}

  /** What one request sent. */
  record Request(String lastEventId, String userAgent) {}

  private final List<Frame> frames;
  private final ServerSocket socket;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();

  /** The next this-many requests are refused with 429. */
  final AtomicInteger refuseNext = new AtomicInteger();

  /** If >= 0, the next connection is cut off halfway through the frame after this many frames. */
  final AtomicInteger dropAfterFrames = new AtomicInteger(-1);

  final AtomicInteger framesSent = new AtomicInteger();

  /**
   * How many of the frames are served (all unless a test holds the last ones back): a connection
   * sends those after its start, and the rest once this grows.
   */
  final AtomicInteger available = new AtomicInteger(Integer.MAX_VALUE);

  /** Before a cut, the server waits (up to a minute) until this holds. */
  volatile BooleanSupplier cutWhen = () -> true;

  /** Whether each 200 response starts with a UTF-8 byte order mark (instead of {@code :ok}). */
  volatile boolean bom;

  SseReplayServer(List<Frame> frames) throws IOException {
    this.frames = List.copyOf(frames);
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "sse-replay-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Splits an SSE recording into frames (comments such as {@code :ok} are left out). */
  static List<Frame> frames(String recording) {
    List<Frame> out = new ArrayList<>();
    for (String block : recording.split("\n\n")) {
      if (block.isBlank() || block.startsWith(":")) continue;
      String id = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("id: ")) id = line.substring(4);
      }
      out.add(new Frame(id, block + "\n\n"));
    }
    return out;
  }

  String url() {
    return "http://127.0.0.1:" + socket.getLocalPort() + "/v2/stream/recentchange";
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        open.add(client);
        Thread t = new Thread(() -> serve(client), "sse-replay-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
      String requestLine = in.readLine();
      Map<String, String> headers = new HashMap<>();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        int colon = line.indexOf(':');
        if (colon > 0)
          headers.put(
              line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
              line.substring(colon + 1).strip());
      }
      if (requestLine == null) return;
      requests.add(new Request(headers.get("last-event-id"), headers.get("user-agent")));
      OutputStream out = client.getOutputStream();
      if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        byte[] body =
            "Too Many Concurrent Connections From Your Client IP".getBytes(StandardCharsets.UTF_8);
        out.write(
            ("HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain\r\nRetry-After: 1\r\nContent-Length: "
                    + body.length
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        return;
      }
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      // With a BOM, the stream opens with it and then directly with the first frame.
      chunk(out, bom ? "\uFEFF" : ":ok\n\n");
      int start = startAfter(headers.get("last-event-id"));
      int dropAfter = dropAfterFrames.getAndSet(-1);
      int i = start;
      for (int sent = 0; !client.isClosed() && !socket.isClosed(); ) {
        if (i >= Math.min(available.get(), frames.size())) {
          Thread.sleep(200); // nothing (more) to send until a test releases frames held back
          continue;
        }
        String text = frames.get(i).text();
        if (dropAfter >= 0 && sent == dropAfter) {
          awaitCut();
          chunk(out, text.substring(0, text.length() / 2));
          client.setSoLinger(true, 0); // reset, without the last chunk
          return;
        }
        chunk(out, text);
        framesSent.incrementAndGet();
        i++;
        sent++;
      }
    } catch (IOException | InterruptedException e) {
      // the client went away or the server is closing
    } finally {
      open.remove(client);
    }
  }

  /**
   * Waits for {@link #cutWhen}: polled, since what it watches (a table, an API) has no callback.
   */
  private void awaitCut() throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!holds(cutWhen) && System.nanoTime() < deadline) Thread.sleep(100);
  }

  private static boolean holds(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (RuntimeException e) {
      return false; // e.g. the table it reads is not there yet
    }
  }

  private int startAfter(String lastEventId) {
    if (lastEventId == null) return 0;
    for (int i = 0; i < frames.size(); i++) {
      if (lastEventId.equals(frames.get(i).id())) return i + 1;
    }
    return 0;
  }

  private static void chunk(OutputStream out, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(bytes);
    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : open) s.close();
  }
}
