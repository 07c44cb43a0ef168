package kafkapipeline.api.sources;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which addresses a declarative source may connect to: public ones only, unless a network was
 * opened ({@code SOURCES_ALLOWED_NETWORKS}). Refused: unspecified and "this network" (0.0.0.0/8,
 * ::), loopback (127.0.0.0/8, ::1), private (RFC 1918), shared (100.64.0.0/10), link-local
 * (169.254.0.0/16 with the cloud metadata address, fe80::/10), unique-local (fc00::/7, with EC2's
 * fd00:ec2::254) and site-local (fec0::/10) IPv6, multicast (224.0.0.0/4, ff00::/8), reserved and
 * broadcast (240.0.0.0/4); and an IPv6 address that embeds a refused IPv4 one: IPv4-mapped
 * (::ffff:0:0/96), IPv4-compatible (::/96), NAT64 (64:ff9b::/96), 6to4 (2002::/16). An address in
 * an opened network is allowed, and so is an embedding address whose IPv4 address is in one.
 *
 * <p>Immutable and thread-safe; no method does a DNS lookup. A refusal names the address, the range
 * and the rule.
 */
public final class AddressRule {
  /** The setting that opens networks, as refusals name it. */
  public static final String SETTING = "SOURCES_ALLOWED_NETWORKS";

  private static final AddressRule PUBLIC_ONLY = new AddressRule(List.of());
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final List<Network> allowed;

  private AddressRule(List<Network> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /** Public addresses only. */
  public static AddressRule publicOnly() {
    return PUBLIC_ONLY;
  }

  /** Public addresses and those of {@code allowed}. */
  public static AddressRule allowing(List<Network> allowed) {
    return allowed.isEmpty() ? PUBLIC_ONLY : new AddressRule(allowed);
  }

  /**
   * A comma-separated list of CIDRs ({@code 127.0.0.0/8, ::1/128}); blank: none opened.
   *
   * @throws IllegalArgumentException naming the first entry that is not a CIDR, and why
   */
  public static AddressRule parse(String networks) {
    List<Network> out = new ArrayList<>();
    if (networks != null)
      for (String part : networks.split(",", -1)) {
        if (part.isBlank()) {
          if (!networks.isBlank())
            throw new IllegalArgumentException("an empty entry in " + Show.quote(networks));
          continue;
        }
        out.add(Network.parse(part.strip()));
      }
    return allowing(out);
  }

  /** The networks opened. */
  public List<Network> allowed() {
    return allowed;
  }

  /**
   * Why a source may not connect to {@code address} (naming the address, the range and the rule),
   * or empty when it may.
   */
  public Optional<String> refusal(InetAddress address) {
    byte[] a = address.getAddress();
    if (opened(a)) return Optional.empty();
    String own = a.length == 4 ? Ranges.v4(a) : Ranges.v6(a);
    if (own != null) return Optional.of(refused(address, own));
    if (a.length == 16) {
      Ranges.Embedded e = Ranges.embedded(a);
      String inner = e == null || opened(e.v4()) ? null : Ranges.v4(e.v4());
      if (inner != null)
        return Optional.of(
            refused(
                address,
                "it embeds " + text(e.v4()) + " (" + e.form() + "), which is in " + inner));
    }
    return Optional.empty();
  }

  /**
   * The refusal of a URL host that is an IP literal ({@code 10.0.0.1}, {@code [::1]}), empty for an
   * allowed literal or a name (a name is checked where it is resolved, at connect time).
   */
  public Optional<String> literalRefusal(String host) {
    InetAddress literal = literal(host);
    return literal == null ? Optional.empty() : refusal(literal);
  }

  /**
   * {@code host} as an address if it is an IPv4 dotted quad or a bracketed IPv6 literal, else null
   * (a name, or not an address); never asks DNS.
   */
  public static InetAddress literal(String host) {
    if (host == null) return null;
    try {
      if (host.startsWith("[") && host.endsWith("]") && host.indexOf(':') >= 0)
        // With a ':' the JDK parses an IPv6 literal and never asks DNS.
        return InetAddress.getByName(host.substring(1, host.length() - 1));
      if (IPV4.matcher(host).matches()) {
        byte[] b = new byte[4];
        String[] parts = host.split("\\.");
        for (int i = 0; i < 4; i++) {
          int v = Integer.parseInt(parts[i]);
          if (v > 255) return null;
          b[i] = (byte) v;
        }
        return InetAddress.getByAddress(b);
      }
    } catch (UnknownHostException e) {
      return null; // not a literal: the URL check or the connection says what is wrong
    }
    return null;
  }

  private boolean opened(byte[] a) {
    // The JDK gives ::ffff:a.b.c.d as 4 bytes: an IPv6 network that holds it holds those too.
    byte[] mapped = a.length == 4 ? mapped(a) : null;
    for (Network n : allowed)
      if (n.contains(a) || (mapped != null && n.contains(mapped))) return true;
    return false;
  }

  private static byte[] mapped(byte[] v4) {
    byte[] out = new byte[16];
    out[10] = (byte) 0xff;
    out[11] = (byte) 0xff;
    System.arraycopy(v4, 0, out, 12, 4);
    return out;
  }

  private static String refused(InetAddress address, String why) {
    return "address "
        + text(address.getAddress())
        + " is refused: "
        + why
        + "; a source may reach public addresses only, unless "
        + SETTING
        + " opens a network";
  }

  private static String text(byte[] a) {
    try {
      InetAddress address = InetAddress.getByAddress(a);
      // The JDK shows a 16-byte IPv4-mapped address as IPv4: say what was given.
      return a.length == 16 && address instanceof Inet4Address
          ? "::ffff:" + address.getHostAddress()
          : address.getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 4 or 16 bytes: never
    }
  }

  @Override
  public String toString() {
    return allowed.isEmpty() ? "public addresses only" : "public addresses and " + allowed;
  }

  /**
   * A CIDR network ({@code 10.0.0.0/8}, {@code fd00::/8}). Parsed with the JDK's {@link
   * InetAddress} (literals only, never DNS): commons-net's SubnetUtils is IPv4-only, and matching a
   * prefix is a few lines. Bits past the prefix are ignored ({@code 127.0.0.1/8} is 127.0.0.0/8).
   */
  public static final class Network {
    private final byte[] prefix;
    private final int bits;

    private Network(byte[] prefix, int bits) {
      this.prefix = prefix;
      this.bits = bits;
    }

    /**
     * @throws IllegalArgumentException quoting {@code cidr} and saying why it is not one
     */
    public static Network parse(String cidr) {
      int slash = cidr.indexOf('/');
      if (slash < 0)
        throw new IllegalArgumentException(
            Show.quote(cidr) + " is not a CIDR (an address, '/', the prefix length)");
      String host = cidr.substring(0, slash);
      InetAddress address = host.indexOf(':') >= 0 ? literal("[" + host + "]") : literal(host);
      if (address == null)
        throw new IllegalArgumentException(
            Show.quote(cidr) + " is not a CIDR: " + Show.quote(host) + " is not an IP address");
      int bits;
      try {
        bits = Integer.parseInt(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            Show.quote(cidr) + " is not a CIDR: the prefix length is not a number");
      }
      byte[] a = address.getAddress();
      // The JDK makes ::ffff:a.b.c.d an IPv4 address: its prefix length counts 96 bits less.
      if (host.indexOf(':') >= 0 && a.length == 4) bits -= 96;
      if (bits < 0 || bits > a.length * 8)
        throw new IllegalArgumentException(
            Show.quote(cidr)
                + " is not a CIDR: the prefix length must be 0 to "
                + a.length * 8
                + (host.indexOf(':') >= 0 && a.length == 4 ? " (+96 for ::ffff:)" : ""));
      for (int i = 0; i < a.length; i++) {
        int keep = Math.max(0, Math.min(8, bits - 8 * i));
        a[i] &= (byte) ((0xff << (8 - keep)) & 0xff);
      }
      return new Network(a, bits);
    }

    /** Whether {@code address} (4 or 16 bytes) is in this network. */
    boolean contains(byte[] address) {
      if (address.length != prefix.length) return false;
      int full = bits / 8;
      for (int i = 0; i < full; i++) if (address[i] != prefix[i]) return false;
      int rest = bits % 8;
      if (rest == 0) return true;
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (prefix[full] & mask);
    }

    @Override
    public String toString() {
      try {
        return InetAddress.getByAddress(prefix).getHostAddress() + "/" + bits;
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * The refused ranges, as byte tests (the property tests check them against a CIDR table by other
   * means).
   */
  private static final class Ranges {
    private Ranges() {}

    static String v4(byte[] a) {
      int b0 = a[0] & 0xff;
      int b1 = a[1] & 0xff;
      if (b0 == 0) return "0.0.0.0/8, 'this network' (unspecified)";
      if (b0 == 127) return "127.0.0.0/8, loopback";
      if (b0 == 10) return "10.0.0.0/8, a private network (RFC 1918)";
      if (b0 == 172 && (b1 & 0xf0) == 16) return "172.16.0.0/12, a private network (RFC 1918)";
      if (b0 == 192 && b1 == 168) return "192.168.0.0/16, a private network (RFC 1918)";
      if (b0 == 100 && (b1 & 0xc0) == 64) return "100.64.0.0/10, shared address space (RFC 6598)";
      if (b0 == 169 && b1 == 254)
        return "169.254.0.0/16, link-local (where cloud metadata, 169.254.169.254, answers)";
      if ((b0 & 0xf0) == 224) return "224.0.0.0/4, multicast";
      if ((b0 & 0xf0) == 240) return "240.0.0.0/4, reserved (with broadcast)";
      return null;
    }

    static String v6(byte[] a) {
      int b0 = a[0] & 0xff;
      int b1 = a[1] & 0xff;
      if (zero(a, 0, 16)) return "::/128, unspecified";
      if (zero(a, 0, 15) && a[15] == 1) return "::1/128, loopback";
      if ((b0 & 0xfe) == 0xfc)
        return "fc00::/7, unique-local (where EC2 metadata, fd00:ec2::254, answers)";
      if (b0 == 0xfe && (b1 & 0xc0) == 0x80) return "fe80::/10, link-local";
      if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) return "fec0::/10, site-local";
      if (b0 == 0xff) return "ff00::/8, multicast";
      return null;
    }

    /** An IPv4 address inside an IPv6 one, and the form that put it there. */
    record Embedded(String form, byte[] v4) {}

    /** The IPv4 address a 16-byte address embeds, or null. */
    static Embedded embedded(byte[] a) {
      if (zero(a, 0, 10) && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff)
        return new Embedded("IPv4-mapped, ::ffff:0:0/96", Arrays.copyOfRange(a, 12, 16));
      if (zero(a, 0, 12))
        return new Embedded("IPv4-compatible, ::/96", Arrays.copyOfRange(a, 12, 16));
      if (a[0] == 0
          && a[1] == 0x64
          && (a[2] & 0xff) == 0xff
          && (a[3] & 0xff) == 0x9b
          && zero(a, 4, 12))
        return new Embedded("NAT64, 64:ff9b::/96", Arrays.copyOfRange(a, 12, 16));
      // 6to4: 2002:AABB:CCDD::/48 routes to the IPv4 address AA.BB.CC.DD.
      if (a[0] == 0x20 && a[1] == 0x02)
        return new Embedded("6to4, 2002::/16", Arrays.copyOfRange(a, 2, 6));
      return null;
    }

    private static boolean zero(byte[] a, int from, int to) {
      for (int i = from; i < to; i++) if (a[i] != 0) return false;
      return true;
    }
  }
}
