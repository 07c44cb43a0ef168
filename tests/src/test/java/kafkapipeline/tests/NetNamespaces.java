package kafkapipeline.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Separate hosts on this machine: one Linux network namespace per silo, joined by a bridge, so a
 * test can cut one host off the others with a real link down (there is no iptables or nft here to
 * drop packets with).
 *
 * <p>Layout: bridge {@value #BRIDGE} on the host with {@link #serverAddress(int) server addresses}
 * 10.77.0.1 .. 10.77.0.k (/24), where the test binds Kafka and Cassandra; for host n (1-based) a
 * namespace {@code kp-silo-n} holding the end {@code kp-n<n>} of a veth pair, address {@link
 * #address(int) 10.77.0.(10+n)}/24, {@code lo} up and a default route via 10.77.0.1; the other end
 * {@code kp-h<n>} is a port of the bridge. The host reaches every namespace address through the
 * bridge's connected route, and each namespace reaches the server addresses and the other
 * namespaces.
 *
 * <p>Guarantees: {@link #create} either returns with all of that in place or throws (quoting the
 * failed {@code ip} command and its output) after removing what it made. Every name it makes starts
 * with {@value #PREFIX}. Only one instance exists at a time on the machine: {@link #create} holds
 * the file lock {@value #LOCK_FILE} until {@link #close}, so whatever {@code kp-} namespace or link
 * it finds when it gets the lock was left by a run that crashed (the OS released its lock), and it
 * removes those first. {@link #close} removes all it made; a JVM shutdown hook does the same if the
 * test never gets to close (Ctrl-C, a failed {@code @AfterAll}); a SIGKILLed JVM's leftovers go at
 * the next {@link #create}.
 *
 * <p>Drives the {@code ip} command of iproute2 with {@link ProcessBuilder}: no library is needed,
 * and {@code ip} is what an operator would use by hand. Needs root; {@link #available()} says why
 * it cannot work here, for {@code Assumptions.assumeTrue}.
 */
final class NetNamespaces implements AutoCloseable {
  static final String PREFIX = "kp-";
  static final String BRIDGE = PREFIX + "br0";
  static final String SUBNET = "10.77.0.";
  static final String LOCK_FILE = "/tmp/kp-netns.lock";
  private static final int MAX_HOSTS = 9;
  private static final int MAX_SERVER_ADDRESSES = 9;
  private static final Duration LOCK_WAIT = Duration.ofMinutes(3);
  private static final Duration IP_TIMEOUT = Duration.ofSeconds(20);

  /** Whether namespaces can be made here, and if not, why (the reason a test skips with). */
  record Availability(boolean ok, String reason) {}

  private static Availability availability;

  private final int hosts;
  private final int serverAddresses;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Thread shutdownHook = new Thread(this::removeAll, "netns-cleanup");
  private boolean closed;
  private boolean ownShutdownHook;

  private NetNamespaces(int hosts, int serverAddresses, FileChannel lockChannel, FileLock lock) {
    this.hosts = hosts;
    this.serverAddresses = serverAddresses;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Checked once per JVM: Linux, root, an {@code ip} command that runs, and an {@code ip netns add}
   * that works (a probe namespace, removed at once).
   */
  static synchronized Availability available() {
    if (availability == null) availability = probe("ip");
    return availability;
  }

  /**
   * {@link #available()} with {@code ip} found as {@code ipCommand} (a test names a missing one).
   */
  static Availability probe(String ipCommand) {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return new Availability(
          false, "network namespaces need Linux, this is " + System.getProperty("os.name"));
    }
    Result version;
    try {
      version = run(List.of(ipCommand, "-V"));
    } catch (UncheckedIOException e) {
      return new Availability(
          false, "no `" + ipCommand + "` command (iproute2) here: " + e.getCause().getMessage());
    }
    if (version.code != 0)
      return new Availability(false, "`" + ipCommand + " -V` failed: " + version.output);
    String uid = uid();
    if (!"0".equals(uid))
      return new Availability(false, "network namespaces need root; this JVM runs as uid " + uid);
    String probe = PREFIX + "probe-" + ProcessHandle.current().pid();
    Result add = run(List.of(ipCommand, "netns", "add", probe));
    if (add.code != 0)
      return new Availability(false, "`ip netns add` fails here: " + add.output.strip());
    run(List.of(ipCommand, "netns", "del", probe));
    return new Availability(true, "root, " + version.output.strip() + ", ip netns add works");
  }

  private static String uid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) return line.split("\\s+")[1];
      }
    } catch (IOException e) {
      // no procfs: fall through
    }
    return "unknown";
  }

  /**
   * The bridge with {@code serverAddresses} addresses and {@code hosts} namespaces, after removing
   * the leftovers of a crashed run; see the class comment.
   *
   * @throws IllegalStateException if {@link #available()} says no, another run holds the lock for
   *     more than 3 minutes, or an {@code ip} command fails (nothing is left behind)
   */
  static NetNamespaces create(int hosts, int serverAddresses) {
    return create(hosts, serverAddresses, true);
  }

  /**
   * As {@link #create(int, int)}; with {@code ownShutdownHook} false the caller's own shutdown hook
   * must {@link #close} it, after stopping what listens on the bridge (hooks run in no order).
   */
  static NetNamespaces create(int hosts, int serverAddresses, boolean ownShutdownHook) {
    if (hosts < 1 || hosts > MAX_HOSTS)
      throw new IllegalArgumentException("hosts must be 1.." + MAX_HOSTS + ", was " + hosts);
    if (serverAddresses < 1 || serverAddresses > MAX_SERVER_ADDRESSES) {
      throw new IllegalArgumentException(
          "server addresses must be 1.." + MAX_SERVER_ADDRESSES + ", was " + serverAddresses);
    }
    Availability a = available();
    if (!a.ok()) throw new IllegalStateException("cannot make network namespaces: " + a.reason());
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(Path.of(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = awaitLock(channel);
      NetNamespaces net = new NetNamespaces(hosts, serverAddresses, channel, lock);
      List<String> stale = removeStale();
      if (!stale.isEmpty())
        System.out.println("[netns] removed leftovers of an earlier run: " + stale);
      net.ownShutdownHook = ownShutdownHook;
      if (ownShutdownHook) Runtime.getRuntime().addShutdownHook(net.shutdownHook);
      try {
        net.build();
      } catch (RuntimeException e) {
        net.close();
        throw e;
      }
      return net;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot open " + LOCK_FILE, e);
    } catch (RuntimeException e) {
      if (channel != null && channel.isOpen()) closeQuietly(channel);
      throw e;
    }
  }

  private static FileLock awaitLock(FileChannel channel) throws IOException {
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    while (true) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        throw new IllegalStateException(
            "this JVM already holds " + LOCK_FILE + ": close the other NetNamespaces first");
      }
      if (lock != null) return lock;
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "another run has held " + LOCK_FILE + " for " + LOCK_WAIT.toMinutes() + " min");
      }
      try {
        Thread.sleep(200); // another JVM's namespaces: there is no event to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + LOCK_FILE);
      }
    }
  }

  private void build() {
    ip("link", "add", BRIDGE, "type", "bridge");
    for (int k = 1; k <= serverAddresses; k++)
      ip("addr", "add", serverAddress(k) + "/24", "dev", BRIDGE);
    ip("link", "set", BRIDGE, "up");
    for (int n = 1; n <= hosts; n++) {
      String ns = namespace(n);
      ip("netns", "add", ns);
      ip("link", "add", hostLink(n), "type", "veth", "peer", "name", innerLink(n));
      ip("link", "set", innerLink(n), "netns", ns);
      ip("link", "set", hostLink(n), "master", BRIDGE);
      ip("link", "set", hostLink(n), "up");
      ip("-n", ns, "addr", "add", address(n) + "/24", "dev", innerLink(n));
      ip("-n", ns, "link", "set", innerLink(n), "up");
      ip("-n", ns, "link", "set", "lo", "up");
      ip("-n", ns, "route", "add", "default", "via", serverAddress(1));
    }
  }

  /** Number of namespaces (hosts 1..this). */
  int hosts() {
    return hosts;
  }

  /** The namespace of host {@code n} (1-based). */
  static String namespace(int n) {
    return PREFIX + "silo-" + n;
  }

  /** Address of host {@code n} (1-based): 10.77.0.(10+n). */
  static String address(int n) {
    return SUBNET + (10 + n);
  }

  /** The {@code k}-th (1-based) address of the bridge, on the host: 10.77.0.k. */
  static String serverAddress(int k) {
    return SUBNET + k;
  }

  /** What to put before a command so it runs in host {@code n}'s namespace. */
  List<String> execPrefix(int n) {
    check(n);
    return List.of("ip", "netns", "exec", namespace(n));
  }

  /** Cuts host {@code n} off: its veth's bridge end goes down, so nothing passes either way. */
  void cut(int n) {
    check(n);
    ip("link", "set", hostLink(n), "down");
  }

  /** Undoes {@link #cut}. */
  void heal(int n) {
    check(n);
    ip("link", "set", hostLink(n), "up");
  }

  /** True while host {@code n} is {@link #cut}. */
  boolean isCut(int n) {
    check(n);
    // The flags, e.g. <BROADCAST,MULTICAST,UP,LOWER_UP>: administratively up or not.
    return !java.util.regex.Pattern.compile("[<,]UP[,>]")
        .matcher(run(List.of("ip", "-o", "link", "show", hostLink(n))).output)
        .find();
  }

  /** Runs {@code command} in host {@code n}'s namespace; returns its exit code and output. */
  Result exec(int n, List<String> command, Duration timeout) {
    check(n);
    List<String> full = new ArrayList<>(execPrefix(n));
    full.addAll(command);
    return run(full, timeout);
  }

  private void check(int n) {
    if (closed) throw new IllegalStateException("network namespaces already removed");
    if (n < 1 || n > hosts)
      throw new IllegalArgumentException("host " + n + " is not one of 1.." + hosts);
  }

  static String hostLink(int n) {
    return PREFIX + "h" + n;
  }

  static String innerLink(int n) {
    return PREFIX + "n" + n;
  }

  /** Removes every namespace and link, then lets the next run have the lock. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) return;
    removeAll();
    closed = true;
    try {
      if (ownShutdownHook) Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook is running or ran
    }
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel releases it too
    }
    closeQuietly(lockChannel);
  }

  private void removeAll() {
    // Deleting a namespace only unmounts its name: a silo still running inside keeps it alive
    // until it exits (its links die with it), so removal never waits on a process.
    removeStale();
    List<String> left = leftovers();
    if (!left.isEmpty()) System.err.println("[netns] could not remove " + left);
  }

  /** The {@code kp-} namespaces and links there are now. */
  static List<String> leftovers() {
    List<String> left = new ArrayList<>();
    for (String ns : namespaces()) if (ns.startsWith(PREFIX)) left.add("netns " + ns);
    for (String link : links()) if (link.startsWith(PREFIX)) left.add("link " + link);
    return left;
  }

  /**
   * Deletes every {@code kp-} namespace and link (host ends of veths, the bridge); returns the
   * names it deleted.
   */
  static List<String> removeStale() {
    List<String> removed = new ArrayList<>();
    for (String line : run(List.of("ip", "netns", "list")).output.split("\n")) {
      String name = line.strip().split("\\s+")[0];
      if (name.startsWith(PREFIX) && run(List.of("ip", "netns", "del", name)).code == 0)
        removed.add("netns " + name);
    }
    for (String link : links()) {
      if (link.startsWith(PREFIX) && run(List.of("ip", "link", "del", link)).code == 0)
        removed.add("link " + link);
    }
    return removed;
  }

  /** Names of the host's links, without the "@peer" suffix of a veth. */
  static List<String> links() {
    List<String> names = new ArrayList<>();
    for (String line : run(List.of("ip", "-o", "link", "show")).output.split("\n")) {
      String[] parts = line.split(":\\s+", 3);
      if (parts.length >= 2) names.add(parts[1].replaceFirst("@.*", "").strip());
    }
    return names;
  }

  /** Namespace names, as {@code ip netns list} shows them. */
  static List<String> namespaces() {
    List<String> names = new ArrayList<>();
    for (String line : run(List.of("ip", "netns", "list")).output.split("\n")) {
      if (!line.isBlank()) names.add(line.strip().split("\\s+")[0]);
    }
    return names;
  }

  /** The exit code and the merged stdout and stderr of one command. */
  record Result(int code, String output) {}

  private static void ip(String... args) {
    List<String> command = new ArrayList<>();
    command.add("ip");
    command.addAll(List.of(args));
    Result r = run(command);
    if (r.code != 0) {
      throw new IllegalStateException(
          "`" + String.join(" ", command) + "` failed (exit " + r.code + "): " + r.output.strip());
    }
  }

  static Result run(List<String> command) {
    return run(command, IP_TIMEOUT);
  }

  /** Runs a command to its end (killed after {@code timeout}, exit code -1). */
  static Result run(List<String> command, Duration timeout) {
    Path out = null;
    try {
      // Output to a file, not a pipe: a command that hangs must not block the read past its
      // timeout.
      out = Files.createTempFile("kp-netns-", ".out");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(out.toFile()))
              .start();
      p.getOutputStream().close();
      boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      return ended
          ? new Result(p.exitValue(), text)
          : new Result(-1, text + " (killed after " + timeout.toSeconds() + " s)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    } finally {
      if (out != null) out.toFile().delete();
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      if (channel != null) channel.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }
}
