package kafkapipeline.api.sources;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The address rule restated for the tests, on another path than {@link AddressRule}: every address
 * a 128-bit number (IPv4 as ::ffff:a.b.c.d), every refused range one CIDR of a table (each refused
 * IPv4 range also written out as its mapped, compatible, NAT64 and 6to4 ranges), membership by
 * shifting {@link BigInteger}s. No code of the rule is used.
 */
final class AddressOracle {
  /** A CIDR as a 128-bit base and a prefix length. */
  record Cidr(BigInteger base, int bits, String name) {
    boolean contains(BigInteger address) {
      int shift = 128 - bits;
      return address.shiftRight(shift).equals(base.shiftRight(shift));
    }

    BigInteger size() {
      return BigInteger.ONE.shiftLeft(128 - bits);
    }
  }

  static final BigInteger MAPPED = BigInteger.valueOf(0xffffL).shiftLeft(32);
  static final BigInteger NAT64 = new BigInteger("0064ff9b", 16).shiftLeft(96);
  static final BigInteger SIX_TO_FOUR = BigInteger.valueOf(0x2002).shiftLeft(112);

  /** The refused IPv4 ranges: base as a.b.c.d, prefix length. */
  static final List<Cidr> V4 =
      List.of(
          v4("0.0.0.0", 8),
          v4("127.0.0.0", 8),
          v4("10.0.0.0", 8),
          v4("172.16.0.0", 12),
          v4("192.168.0.0", 16),
          v4("100.64.0.0", 10),
          v4("169.254.0.0", 16),
          v4("224.0.0.0", 4),
          v4("240.0.0.0", 4));

  /** The refused IPv6 ranges of their own. */
  static final List<Cidr> V6 =
      List.of(
          v6("0", 128, "::"),
          v6("1", 128, "::1"),
          v6("fc000000000000000000000000000000", 7, "fc00::/7"),
          v6("fe800000000000000000000000000000", 10, "fe80::/10"),
          v6("fec00000000000000000000000000000", 10, "fec0::/10"),
          v6("ff000000000000000000000000000000", 8, "ff00::/8"));

  /** Every refused range as 128-bit CIDRs. */
  static final List<Cidr> ALL = all();

  private static List<Cidr> all() {
    List<Cidr> out = new ArrayList<>(V6);
    for (Cidr c : V4) {
      BigInteger v4 = c.base().subtract(MAPPED);
      int n = c.bits() - 96;
      out.add(c); // ::ffff:a.b.c.d, and so plain IPv4
      out.add(new Cidr(v4, 96 + n, "compatible " + c.name()));
      out.add(new Cidr(NAT64.or(v4), 96 + n, "NAT64 " + c.name()));
      out.add(new Cidr(SIX_TO_FOUR.or(v4.shiftLeft(80)), 16 + n, "6to4 " + c.name()));
    }
    return List.copyOf(out);
  }

  private AddressOracle() {}

  static Cidr v4(String dotted, int bits) {
    String[] p = dotted.split("\\.");
    long v = 0;
    for (String part : p) v = v * 256 + Long.parseLong(part);
    return new Cidr(MAPPED.or(BigInteger.valueOf(v)), 96 + bits, dotted + "/" + bits);
  }

  static Cidr v6(String hex, int bits, String name) {
    return new Cidr(new BigInteger(hex, 16), bits, name);
  }

  /** The address as 128 bits (IPv4 as IPv4-mapped). */
  static BigInteger number(InetAddress address) {
    BigInteger n = new BigInteger(1, address.getAddress());
    return address.getAddress().length == 4 ? MAPPED.or(n) : n;
  }

  /** The IPv4 address (as ::ffff:a.b.c.d) an address embeds by one of the four forms, or null. */
  static BigInteger embedded(BigInteger a) {
    BigInteger low32 = a.and(BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE));
    BigInteger high96 = a.shiftRight(32);
    if (high96.equals(BigInteger.valueOf(0xffff))
        || high96.signum() == 0
        || high96.equals(NAT64.shiftRight(32))) return MAPPED.or(low32);
    if (a.shiftRight(112).equals(BigInteger.valueOf(0x2002)))
      return MAPPED.or(a.shiftRight(80).and(BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE)));
    return null;
  }

  static boolean in(List<Cidr> cidrs, BigInteger a) {
    for (Cidr c : cidrs) if (c.contains(a)) return true;
    return false;
  }

  /** Whether the rule opening {@code allowed} must refuse {@code address}. */
  static boolean refused(InetAddress address, List<Cidr> allowed) {
    BigInteger a = number(address);
    if (in(allowed, a)) return false;
    if (in(V6, a)) return true;
    BigInteger e = embedded(a); // a plain IPv4 address embeds itself (its mapped form)
    return e != null && !in(allowed, e) && in(V4, e);
  }
}
