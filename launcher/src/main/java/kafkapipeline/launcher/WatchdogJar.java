package kafkapipeline.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * The {@link ExitWithParent} class file alone in a small jar, the first classpath entry of a child
 * that exits with its parent.
 *
 * <p>Guarantees: the jar is at one fixed path per launcher build, next to the launcher's own
 * classes or jar ({@code launcher/target/exit-with-parent-<hash of the class>.jar}), so every child
 * gets the same classpath (a class data archive is per classpath, see {@link ClassDataArchives})
 * and the classpath holds no directory (which the JVM refuses when it dumps such an archive). It is
 * written once, atomically and never replaced, so its size and mtime never change under a running
 * child. If that folder cannot be written (the launcher runs from a read-only place), the jar goes
 * to the given fallback folder instead: the child still works, only its classpath is then that
 * folder's.
 */
final class WatchdogJar {

  private static final String ENTRY = ExitWithParent.class.getName().replace('.', '/') + ".class";

  private WatchdogJar() {}

  /**
   * The jar's path, written first if missing.
   *
   * @throws IOException if it can be written neither next to the launcher nor in {@code
   *     fallbackDir}
   */
  static Path install(Path fallbackDir) throws IOException {
    byte[] classFile = classFile();
    String name = "exit-with-parent-" + HexFormat.of().formatHex(sha256(classFile), 0, 8) + ".jar";
    Path buildDir = launcherBuildDir();
    if (buildDir != null) {
      try {
        return writeOnce(buildDir.resolve(name), classFile);
      } catch (IOException e) {
        // read-only install: fall back below
      }
    }
    return writeOnce(fallbackDir.resolve(name), classFile);
  }

  private static Path writeOnce(Path jar, byte[] classFile) throws IOException {
    if (Files.isRegularFile(jar)) {
      return jar;
    }
    Files.createDirectories(jar.getParent());
    Path temp = Files.createTempFile(jar.getParent(), "exit-with-parent", ".tmp");
    try (OutputStream out = Files.newOutputStream(temp);
        JarOutputStream zip = new JarOutputStream(out)) {
      JarEntry entry = new JarEntry(ENTRY);
      zip.putNextEntry(entry);
      zip.write(classFile);
      zip.closeEntry();
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    FilePublish.withoutReplacing(temp, jar);
    return jar;
  }

  /** The folder holding the launcher's classes folder or jar; null if not a local file. */
  private static Path launcherBuildDir() {
    CodeSource source = ExitWithParent.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    try {
      return Path.of(source.getLocation().toURI()).toAbsolutePath().getParent();
    } catch (URISyntaxException
        | IllegalArgumentException
        | java.nio.file.FileSystemNotFoundException e) {
      return null;
    }
  }

  private static byte[] classFile() throws IOException {
    String resource = ExitWithParent.class.getSimpleName() + ".class";
    try (InputStream in = ExitWithParent.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("class file " + resource + " is not on the launcher's classpath");
      }
      return in.readAllBytes();
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
