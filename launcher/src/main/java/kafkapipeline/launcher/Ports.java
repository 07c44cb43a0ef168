package kafkapipeline.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * TCP ports on a local address: by default the loopback {@link #HOST}, where every server of the
 * pipeline listens unless its options name another local address (127.0.0.2, a bridge address).
 *
 * <p>{@link #isFree} and {@link #freePort} answer for the moment they are called: another process
 * may take the port right after. That race is accepted; it only costs a failed start.
 */
public final class Ports {

  /** The address every server and silo binds to. */
  public static final String HOST = "127.0.0.1";

  private Ports() {}

  /** True if a server socket can be bound to {@code port} on 127.0.0.1 right now. */
  public static boolean isFree(int port) {
    return isFree(HOST, port);
  }

  /**
   * True if a server socket can be bound to {@code port} on {@code host} right now; false also when
   * {@code host} is not an address of this machine.
   */
  public static boolean isFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A port the system considers free on 127.0.0.1 (from an ephemeral bind). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(loopback(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind any port on " + HOST, e);
    }
  }

  /** True if something accepts TCP connections on 127.0.0.1:{@code port} (within 250 ms). */
  public static boolean isListening(int port) {
    return isListening(HOST, port);
  }

  /** True if something accepts TCP connections on {@code host:port} (within 250 ms). */
  public static boolean isListening(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), 250);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Fails fast when {@code port} is taken.
   *
   * @param purpose what the port is for, e.g. "Cassandra native transport"
   * @throws LaunchException "port 9042 (Cassandra native transport) is already in use on 127.0.0.1"
   */
  public static void requireFree(int port, String purpose) {
    requireFree(HOST, port, purpose);
  }

  /**
   * Fails fast when {@code port} cannot be bound on {@code host}.
   *
   * @throws LaunchException "port 9042 (Cassandra native transport) is already in use on
   *     127.0.0.2", or, if the address is not this machine's, "127.0.0.9 is not an address of this
   *     machine ..."
   */
  public static void requireFree(String host, int port, String purpose) {
    if (!isFree(host, port)) {
      if (!isLocalAddress(host)) {
        throw new LaunchException(
            host
                + " is not an address of this machine (wanted for port "
                + port
                + ", "
                + purpose
                + ")");
      }
      throw new LaunchException("port " + port + " (" + purpose + ") is already in use on " + host);
    }
  }

  /**
   * True if a socket can be bound to {@code host} on some port, i.e. it is one of this machine's
   * addresses.
   */
  public static boolean isLocalAddress(String host) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static InetAddress loopback() throws IOException {
    return InetAddress.getByName(HOST);
  }
}
