package kafkapipeline.api.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The exact words of refusals, the literals a URL may hold, and the setting's parse errors. */
class AddressRuleTest {
  private static final String TAIL =
      "; a source may reach public addresses only, unless SOURCES_ALLOWED_NETWORKS opens a network";

  @Test
  void refusalsNameTheAddressTheRangeAndTheRule() throws Exception {
    AddressRule rule = AddressRule.publicOnly();
    assertEquals(
        Optional.of(
            "address 169.254.169.254 is refused: 169.254.0.0/16, link-local (where cloud"
                + " metadata, 169.254.169.254, answers)"
                + TAIL),
        rule.literalRefusal("169.254.169.254"));
    assertEquals(
        Optional.of(
            "address fd00:ec2:0:0:0:0:0:254 is refused: fc00::/7, unique-local (where EC2"
                + " metadata, fd00:ec2::254, answers)"
                + TAIL),
        rule.literalRefusal("[fd00:ec2::254]"));
    assertEquals(
        Optional.of(
            "address 0:0:0:0:0:0:a9fe:a9fe is refused: it embeds 169.254.169.254 (IPv4-compatible,"
                + " ::/96), which is in 169.254.0.0/16, link-local (where cloud metadata,"
                + " 169.254.169.254, answers)"
                + TAIL),
        rule.literalRefusal("[::169.254.169.254]"));
    assertTrue(rule.literalRefusal("[::ffff:127.0.0.1]").orElseThrow().contains("loopback"));
    assertTrue(rule.literalRefusal("[64:ff9b::10.0.0.1]").orElseThrow().contains("NAT64"));
    assertTrue(rule.literalRefusal("[2002:a00:1::]").orElseThrow().contains("6to4"));
    // Names are left to the connection (no DNS here); so are forms that are no dotted quad.
    assertEquals(Optional.empty(), rule.literalRefusal("localhost"));
    assertEquals(Optional.empty(), rule.literalRefusal("api.spacexdata.com"));
    assertEquals(Optional.empty(), rule.literalRefusal("8.8.8.8"));
    assertEquals(Optional.empty(), rule.literalRefusal("[2606:4700:4700::1111]"));
    assertEquals(Optional.empty(), rule.refusal(InetAddress.getByName("100.128.0.1")));
    assertTrue(rule.refusal(InetAddress.getByName("100.127.255.255")).isPresent());
  }

  @Test
  void openedNetworksAreExactlyThose() throws Exception {
    AddressRule rule = AddressRule.parse("127.0.0.0/8, fd00::/8");
    assertEquals(Optional.empty(), rule.literalRefusal("127.0.0.1"));
    assertEquals(Optional.empty(), rule.literalRefusal("[::ffff:127.0.0.2]"));
    assertEquals(Optional.empty(), rule.literalRefusal("[fd00:ec2::254]"));
    assertTrue(rule.literalRefusal("[::1]").isPresent(), "::1 is not in 127.0.0.0/8");
    assertTrue(rule.literalRefusal("10.0.0.1").isPresent());
    assertTrue(rule.literalRefusal("[fc00::1]").isPresent());
    assertEquals(2, rule.allowed().size());
    assertEquals(List.of(), AddressRule.parse("").allowed());
    assertEquals(List.of(), AddressRule.parse("  ").allowed());
    assertEquals("127.0.0.0/8", AddressRule.parse("127.0.0.1/8").allowed().get(0).toString());
  }

  @Test
  void aBadNetworkSaysWhy() {
    assertEquals(
        "'10.0.0.0/33' is not a CIDR: the prefix length must be 0 to 32", bad("10.0.0.0/33"));
    assertEquals("'10.0.0.0' is not a CIDR (an address, '/', the prefix length)", bad("10.0.0.0"));
    assertEquals(
        "'localhost/8' is not a CIDR: 'localhost' is not an IP address", bad("localhost/8"));
    assertEquals(
        "'10.0.0.0/x' is not a CIDR: the prefix length is not a number", bad("10.0.0.0/x"));
    assertEquals("'::/129' is not a CIDR: the prefix length must be 0 to 128", bad("::/129"));
    assertEquals("an empty entry in '10.0.0.0/8,,'", bad("10.0.0.0/8,,"));
    assertEquals(
        "'256.0.0.0/8' is not a CIDR: '256.0.0.0' is not an IP address", bad("256.0.0.0/8"));
  }

  private static String bad(String networks) {
    return assertThrows(IllegalArgumentException.class, () -> AddressRule.parse(networks))
        .getMessage();
  }
}
