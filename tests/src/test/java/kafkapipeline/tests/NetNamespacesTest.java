package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link NetNamespaces} on the real kernel: addresses, routes both ways, a cut that stops traffic
 * both ways and a heal that restores it, and cleanup on close, on a JVM shutdown hook and after a
 * SIGKILLed run. Skips where namespaces cannot be made (not root, no {@code ip}).
 */
@org.junit.jupiter.api.Order(1) // before ReplicatedEngines makes the JVM-wide namespaces
class NetNamespacesTest {
  /** Where the listener inside a namespace listens (every namespace has all its ports free). */
  private static final int LISTENER_PORT = 7777;

  @BeforeAll
  static void namespacesCanBeMade() {
    NetNamespaces.Availability a = NetNamespaces.available();
    Assumptions.assumeTrue(a.ok(), () -> "skipped: " + a.reason());
  }

  @Test
  void aMissingIpCommandIsAClearReasonToSkip() {
    NetNamespaces.Availability a = NetNamespaces.probe("/nonexistent/ip");
    assertFalse(a.ok());
    assertTrue(a.reason().startsWith("no `/nonexistent/ip` command (iproute2) here"), a.reason());
  }

  @Test
  void hostsReachTheBridgeAndEachOtherUntilCutAndAgainWhenHealed() throws Exception {
    try (NetNamespaces net = NetNamespaces.create(2, 1);
        ServerSocket onBridge =
            new ServerSocket(0, 50, InetAddress.getByName(NetNamespaces.serverAddress(1)))) {
      for (int n = 1; n <= 2; n++) {
        String addr =
            net.exec(
                    n,
                    List.of("ip", "-o", "-4", "addr", "show", "dev", NetNamespaces.innerLink(n)),
                    Duration.ofSeconds(10))
                .output();
        assertTrue(addr.contains(NetNamespaces.address(n) + "/24"), "host " + n + ": " + addr);
      }
      Process listener = listenIn(net, 2);
      try {
        // Namespace -> bridge, seen from the bridge with the namespace's own address.
        assertEquals(NetNamespaces.address(1), connectFrom(net, 1, onBridge));
        // Host -> namespace and namespace -> namespace: the listener answers with the caller's
        // address.
        assertEquals(NetNamespaces.serverAddress(1), askFromHost(NetNamespaces.address(2)));
        assertEquals(NetNamespaces.address(1), askFrom(net, 1, NetNamespaces.address(2)));

        net.cut(2);
        assertTrue(net.isCut(2) && !net.isCut(1));
        assertEquals(
            null, askFromHost(NetNamespaces.address(2)), "the host still reaches the cut host");
        assertEquals(
            null, askFrom(net, 1, NetNamespaces.address(2)), "host 1 still reaches the cut host");
        assertEquals(null, connectFrom(net, 2, onBridge), "the cut host still reaches the bridge");
        assertEquals(
            NetNamespaces.address(1), connectFrom(net, 1, onBridge), "the cut took host 1 off too");

        net.heal(2);
        assertFalse(net.isCut(2));
        Await.until(
            Duration.ofSeconds(20),
            () -> NetNamespaces.serverAddress(1).equals(askFromHost(NetNamespaces.address(2))),
            () -> "the healed host does not answer");
        assertEquals(NetNamespaces.address(1), askFrom(net, 1, NetNamespaces.address(2)));
        assertEquals(NetNamespaces.address(2), connectFrom(net, 2, onBridge));
      } finally {
        listener.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      net.close();
      assertEquals(
          List.of(), NetNamespaces.leftovers(), "close removes every kp- namespace and link");
      assertThrows(IllegalStateException.class, () -> net.cut(1), "a closed helper refuses to cut");
    }
  }

  @Test
  void aRunThatExitsWithoutClosingCleansUpOnItsShutdownHook() throws Exception {
    Process child = child("exit");
    assertEquals(
        0, child.waitFor(60, TimeUnit.SECONDS) ? child.exitValue() : -1, "the child did not exit");
    assertEquals(List.of(), NetNamespaces.leftovers(), "the shutdown hook left these");
  }

  @Test
  void whatASigkilledRunLeftIsRemovedByTheNextCreate() throws Exception {
    Process child = child("hang");
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("ready", out.readLine(), "the child did not make its namespaces");
      List<String> made = NetNamespaces.leftovers();
      assertTrue(
          made.contains("netns " + NetNamespaces.namespace(1))
              && made.contains("link " + NetNamespaces.BRIDGE),
          made.toString());
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no hook runs
      assertEquals(made, NetNamespaces.leftovers(), "a SIGKILLed run cannot clean up");
    }
    // A leftover of a name this run will not make: removed too, being kp-.
    NetNamespaces.Result added =
        NetNamespaces.run(
            List.of("ip", "link", "add", NetNamespaces.PREFIX + "h7", "type", "bridge"));
    assertEquals(0, added.code(), added.output());
    try (NetNamespaces net = NetNamespaces.create(1, 1)) {
      List<String> now = NetNamespaces.leftovers();
      assertFalse(
          now.contains("netns " + NetNamespaces.namespace(3))
              || now.contains("link " + NetNamespaces.hostLink(3))
              || now.contains("link " + NetNamespaces.PREFIX + "h7"),
          now.toString());
      assertEquals(
          List.of(
              "link " + NetNamespaces.BRIDGE,
              "link " + NetNamespaces.hostLink(1),
              "netns " + NetNamespaces.namespace(1)),
          now.stream().sorted().toList());
    }
    assertEquals(List.of(), NetNamespaces.leftovers());
  }

  /**
   * A child JVM that makes 3 hosts, says "ready", then exits ("exit") or waits to be killed
   * ("hang").
   */
  public static void main(String[] args) throws Exception {
    NetNamespaces net = NetNamespaces.create(3, 1);
    System.out.println("ready");
    System.out.flush();
    if (args[0].equals("hang")) Thread.sleep(Long.MAX_VALUE);
    System.exit(net.hosts() == 3 ? 0 : 1); // without close: the shutdown hook must clean up
  }

  private static Process child(String mode) throws IOException {
    String cp = System.getProperty("java.class.path");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                cp,
                NetNamespacesTest.class.getName(),
                mode));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /**
   * Starts, in host {@code n}, a listener that answers each connection with the caller's address.
   */
  private static Process listenIn(NetNamespaces net, int n) throws IOException {
    List<String> command = new ArrayList<>(net.execPrefix(n));
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx32m",
            "-cp",
            System.getProperty("java.class.path"),
            Listener.class.getName(),
            NetNamespaces.address(n),
            String.valueOf(LISTENER_PORT)));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("listening", out.readLine(), "the listener in host " + n + " did not start");
    return p;
  }

  /** The listener run inside a namespace. */
  static final class Listener {
    public static void main(String[] args) throws IOException {
      try (ServerSocket server =
          new ServerSocket(Integer.parseInt(args[1]), 50, InetAddress.getByName(args[0]))) {
        System.out.println("listening");
        System.out.flush();
        while (true) {
          try (Socket s = server.accept();
              OutputStream o = s.getOutputStream()) {
            o.write((s.getInetAddress().getHostAddress() + "\n").getBytes(StandardCharsets.UTF_8));
          }
        }
      }
    }
  }

  /**
   * What the listener at {@code address} answers the host, or null if it cannot be reached within 2
   * s.
   */
  private static String askFromHost(String address) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, LISTENER_PORT), 2_000);
      s.setSoTimeout(5_000);
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * What the listener at {@code address} answers host {@code n}, or null if it cannot be reached.
   */
  private static String askFrom(NetNamespaces net, int n, String address) {
    NetNamespaces.Result r =
        net.exec(
            n,
            List.of(
                "timeout",
                "3",
                "bash",
                "-c",
                "exec 3<>/dev/tcp/" + address + "/" + LISTENER_PORT + " && head -n 1 <&3"),
            Duration.ofSeconds(10));
    return r.code() == 0 ? r.output().strip() : null;
  }

  /**
   * Connects from host {@code n} to {@code server} on the bridge; returns the address the server
   * saw, or null if the connection failed.
   */
  private static String connectFrom(NetNamespaces net, int n, ServerSocket server)
      throws IOException {
    server.setSoTimeout(5_000);
    NetNamespaces.Result r =
        net.exec(
            n,
            List.of(
                "timeout",
                "3",
                "bash",
                "-c",
                "exec 3<>/dev/tcp/" + NetNamespaces.serverAddress(1) + "/" + server.getLocalPort()),
            Duration.ofSeconds(10));
    if (r.code() != 0) return null;
    try (Socket accepted = server.accept()) {
      return accepted.getInetAddress().getHostAddress();
    }
  }
}
