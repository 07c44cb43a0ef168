package kafkapipeline.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kafkapipeline.launcher.ProjectLayout;

/**
 * {@code deploy/docker-compose.yml} as data, and the environment variables the silo's configuration
 * reads (every {@code ${?NAME}} in {@code silo/src/main/resources/*.conf}).
 */
final class ComposeFile {
  private static final Pattern CONF_ENV = Pattern.compile("\\$\\{\\?([A-Z0-9_]+)}");

  final Path root;
  final JsonNode yaml;

  private ComposeFile(Path root, JsonNode yaml) {
    this.root = root;
    this.yaml = yaml;
  }

  static ComposeFile load() {
    Path root = ProjectLayout.locate().root();
    try {
      return new ComposeFile(
          root,
          new ObjectMapper(new YAMLFactory())
              .readTree(root.resolve("deploy/docker-compose.yml").toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode service(String name) {
    JsonNode service = yaml.path("services").path(name);
    if (!service.isObject())
      throw new AssertionError("docker-compose.yml has no service '" + name + "'");
    return service;
  }

  List<String> serviceNames() {
    List<String> names = new ArrayList<>();
    yaml.path("services").fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * A service's environment as the container gets it: map or list form; a variable given without a
   * value (passed on from the shell only when set there) is left out.
   */
  Map<String, String> environment(String service) {
    JsonNode env = service(service).path("environment");
    Map<String, String> out = new LinkedHashMap<>();
    if (env.isArray()) {
      for (JsonNode item : env) {
        String s = item.asText();
        int eq = s.indexOf('=');
        if (eq > 0) out.put(s.substring(0, eq), s.substring(eq + 1));
      }
    } else {
      for (Iterator<Map.Entry<String, JsonNode>> it = env.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNull()) out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out;
  }

  /** Every variable a service's environment names, with or without a value. */
  Set<String> environmentNames(String service) {
    Set<String> names = new TreeSet<>();
    JsonNode env = service(service).path("environment");
    if (env.isArray()) {
      for (JsonNode item : env) names.add(item.asText().split("=", 2)[0]);
    } else {
      env.fieldNames().forEachRemaining(names::add);
    }
    return names;
  }

  /** The variables the silo's configuration reads ({@code x = ${?NAME}}). */
  Set<String> siloConfigVariables() {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.list(root.resolve("silo/src/main/resources"))) {
      for (Path conf : files.filter(p -> p.toString().endsWith(".conf")).toList()) {
        for (String line : Files.readAllLines(conf)) {
          if (line.strip().startsWith("#") || line.strip().startsWith("//")) continue; // comments
          Matcher m = CONF_ENV.matcher(line);
          while (m.find()) names.add(m.group(1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }
}
