package kafkapipeline.silo;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Lists of {@code host:port} as settings give them ({@code "a:1, b:2"}). Every failure is an {@link
 * IllegalArgumentException} naming the setting's path.
 */
final class HostPorts {
  private HostPorts() {}

  /** "a:1, b:2" -> ["a:1", "b:2"], each checked to be host:port; an empty list is refused. */
  static List<String> list(String csv, String path) {
    List<String> out =
        Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (out.isEmpty()) throw new IllegalArgumentException(path + " is empty");
    for (String hp : out) socketAddress(hp, path);
    return out;
  }

  /** "host:port" as an unresolved address (resolved when connecting). */
  static InetSocketAddress socketAddress(String hostPort, String path) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0)
      throw new IllegalArgumentException(path + ": '" + hostPort + "' is not host:port");
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(path + ": '" + hostPort + "' has no numeric port");
    }
    return InetSocketAddress.createUnresolved(hostPort.substring(0, colon), port(port, path));
  }

  static int port(int port, String path) {
    if (port < 1 || port > 65535)
      throw new IllegalArgumentException(path + ": port " + port + " is out of range");
    return port;
  }
}
