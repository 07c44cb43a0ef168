package kafkapipeline.launcher;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where the project lives on disk, and the runtime classpaths the build wrote there.
 *
 * <p>The root is the folder holding the {@code pipeline} script, or the root {@code pom.xml} (the
 * one whose own artifactId is {@code parent}). {@link #locate()} takes it from the system property
 * {@value #HOME_PROPERTY} when set, else walks up from the current directory.
 *
 * <p>Classpaths come from files Maven writes during {@code ./mvnw package -DskipTests}: {@code
 * engines/<name>/target/classpath.txt} for a server, and {@code silo/target/classpath.txt} plus the
 * silo jar for a silo. Every accessor checks that the files and every entry they list exist, and
 * otherwise throws a {@link LaunchException} telling to build the project, so a missing build never
 * surfaces later as a {@code ClassNotFoundException} in a child's log.
 */
public final class ProjectLayout {

  /** System property naming the project root; overrides the search from the current directory. */
  public static final String HOME_PROPERTY = "pipeline.home";

  private static final String BUILD_HINT = "build the project first: ./mvnw package -DskipTests";
  private static final Pattern PARENT_BLOCK =
      Pattern.compile("<parent>.*?</parent>", Pattern.DOTALL);
  private static final Pattern ROOT_ARTIFACT =
      Pattern.compile("<artifactId>\\s*parent\\s*</artifactId>");

  private final Path root;

  private ProjectLayout(Path root) {
    this.root = root;
  }

  /**
   * Finds the project root: {@value #HOME_PROPERTY} if set (it must then be a project root), else
   * the nearest enclosing folder of the current directory that is one.
   *
   * @throws LaunchException if no project root is found
   */
  public static ProjectLayout locate() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home != null && !home.isBlank()) {
      Path dir = Path.of(home).toAbsolutePath().normalize();
      if (!isProjectRoot(dir)) {
        throw new LaunchException(
            "-D"
                + HOME_PROPERTY
                + "="
                + home
                + " is not the project root (no 'pipeline' script or root pom.xml there)");
      }
      return new ProjectLayout(dir);
    }
    Path start = Path.of("").toAbsolutePath().normalize();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (isProjectRoot(dir)) {
        return new ProjectLayout(dir);
      }
    }
    throw new LaunchException(
        "cannot find the project root above "
            + start
            + ": run from inside the project or set -D"
            + HOME_PROPERTY
            + "=<project root>");
  }

  /** The layout of the project rooted at {@code root}, taken as given (not checked). */
  public static ProjectLayout at(Path root) {
    return new ProjectLayout(root.toAbsolutePath().normalize());
  }

  /** The project root, absolute. */
  public Path root() {
    return root;
  }

  /** The project's version, as Maven filtered it into this module's resources. */
  public static String projectVersion() {
    try (InputStream in = ProjectLayout.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new LaunchException("launcher resource version.properties is missing; " + BUILD_HINT);
      }
      Properties props = new Properties();
      props.load(in);
      return props.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The runtime classpath of the server in {@code engines/<engine>} ({@code kafka} or {@code
   * cassandra}).
   *
   * @throws LaunchException if the build has not written it, or an entry no longer exists
   */
  public List<Path> engineClasspath(String engine) {
    return readClasspathFile(
        root.resolve("engines").resolve(engine).resolve("target/classpath.txt"));
  }

  /**
   * The runtime classpath of a silo: the silo jar first, then its dependencies.
   *
   * @throws LaunchException if the jar or the dependency list is missing
   */
  public List<Path> siloClasspath() {
    Path target = root.resolve("silo/target");
    Path jar = target.resolve("silo-" + projectVersion() + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new LaunchException("the silo jar " + jar + " is missing; " + BUILD_HINT);
    }
    List<Path> classpath = new ArrayList<>();
    classpath.add(jar);
    classpath.addAll(readClasspathFile(target.resolve("classpath.txt")));
    return classpath;
  }

  /**
   * The folder of the class data archives of silos ({@link ClassDataArchives}): {@code
   * launcher/target/cds}. Under a build folder, not {@code java.io.tmpdir}: it is ignored by git,
   * goes away with {@code ./mvnw clean} together with the jars its archives describe, and, unlike a
   * shared temp folder, no other user can plant an archive (class data that every silo would run)
   * there.
   */
  public Path classDataArchiveDir() {
    return root.resolve("launcher").resolve("target").resolve("cds");
  }

  private static List<Path> readClasspathFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new LaunchException(file + " is missing; " + BUILD_HINT);
    }
    String content;
    try {
      content = Files.readString(file).trim();
    } catch (IOException e) {
      throw new LaunchException("cannot read " + file + ": " + e.getMessage(), e);
    }
    List<Path> entries = new ArrayList<>();
    for (String entry : content.split(Pattern.quote(File.pathSeparator))) {
      if (entry.isBlank()) {
        continue;
      }
      Path path = Path.of(entry.trim());
      if (!Files.exists(path)) {
        throw new LaunchException(
            file + " lists " + path + ", which does not exist; " + BUILD_HINT);
      }
      entries.add(path);
    }
    if (entries.isEmpty()) {
      throw new LaunchException(file + " is empty; " + BUILD_HINT);
    }
    return List.copyOf(entries);
  }

  private static boolean isProjectRoot(Path dir) {
    if (Files.isRegularFile(dir.resolve("pipeline"))) {
      return true;
    }
    Path pom = dir.resolve("pom.xml");
    if (!Files.isRegularFile(pom)) {
      return false;
    }
    try {
      // A module's pom names "parent" inside its <parent> block; the root names itself so.
      String ownPart = PARENT_BLOCK.matcher(Files.readString(pom)).replaceFirst("");
      return ROOT_ARTIFACT.matcher(ownPart).find();
    } catch (IOException e) {
      return false;
    }
  }
}
