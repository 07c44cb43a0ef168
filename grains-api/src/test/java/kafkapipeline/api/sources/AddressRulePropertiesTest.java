package kafkapipeline.api.sources;

import static kafkapipeline.api.sources.SpecGen.pick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import kafkapipeline.api.sources.AddressOracle.Cidr;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;

/**
 * {@link AddressRule} against {@link AddressOracle} over generated addresses: plain IPv4 and IPv6,
 * IPv4-mapped (as the JDK's IPv4 and as 16 bytes), IPv4-compatible, NAT64 and 6to4 forms, many at
 * the edges of a refused range (its first and last address and the ones just outside); with no
 * network opened, and with opened networks that often hold the address or the IPv4 address it
 * embeds. Every form and every refused range is reached: the test counts them.
 */
class AddressRulePropertiesTest {
  private static final int EXAMPLES = 20_000;
  private static final BigInteger MOD = BigInteger.ONE.shiftLeft(128);
  private static final BigInteger V4_MASK = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);

  /** One address, the networks opened (as the setting's text and as the oracle's CIDRs). */
  record Case(InetAddress address, String networks, List<Cidr> allowed, int form) {
    @Override
    public String toString() {
      return address + " (form " + form + ") with [" + networks + "]";
    }
  }

  @Test
  void publicOnlyRefusesExactlyTheOraclesRanges() {
    int[] forms = new int[8];
    int[] refused = new int[2];
    int[] ranges = new int[AddressOracle.ALL.size()];
    qt().withExamples(EXAMPLES)
        .forAll(cases(false))
        .checkAssert(
            c -> {
              forms[c.form()]++;
              boolean expected = AddressOracle.refused(c.address(), List.of());
              // The oracle's two statements agree: the table of every form, and the rule's steps.
              assertEquals(
                  AddressOracle.in(AddressOracle.ALL, AddressOracle.number(c.address())),
                  expected,
                  c::toString);
              Optional<String> why = AddressRule.publicOnly().refusal(c.address());
              assertEquals(expected, why.isPresent(), () -> c + ": " + why);
              refused[expected ? 1 : 0]++;
              for (int i = 0; i < ranges.length; i++)
                if (AddressOracle.ALL.get(i).contains(AddressOracle.number(c.address())))
                  ranges[i]++;
              why.ifPresent(
                  w -> {
                    assertTrue(w.startsWith("address "), w);
                    assertTrue(w.contains(" is refused: "), w);
                    assertTrue(w.contains(AddressRule.SETTING), w);
                  });
            });
    for (int i = 0; i < forms.length; i++) assertTrue(forms[i] > 100, "form " + i + " reached");
    for (int i = 0; i < ranges.length; i++)
      assertTrue(ranges[i] > 0, AddressOracle.ALL.get(i).name() + " reached");
    assertTrue(
        refused[0] > 1_000 && refused[1] > 1_000,
        "both outcomes: " + refused[0] + "/" + refused[1]);
  }

  @Test
  void openedNetworksOpenExactlyThoseAddresses() {
    int[] opened = new int[1];
    qt().withExamples(EXAMPLES)
        .forAll(cases(true))
        .checkAssert(
            c -> {
              AddressRule rule = AddressRule.parse(c.networks());
              boolean expected = AddressOracle.refused(c.address(), c.allowed());
              if (!expected && AddressOracle.refused(c.address(), List.of())) opened[0]++;
              assertEquals(
                  expected, rule.refusal(c.address()).isPresent(), () -> c + " under " + rule);
            });
    assertTrue(opened[0] > 1_000, "opened a refused address " + opened[0] + " times");
  }

  private static Gen<Case> cases(boolean withNetworks) {
    return in -> {
      int form = (int) pick(in, 0, 7);
      BigInteger a = address(in, form);
      InetAddress address = toAddress(in, a, form);
      if (!withNetworks) return new Case(address, "", List.of(), form);
      List<String> texts = new ArrayList<>();
      List<Cidr> cidrs = new ArrayList<>();
      int n = (int) pick(in, 0, 3);
      for (int i = 0; i < n; i++) {
        int kind = (int) pick(in, 0, 3);
        BigInteger around =
            kind == 0
                ? AddressOracle.number(address)
                : kind == 1 && AddressOracle.embedded(AddressOracle.number(address)) != null
                    ? AddressOracle.embedded(AddressOracle.number(address))
                    : kind == 2
                        ? AddressOracle.ALL
                            .get((int) pick(in, 0, AddressOracle.ALL.size() - 1))
                            .base()
                        : random(in, 128);
        boolean v4 = around.shiftRight(32).equals(BigInteger.valueOf(0xffff)) && pick(in, 0, 3) > 0;
        int bits = v4 ? (int) pick(in, 0, 32) : (int) pick(in, 0, 128);
        BigInteger base = v4 ? mask(around, 96 + bits) : mask(around, bits);
        texts.add(v4 ? dotted(base.and(V4_MASK)) + "/" + bits : hex(base) + "/" + bits);
        cidrs.add(new Cidr(base, v4 ? 96 + bits : bits, "opened"));
      }
      return new Case(address, String.join(pick(in, 0, 1) == 0 ? "," : " , ", texts), cidrs, form);
    };
  }

  /** The address of a form, as 128 bits. */
  private static BigInteger address(RandomnessSource in, int form) {
    switch (form) {
      case 0:
        return AddressOracle.MAPPED.or(random(in, 32)); // IPv4
      case 1:
        return edge(in, AddressOracle.V4); // IPv4 at a refused range's edge
      case 2:
        return random(in, 128); // any IPv6 (rarely one of the forms)
      case 3:
        return edge(in, AddressOracle.V6);
      case 4: // IPv4-mapped, kept as 16 bytes (see toAddress)
        return AddressOracle.MAPPED.or(v4(in));
      case 5: // IPv4-compatible
        return v4(in);
      case 6: // NAT64
        return AddressOracle.NAT64.or(v4(in));
      default: // 6to4, with any subnet and interface id
        return AddressOracle.SIX_TO_FOUR.or(v4(in).shiftLeft(80)).or(random(in, 80));
    }
  }

  /** 32 bits: half the time at a refused range's edge. */
  private static BigInteger v4(RandomnessSource in) {
    return pick(in, 0, 1) == 0 ? random(in, 32) : edge(in, AddressOracle.V4).and(V4_MASK);
  }

  /** An address of a range of {@code cidrs}: its first or last, just outside, or inside. */
  private static BigInteger edge(RandomnessSource in, List<Cidr> cidrs) {
    Cidr c = cidrs.get((int) pick(in, 0, cidrs.size() - 1));
    BigInteger last = c.base().add(c.size()).subtract(BigInteger.ONE);
    BigInteger out;
    switch ((int) pick(in, 0, 4)) {
      case 0 -> out = c.base();
      case 1 -> out = last;
      case 2 -> out = c.base().subtract(BigInteger.ONE);
      case 3 -> out = last.add(BigInteger.ONE);
      default -> out = c.base().or(random(in, 128 - c.bits()));
    }
    return out.mod(MOD);
  }

  private static BigInteger random(RandomnessSource in, int bits) {
    BigInteger out = BigInteger.ZERO;
    for (int done = 0; done < bits; done += 32) {
      int take = Math.min(32, bits - done);
      out = out.shiftLeft(take).or(BigInteger.valueOf(pick(in, 0, (1L << take) - 1)));
    }
    return out;
  }

  private static BigInteger mask(BigInteger a, int bits) {
    return a.shiftRight(128 - bits).shiftLeft(128 - bits);
  }

  private static InetAddress toAddress(RandomnessSource in, BigInteger a, int form) {
    byte[] bytes = bytes(a);
    try {
      if (form == 4 || (form != 0 && form != 1 && pick(in, 0, 1) == 0))
        // An Inet6Address keeps its 16 bytes even when they are IPv4-mapped.
        return Inet6Address.getByAddress(null, bytes, -1);
      return InetAddress.getByAddress(bytes); // mapped: the JDK makes it IPv4
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(BigInteger a) {
    byte[] raw = a.toByteArray();
    byte[] out = new byte[16];
    int copy = Math.min(16, raw.length);
    System.arraycopy(raw, raw.length - copy, out, 16 - copy, copy);
    return out;
  }

  private static String dotted(BigInteger v4) {
    long v = v4.longValue();
    return (v >> 24 & 255) + "." + (v >> 16 & 255) + "." + (v >> 8 & 255) + "." + (v & 255);
  }

  private static String hex(BigInteger a) {
    byte[] b = bytes(a);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 16; i += 2) {
      if (i > 0) s.append(':');
      s.append(Integer.toHexString((b[i] & 0xff) << 8 | (b[i + 1] & 0xff)));
    }
    return s.toString();
  }
}
