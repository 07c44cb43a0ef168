package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import kafkapipeline.api.sources.AddressRule;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * {@link CheckedResolver} over names that resolve to generated lists of addresses (public, refused,
 * and refused ones hidden behind public ones, in any order and form): a name is refused exactly
 * when one of its addresses is (by {@link AddressRule}, itself property-tested against an oracle in
 * grains-api), naming the name and that address; otherwise the address given to connect to is the
 * first of the answer, and so one that was checked.
 */
class CheckedResolverPropertiesTest {
  private static final String[] POOL = {
    "93.184.215.14",
    "8.8.8.8",
    "203.0.113.9",
    "2606:4700:4700::1111",
    "2001:db8::5",
    "127.0.0.1",
    "10.0.0.7",
    "169.254.169.254",
    "172.20.1.1",
    "192.168.1.1",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "::1",
    "::",
    "fd00:ec2::254",
    "fe80::1",
    "fec0::1",
    "ff02::1",
    "::ffff:10.0.0.1",
    "::127.0.0.1",
    "64:ff9b::a9fe:a9fe",
    "2002:a9fe:a9fe::1",
    "64:ff9b::808:808"
  };

  @Test
  void aNameIsRefusedExactlyWhenOneOfItsAddressesIs() {
    Gen<List<Integer>> answers =
        lists().of(integers().between(0, POOL.length - 1)).ofSizeBetween(1, 5);
    qt().withExamples(5_000)
        .forAll(answers, integers().between(0, 2))
        .checkAssert(
            (picks, opened) -> {
              AddressRule rule =
                  opened == 0
                      ? AddressRule.publicOnly()
                      : opened == 1
                          ? AddressRule.parse("127.0.0.0/8")
                          : AddressRule.parse("10.0.0.0/8, fc00::/7");
              InetAddress[] all =
                  picks.stream()
                      .map(CheckedResolverPropertiesTest::address)
                      .toArray(InetAddress[]::new);
              CheckedResolver resolver =
                  new CheckedResolver(rule, host -> all.clone(), Runnable::run);
              InetAddress firstRefused = null;
              for (InetAddress a : all)
                if (firstRefused == null && rule.refusal(a).isPresent()) firstRefused = a;
              if (firstRefused == null) {
                try {
                  assertEquals(all[0], resolver.check("api.example.test"));
                  assertEquals(
                      all[0],
                      resolver
                          .resolve("api.example.test", 443)
                          .toCompletableFuture()
                          .join()
                          .getAddress());
                } catch (java.io.IOException e) {
                  throw new AssertionError(picks + ": " + e, e);
                }
              } else {
                CheckedResolver.RefusedAddressException e =
                    assertThrows(
                        CheckedResolver.RefusedAddressException.class,
                        () -> resolver.check("api.example.test"),
                        picks::toString);
                assertEquals(
                    "connection refused: 'api.example.test' resolves to "
                        + rule.refusal(firstRefused).get(),
                    e.getMessage());
                assertTrue(CheckedResolver.refusal(new RuntimeException(e)).isPresent());
              }
            });
  }

  @Test
  void aNameWithNoAddressIsUnknown() {
    CheckedResolver resolver =
        new CheckedResolver(AddressRule.publicOnly(), host -> new InetAddress[0], Runnable::run);
    assertThrows(UnknownHostException.class, () -> resolver.check("nothing.test"));
  }

  private static InetAddress address(int i) {
    try {
      return InetAddress.getByName(POOL[i]);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
