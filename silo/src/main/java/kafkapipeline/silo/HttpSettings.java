package kafkapipeline.silo;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kafkapipeline.grains.ConfigSection;

/**
 * The HTTP API and dashboard of a silo, section {@value #PATH}, with the timeouts its routes wait
 * on. A bad value fails at construction with the setting's full path in the message; so does a host
 * other than loopback without a token, which would open the API to the network.
 *
 * @param host the address the API binds
 * @param port its port
 * @param token the bearer token every request must carry, or "" for none (loopback only)
 * @param allowedHosts further names the silo may be reached by (lower case, host or host:port)
 * @param askTimeout longest a route waits for a grain or actor to answer (the request then fails)
 * @param queryTimeout longest a route's Cassandra query (rows, series, dead letters) may take
 * @param countTimeout longest each Cassandra node may take to give {@code /api/status} its size
 *     estimates (a node slower than that is left out, and the response says so)
 */
public record HttpSettings(
    String host,
    int port,
    String token,
    List<String> allowedHosts,
    Duration askTimeout,
    Duration queryTimeout,
    Duration countTimeout) {
  public static final String PATH = "pipeline.http";

  private static final Pattern HOST =
      Pattern.compile("(\\[[0-9a-f:.]+\\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:([0-9]{1,5}))?");

  public HttpSettings {
    ConfigSection.nonBlank(host, PATH + ".host");
    HostPorts.port(port, PATH + ".port");
    if (token.isBlank() && !isLoopback(host)) {
      throw new IllegalArgumentException(
          PATH
              + ".host is '"
              + host
              + "', not loopback, and "
              + PATH
              + ".token is empty: set HTTP_TOKEN so the API and dashboard are not open to the"
              + " network");
    }
    allowedHosts = List.copyOf(allowedHosts);
    ConfigSection.positive(askTimeout, PATH + ".ask-timeout");
    ConfigSection.positive(queryTimeout, PATH + ".query-timeout");
    ConfigSection.positive(countTimeout, PATH + ".count-timeout");
  }

  /** Reads and checks section {@value #PATH} of {@code config} (the whole configuration). */
  public static HttpSettings fromConfig(Config config) {
    ConfigSection s = ConfigSection.of(config, PATH);
    return new HttpSettings(
        s.string("host"),
        s.integer("port"),
        s.string("token").strip(),
        allowedHosts(s.string("allowed-hosts")),
        s.duration("ask-timeout"),
        s.duration("query-timeout"),
        s.duration("count-timeout"));
  }

  /**
   * pipeline.http.allowed-hosts: "a.example:8080, b.example" -> ["a.example:8080", "b.example"],
   * lower case; each a host name or address (IPv6 in brackets) with an optional port, nothing else.
   */
  static List<String> allowedHosts(String csv) {
    String path = PATH + ".allowed-hosts";
    List<String> out =
        Arrays.stream(csv.split(","))
            .map(s -> s.strip().toLowerCase(Locale.ROOT))
            .filter(s -> !s.isEmpty())
            .toList();
    for (String entry : out) {
      Matcher m = HOST.matcher(entry);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            path + ": '" + entry + "' is not host or host:port (no scheme, no path)");
      }
      if (m.group(4) != null) HostPorts.port(Integer.parseInt(m.group(4)), path);
    }
    return out;
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost")
        || host.equals("::1")
        || host.equals("[::1]")
        || host.startsWith("127.");
  }
}
