package kafkapipeline.silo;

import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import kafkapipeline.grains.cassandra.Consistency;
import kafkapipeline.grains.cassandra.Schema;
import kafkapipeline.grains.faker.FakerSettings;
import kafkapipeline.grains.persist.PersisterSettings;
import kafkapipeline.grains.spacex.SpaceXSettings;
import kafkapipeline.grains.weather.WeatherSettings;
import kafkapipeline.grains.wikipedia.WikipediaSettings;

/**
 * Everything a silo reads from its configuration, read once at start. A bad value fails here, with
 * the setting's path in the message, before any connection is opened.
 */
public record SiloSettings(
    boolean discoveryThroughCassandra,
    List<String> seedNodes,
    String kafkaBootstrapServers,
    int kafkaPartitions,
    short kafkaReplicationFactor,
    List<InetSocketAddress> cassandraContactPoints,
    String cassandraLocalDatacenter,
    int cassandraReplicationFactor,
    Consistency.Levels cassandraConsistency,
    Duration schemaAgreementTimeout,
    Duration schemaWaitTimeout,
    String httpHost,
    int httpPort,
    String httpToken,
    List<String> httpAllowedHosts,
    FakerSettings faker,
    WeatherSettings weather,
    WikipediaSettings wikipedia,
    PersisterSettings persisters,
    SpaceXSettings spacex) {

  public static SiloSettings fromConfig(Config root) {
    Config p = root.getConfig("pipeline");
    // The SSE limits are Pekko's own settings; check them now rather than when the source starts.
    org.apache.pekko.http.javadsl.settings.ServerSentEventSettings.create(root);
    String discovery = p.getString("cluster.discovery");
    if (!discovery.equals("seed-nodes") && !discovery.equals("cassandra")) {
      throw new IllegalArgumentException(
          "pipeline.cluster.discovery must be seed-nodes or cassandra, was '" + discovery + "'");
    }
    return new SiloSettings(
        discovery.equals("cassandra"),
        hostPorts(p.getString("cluster.seed-nodes"), "pipeline.cluster.seed-nodes"),
        p.getString("kafka.bootstrap-servers"),
        positive(p.getInt("kafka.partitions"), "pipeline.kafka.partitions"),
        replicationFactor(
            p.getInt("kafka.replication-factor"), "pipeline.kafka.replication-factor"),
        hostPorts(p.getString("cassandra.contact-points"), "pipeline.cassandra.contact-points")
            .stream()
            .map(SiloSettings::socketAddress)
            .toList(),
        p.getString("cassandra.local-datacenter"),
        positive(p.getInt("cassandra.replication-factor"), "pipeline.cassandra.replication-factor"),
        new Consistency.Levels(
            Consistency.writeLevel(
                p.getString("cassandra.write-consistency"), "pipeline.cassandra.write-consistency"),
            Consistency.readLevel(
                p.getString("cassandra.read-consistency"), "pipeline.cassandra.read-consistency")),
        positive(
            p.getDuration("cassandra.schema-agreement-timeout"),
            "pipeline.cassandra.schema-agreement-timeout"),
        positive(
            p.getDuration("cassandra.schema-wait-timeout"),
            "pipeline.cassandra.schema-wait-timeout"),
        p.getString("http.host"),
        port(p.getInt("http.port"), "pipeline.http.port"),
        httpToken(p.getString("http.host"), p.getString("http.token")),
        allowedHosts(p.getString("http.allowed-hosts")),
        new FakerSettings(
            p.getDouble("sources.faker.rate"),
            p.getLong("sources.faker.limit"),
            seed(p.getString("sources.faker.seed")),
            p.getDuration("sources.faker.tick")),
        new WeatherSettings(
            p.getString("sources.weather.base-url"),
            p.getString("sources.weather.api-key"),
            p.getDuration("sources.weather.interval"),
            p.getInt("sources.weather.calls-per-minute"),
            p.getDuration("sources.weather.wake-interval")),
        new WikipediaSettings(
            p.getBoolean("sources.wikipedia.enabled"),
            p.getString("sources.wikipedia.stream-url"),
            p.getString("sources.wikipedia.user-agent"),
            p.getInt("sources.wikipedia.batch-size"),
            p.getDuration("sources.wikipedia.batch-window"),
            p.getDuration("sources.wikipedia.min-backoff"),
            p.getDuration("sources.wikipedia.max-backoff"),
            (int) Math.min(Integer.MAX_VALUE, p.getBytes("sources.wikipedia.max-event-size")),
            (int) Math.min(Integer.MAX_VALUE, p.getBytes("sources.wikipedia.max-line-size"))),
        new PersisterSettings(
            p.getInt("persisters.batch-size"),
            p.getDuration("persisters.batch-wait"),
            p.getInt("persisters.parallelism"),
            p.getInt("persisters.write-attempts"),
            p.getDuration("persisters.first-retry-backoff"),
            p.getDuration("persisters.restart-min-backoff"),
            p.getDuration("persisters.restart-max-backoff"),
            (int) Math.min(Integer.MAX_VALUE, p.getBytes("persisters.max-record-bytes")),
            p.getInt("persisters.rows-per-request"),
            (int) Math.min(Integer.MAX_VALUE, p.getBytes("persisters.max-request-bytes")),
            positive(
                p.getDuration("persisters.drain-timeout"), "pipeline.persisters.drain-timeout")),
        new SpaceXSettings(
            p.getString("sources.spacex.base-url"),
            p.getDuration("sources.spacex.interval"),
            p.getBoolean("sources.spacex.include-past")));
  }

  /** "a:1, b:2" -> ["a:1", "b:2"], each checked to be host:port. */
  static List<String> hostPorts(String csv, String path) {
    List<String> out =
        Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (out.isEmpty()) throw new IllegalArgumentException(path + " is empty");
    for (String hp : out) socketAddress(hp, path);
    return out;
  }

  private static InetSocketAddress socketAddress(String hostPort) {
    return socketAddress(hostPort, "address");
  }

  private static InetSocketAddress socketAddress(String hostPort, String path) {
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

  /**
   * The bearer token of the HTTP API, or "" for none. Without a token the API is open to anyone who
   * reaches it, so a host other than loopback without a token is refused.
   */
  static String httpToken(String host, String token) {
    String t = token.strip();
    if (t.isEmpty() && !isLoopback(host)) {
      throw new IllegalArgumentException(
          "pipeline.http.host is '"
              + host
              + "', not loopback, and pipeline.http.token"
              + " is empty: set HTTP_TOKEN so the API and dashboard are not open to the network");
    }
    return t;
  }

  /**
   * pipeline.http.allowed-hosts: "a.example:8080, b.example" -> ["a.example:8080", "b.example"],
   * lower case; each a host name or address (IPv6 in brackets) with an optional port, nothing else.
   */
  static List<String> allowedHosts(String csv) {
    String path = "pipeline.http.allowed-hosts";
    List<String> out =
        Arrays.stream(csv.split(","))
            .map(s -> s.strip().toLowerCase(java.util.Locale.ROOT))
            .filter(s -> !s.isEmpty())
            .toList();
    for (String entry : out) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(
                  "(\\[[0-9a-f:.]+\\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:([0-9]{1,5}))?")
              .matcher(entry);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            path + ": '" + entry + "' is not host or host:port (no scheme, no path)");
      }
      if (m.group(4) != null) port(Integer.parseInt(m.group(4)), path);
    }
    return out;
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost")
        || host.equals("::1")
        || host.equals("[::1]")
        || host.startsWith("127.");
  }

  private static int port(int port, String path) {
    if (port < 1 || port > 65535)
      throw new IllegalArgumentException(path + ": port " + port + " is out of range");
    return port;
  }

  private static int positive(int value, String path) {
    if (value < 1) throw new IllegalArgumentException(path + " must be >= 1, was " + value);
    return value;
  }

  /** Kafka takes a topic's replication factor as a short: a larger one must not wrap around. */
  private static short replicationFactor(int value, String path) {
    if (value < 1 || value > Short.MAX_VALUE) {
      throw new IllegalArgumentException(
          path + " must be from 1 to " + Short.MAX_VALUE + ", was " + value);
    }
    return (short) value;
  }

  private static Duration positive(Duration value, String path) {
    if (value.isNegative() || value.isZero())
      throw new IllegalArgumentException(path + " must be positive, was " + value);
    return value;
  }

  private static OptionalLong seed(String value) {
    if (value.isBlank()) return OptionalLong.empty();
    try {
      return OptionalLong.of(Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "pipeline.sources.faker.seed: '" + value + "' is not a whole number");
    }
  }

  /** Seed nodes as Pekko addresses of the given actor system. */
  public List<String> seedNodeAddresses(String systemName) {
    return seedNodes.stream().map(hp -> "pekko://" + systemName + "@" + hp).toList();
  }

  /** How this silo migrates the schema. */
  public Schema.Settings schema() {
    return new Schema.Settings(
        cassandraLocalDatacenter,
        cassandraReplicationFactor,
        schemaAgreementTimeout,
        schemaWaitTimeout);
  }

  /**
   * {@code min.insync.replicas} of the topics a silo creates: one less than the replication factor
   * (at least 1), so a write acknowledged by all in-sync replicas survives one broker lost and a
   * topic stays writable with one broker down.
   */
  public int kafkaMinInsyncReplicas() {
    return Math.max(1, kafkaReplicationFactor - 1);
  }

  public Duration startupRetryMax() {
    return Duration.ofSeconds(30);
  }
}
