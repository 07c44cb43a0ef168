package kafkapipeline.grains.declarative;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import kafkapipeline.api.sources.AddressRule;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.ClientTransport;

/**
 * The only way a declarative source's connections find their peer: resolves the host (an IP literal
 * without DNS), checks every address it resolves to against the {@link AddressRule}, and gives
 * pekko-http the address to connect to, one that was checked. Pekko-http connects to exactly that
 * address ({@link #transport}, {@code ClientTransport.withCustomResolver}) and keeps the host name
 * for the {@code Host} header, TLS SNI and certificate checks; so a name whose DNS answer changes
 * between a check and the connection (DNS rebinding) cannot swap the address, and a redirect is
 * never followed (pekko-http does not follow them; a 3xx fails the attempt).
 *
 * <p>Why this and not the JDK's HttpClient: on JDK 17 it has no resolver hook (the resolver SPI,
 * JEP 418, is JDK 18+) and always resolves the URL's host itself; connecting it to a checked IP
 * literal instead would need the restricted {@code Host} header and a hand-made hostname check for
 * TLS. Pekko-http, already the SSE sources' client, has the hook for http and https alike.
 *
 * <p>On failure the stage fails with a {@link RefusedAddressException} (naming the host, the
 * address and the rule) or an {@link UnknownHostException}; a lookup runs on {@code executor},
 * never on the caller's thread (DNS blocks).
 */
public final class CheckedResolver {
  /** How names become addresses: DNS in production, a table in tests. */
  @FunctionalInterface
  public interface Lookup {
    InetAddress[] all(String host) throws UnknownHostException;
  }

  /** The JDK's resolver (the system's DNS, with its cache). */
  public static final Lookup DNS = InetAddress::getAllByName;

  /** A connection refused by the address rule: the message names host, address and rule. */
  public static final class RefusedAddressException extends IOException {
    RefusedAddressException(String message) {
      super(message);
    }
  }

  private final AddressRule rule;
  private final Lookup lookup;
  private final Executor executor;

  public CheckedResolver(AddressRule rule, Lookup lookup, Executor executor) {
    this.rule = rule;
    this.lookup = lookup;
    this.executor = executor;
  }

  /** Through the system's DNS, looked up on the actor system's dispatcher for blocking work. */
  public static CheckedResolver dns(ActorSystem<?> system, AddressRule rule) {
    return new CheckedResolver(
        rule, DNS, system.dispatchers().lookup(DispatcherSelector.blocking()));
  }

  /** The checked address to connect to for {@code host} and {@code port}. */
  public CompletionStage<InetSocketAddress> resolve(String host, int port) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new InetSocketAddress(check(host), port);
          } catch (IOException e) {
            throw new CompletionException(e);
          }
        },
        executor);
  }

  /**
   * The first address of {@code host} when every one of them is allowed.
   *
   * @throws RefusedAddressException when one is not (a name that resolves to a public and a private
   *     address is refused: which one a retry would reach is not ours to choose)
   * @throws UnknownHostException when it resolves to nothing
   */
  InetAddress check(String host) throws IOException {
    // pekko-http may give an IPv6 literal with its brackets; the JDK takes both.
    InetAddress[] all = lookup.all(host);
    if (all == null || all.length == 0) throw new UnknownHostException(host + ": no address");
    for (InetAddress address : all) {
      Optional<String> why = rule.refusal(address);
      if (why.isPresent()) {
        throw new RefusedAddressException(
            isLiteral(host)
                ? "connection refused: " + why.get()
                : "connection refused: '" + host + "' resolves to " + why.get());
      }
    }
    return all[0];
  }

  private static boolean isLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }

  /**
   * The refusal somewhere among {@code error}'s causes (pekko-http wraps a failed lookup, for one
   * in a {@code NeverMaterializedException}), or empty.
   */
  public static Optional<RefusedAddressException> refusal(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause())
      if (e instanceof RefusedAddressException r) return Optional.of(r);
    return Optional.empty();
  }

  /** A pekko-http transport that connects through {@link #resolve} only. */
  public ClientTransport transport() {
    return ClientTransport.withCustomResolver((host, port) -> resolve(host, (Integer) port));
  }
}
