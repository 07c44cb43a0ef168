package kafkapipeline.tests;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The engines as a silo's {@code /api/health} lists them ({@code engines}), for tests that kill and
 * restart brokers and nodes: each broker's state by id (a broker known by address only is keyed
 * {@code "@host:port"}), each Cassandra node's state by host:port, and waits for a state. A Kafka
 * broker shows as down once Kafka no longer lists it live (for a SIGKILL, after the KRaft broker
 * session timeout); a Cassandra node as soon as the driver loses its connections.
 */
final class EngineStates {
  private EngineStates() {}

  /** Broker id (or "@address") -> up, down or unknown. */
  static Map<String, String> brokers(SiloHttp.At api) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode b : engines(api).at("/kafka/brokers")) {
      out.put(
          b.path("id").isNull() ? "@" + b.path("address").asText() : b.path("id").asText(),
          b.path("state").asText());
    }
    return out;
  }

  /** Cassandra node host:port -> up, down or unknown. */
  static Map<String, String> nodes(SiloHttp.At api) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode n : engines(api).at("/cassandra/nodes"))
      out.put(n.path("address").asText(), n.path("state").asText());
    return out;
  }

  /** The {@code engines} object of one {@code /api/health} answer (200 or 503: both carry it). */
  static JsonNode engines(SiloHttp.At api) {
    return SiloHttp.get(api, "/api/health").body().path("engines");
  }

  static void awaitBrokers(int api, Map<String, String> expected, Duration timeout) {
    awaitBrokers(SiloHttp.At.loopback(api), expected, timeout);
  }

  static void awaitNodes(int api, Map<String, String> expected, Duration timeout) {
    awaitNodes(SiloHttp.At.loopback(api), expected, timeout);
  }

  static void awaitBrokers(SiloHttp.At api, Map<String, String> expected, Duration timeout) {
    Await.until(
        timeout,
        () -> brokers(api).equals(expected),
        () -> "brokers " + brokers(api) + ", not " + expected);
  }

  static void awaitNodes(SiloHttp.At api, Map<String, String> expected, Duration timeout) {
    Await.until(
        timeout,
        () -> nodes(api).equals(expected),
        () -> "nodes " + nodes(api) + ", not " + expected);
  }
}
