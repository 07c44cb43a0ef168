package kafkapipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortsAndLayoutTest {

  @Test
  void aTakenPortIsReportedInOneLine() throws Exception {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = socket.getLocalPort();
      assertFalse(Ports.isFree(port));
      assertTrue(Ports.isListening(port));
      LaunchException e =
          assertThrows(
              LaunchException.class, () -> Ports.requireFree(port, "Cassandra native transport"));
      assertEquals(
          "port " + port + " (Cassandra native transport) is already in use on 127.0.0.1",
          e.getMessage());
    }
    assertTrue(Ports.isFree(Ports.freePort()));
  }

  @Test
  void portsAreCheckedOnTheHostTheyAreFor() throws Exception {
    // Linux routes all of 127.0.0.0/8 to loopback: 127.0.0.2 is a second local address.
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
      int port = socket.getLocalPort();
      assertFalse(Ports.isFree("127.0.0.2", port));
      assertTrue(Ports.isListening("127.0.0.2", port));
      assertFalse(Ports.isListening("127.0.0.3", port));
      LaunchException e =
          assertThrows(
              LaunchException.class, () -> Ports.requireFree("127.0.0.2", port, "Kafka broker"));
      assertEquals(
          "port " + port + " (Kafka broker) is already in use on 127.0.0.2", e.getMessage());
    }
    // TEST-NET-1 (RFC 5737) is never an address of this machine.
    LaunchException e =
        assertThrows(
            LaunchException.class, () -> Ports.requireFree("192.0.2.1", 9092, "Kafka broker"));
    assertEquals(
        "192.0.2.1 is not an address of this machine (wanted for port 9092, Kafka broker)",
        e.getMessage());
  }

  @Test
  void locatesTheProjectRootFromTheModuleDirectory() {
    ProjectLayout layout = ProjectLayout.locate(); // surefire runs in launcher/
    assertTrue(Files.isRegularFile(layout.root().resolve("pipeline")), layout.root().toString());
    assertEquals("0.1.0-SNAPSHOT", ProjectLayout.projectVersion());
  }

  @Test
  void aMissingBuildSaysHowToBuild(@TempDir Path dir) {
    LaunchException e =
        assertThrows(LaunchException.class, () -> ProjectLayout.at(dir).engineClasspath("kafka"));
    assertTrue(
        e.getMessage().endsWith("is missing; build the project first: ./mvnw package -DskipTests"),
        e.getMessage());
  }
}
