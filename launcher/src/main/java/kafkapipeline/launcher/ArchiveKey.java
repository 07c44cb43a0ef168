package kafkapipeline.launcher;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * What a class data archive of a classpath depends on ({@link #of}), and whether the JVM can dump
 * one of it at all ({@link #unsuitability}). See {@link ClassDataArchives}.
 */
final class ArchiveKey {

  private ArchiveKey() {}

  /** One classpath entry as the key sees it; size and mtime are -1 for a missing entry. */
  record Stamp(String path, long size, long mtimeMillis) {}

  /** The key of {@code classpath} on this JVM: see {@link #of(String, String, List)}. */
  static String of(List<Path> classpath) throws IOException {
    List<Stamp> stamps = new ArrayList<>(classpath.size());
    for (Path entry : classpath) {
      Path absolute = entry.toAbsolutePath().normalize();
      if (Files.exists(absolute)) {
        BasicFileAttributes attributes = Files.readAttributes(absolute, BasicFileAttributes.class);
        stamps.add(
            new Stamp(
                absolute.toString(), attributes.size(), attributes.lastModifiedTime().toMillis()));
      } else {
        stamps.add(new Stamp(absolute.toString(), -1, -1));
      }
    }
    return of(System.getProperty("java.home"), System.getProperty("java.vm.version"), stamps);
  }

  /**
   * 32 hex digits of a SHA-256 over the JVM's home and version and every entry's path, size and
   * mtime, in order; every string is length-prefixed, so no two different inputs share an encoding.
   */
  static String of(String javaHome, String javaVersion, List<Stamp> entries) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (DataOutputStream out =
          new DataOutputStream(new DigestOutputStream(OutputStream.nullOutputStream(), sha))) {
        writeString(out, javaHome);
        writeString(out, javaVersion);
        out.writeInt(entries.size());
        for (Stamp entry : entries) {
          writeString(out, entry.path());
          out.writeLong(entry.size());
          out.writeLong(entry.mtimeMillis());
        }
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException("hashing into memory failed", e);
    }
  }

  private static void writeString(DataOutputStream out, String value) throws IOException {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  /** Why the JVM could not dump an archive of {@code classpath}; empty if it can. */
  static Optional<String> unsuitability(List<Path> classpath) {
    Deque<Path> pending = new ArrayDeque<>();
    classpath.forEach(entry -> pending.add(entry.toAbsolutePath().normalize()));
    Set<Path> seen = new HashSet<>();
    while (!pending.isEmpty()) {
      Path entry = pending.poll();
      if (!seen.add(entry) || !Files.exists(entry)) {
        continue; // the JVM skips a missing entry too
      }
      if (Files.isDirectory(entry)) {
        // Also the key's reason: a class file changed inside leaves the folder's size and mtime as
        // they were.
        return Optional.of(
            "classpath entry " + entry + " is a directory, which a class data archive cannot hold");
      }
      try (JarFile jar = new JarFile(entry.toFile())) {
        Manifest manifest = jar.getManifest();
        String referenced =
            manifest == null
                ? null
                : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (referenced != null) {
          URI base = entry.getParent().toUri();
          for (String relative : referenced.trim().split("\\s+")) {
            if (!relative.isEmpty()) {
              pending.add(Path.of(base.resolve(relative)).normalize());
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        return Optional.of("cannot read classpath entry " + entry + " as a jar: " + e.getMessage());
      }
    }
    return Optional.empty();
  }
}
