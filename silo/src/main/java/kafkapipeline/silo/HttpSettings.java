package kafkapipeline.silo;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kafkapipeline.api.sources.AddressRule;
import kafkapipeline.grains.ConfigSection;

/**
 * The HTTP API and dashboard of a silo, section {@value #PATH}, with the timeouts its routes wait
 * on. A bad value fails at construction with the setting's full path in the message; so does a host
 * that is not a loopback address ({@link #isLoopback}) without a token, which would open the API to
 * the network.
 *
 * @param host the address the API binds
 * @param port its port
 * @param token the bearer token every request must carry, or "" for none (loopback only)
 * @param sessionMaxAge how long the browser keeps the session cookie that {@code ?token=} sets
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
    Duration sessionMaxAge,
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
              + ".host (HTTP_HOST) is '"
              + host
              + "', not a loopback address (an IP in 127.0.0.0/8, ::1, or the name localhost"
              + " resolving to loopback only), and "
              + PATH
              + ".token is empty: set HTTP_TOKEN so the API and dashboard are not open to the"
              + " network");
    }
    ConfigSection.positive(sessionMaxAge, PATH + ".session-max-age");
    if (sessionMaxAge.toSeconds() < 1)
      throw new IllegalArgumentException(
          PATH + ".session-max-age is " + sessionMaxAge + ": at least 1s (a cookie's Max-Age)");
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
        s.duration("session-max-age"),
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

  /**
   * Whether {@code host} binds loopback only: an IP literal in 127.0.0.0/8 or ::1 (an IPv6 one
   * bracketed or not), or the name {@code localhost} when every address it resolves to is loopback.
   * Any other name is not, whatever it resolves to: {@code 127.example.com} is a name like any
   * other, and DNS may answer differently when the silo binds it.
   */
  static boolean isLoopback(String host) {
    String h = host.strip();
    InetAddress literal =
        AddressRule.literal(h.indexOf(':') >= 0 && !h.startsWith("[") ? "[" + h + "]" : h);
    if (literal != null) return literal.isLoopbackAddress();
    if (!h.equalsIgnoreCase("localhost")) return false;
    try {
      InetAddress[] all = InetAddress.getAllByName(h);
      return all.length > 0 && Arrays.stream(all).allMatch(InetAddress::isLoopbackAddress);
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
