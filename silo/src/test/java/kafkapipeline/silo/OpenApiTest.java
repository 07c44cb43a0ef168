package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kafkapipeline.api.sources.ColumnSpec;
import kafkapipeline.api.sources.ColumnType;
import kafkapipeline.api.sources.PrimaryKeySpec;
import kafkapipeline.api.sources.SourceKind;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.api.sources.SseFilter;
import org.junit.jupiter.api.Test;

/**
 * openapi.json is true of the routes: every documented path and method is served (answers neither
 * 404 nor 405 with its path parameters filled in), every other method on those paths is a 405,
 * every path literal in the route sources is a segment of a documented path, the served description
 * is the resource, the city pattern is the one the body reader uses, and the source spec's schemas
 * are the records and enums of {@code kafkapipeline.api.sources}.
 */
class OpenApiTest {
  private static final List<String> METHODS = List.of("get", "post", "put", "delete", "patch");
  private static final Set<String> NEED_STORES =
      Set.of(
          "get /api/cities",
          "get /api/status",
          "get /api/sources",
          "get /api/dead-letters",
          "post /api/dead-letters/replay",
          "delete /api/cities/nowhere");

  @Test
  void everyDocumentedOperationIsServedAndNoOther() throws Exception {
    JsonNode spec = new ObjectMapper().readTree(getClass().getResourceAsStream("/openapi.json"));
    try (TestSilo silo = new TestSilo(Map.of())) {
      List<String> checked = new ArrayList<>();
      spec.path("paths")
          .fields()
          .forEachRemaining(
              p -> {
                String path =
                    p.getKey()
                        .replace("/api/grains/{type}/{id}", "/api/grains/source/faker")
                        .replace("{id}", "nowhere")
                        // A built-in source: DELETE answers 409 whatever the test silo holds.
                        .replace("{name}", "faker")
                        .replace("{table}", "fakerdata")
                        .replace("{file}", "dashboard.js")
                        .replace("{topic}", "faker");
                for (String method : METHODS) {
                  // The test silo has no DeadLetterStore, CityStore, wikipedia or spacex grain:
                  // these are probed for 405 only
                  // (the live silo's SchemathesisTest calls them).
                  boolean documented = p.getValue().has(method);
                  if (documented && NEED_STORES.contains(method + " " + path)) {
                    checked.add(method + " " + path);
                    continue;
                  }
                  String query = path.equals("/api/weather/series") ? "?city=hanoi,vn" : "";
                  TestSilo.Response r =
                      silo.send(
                          method.toUpperCase(java.util.Locale.ROOT),
                          path + query,
                          Map.of(RequestChecks.HEADER, "test", "Content-Type", "application/json"),
                          method.equals("get") || method.equals("delete") ? null : "{}".getBytes());
                  String what = method + " " + path + " -> " + r;
                  if (documented) {
                    assertNotEquals(404, r.status(), what);
                    assertNotEquals(405, r.status(), what);
                    String status = String.valueOf(r.status());
                    assertTrue(
                        p.getValue().path(method).path("responses").has(status),
                        "undocumented status: " + what);
                  } else {
                    assertEquals(405, r.status(), what);
                    assertTrue(
                        r.headers().toLowerCase(java.util.Locale.ROOT).contains("\r\nallow: "),
                        what + " has no Allow header");
                  }
                  checked.add(method + " " + path);
                }
              });
      assertEquals(spec.path("paths").size() * METHODS.size(), checked.size());
      TestSilo.Response served = silo.send("GET", "/api/openapi.json", Map.of(), null);
      assertEquals(spec, new ObjectMapper().readTree(served.body()));
    }
  }

  @Test
  void everyPathLiteralOfTheRoutesIsDocumented() throws Exception {
    JsonNode spec = new ObjectMapper().readTree(getClass().getResourceAsStream("/openapi.json"));
    Set<String> documented = new TreeSet<>();
    spec.path("paths").fieldNames().forEachRemaining(p -> documented.addAll(List.of(p.split("/"))));
    Pattern literal =
        // The formatter may break a line after the parenthesis: pathPrefix(\n "api", ...).
        Pattern.compile(
            "(?:path|pathPrefix|segment)\\(\\s*\"([^\"]+)\"|\\.slash\\(\\s*\"([^\"]+)\"");
    Set<String> inRoutes = new TreeSet<>();
    try (var files = Files.list(Path.of("src/main/java/kafkapipeline/silo"))) {
      for (Path f :
          files
              .filter(f -> f.toString().endsWith("Routes.java") || f.endsWith("HttpApi.java"))
              .toList()) {
        Matcher m = literal.matcher(Files.readString(f));
        while (m.find()) inRoutes.add(m.group(1) != null ? m.group(1) : m.group(2));
      }
    }
    assertTrue(
        inRoutes.containsAll(
            Set.of("api", "cities", "rate", "openapi.json", "metrics", "dashboard")),
        inRoutes.toString());
    for (String segment : inRoutes)
      assertTrue(documented.contains(segment), segment + " is routed but not in openapi.json");
  }

  /**
   * The schema of POST /api/sources is written by hand: each of its objects has exactly the fields
   * of its record, and each enum exactly the JSON names of its Java enum.
   */
  @Test
  void theSourceSpecSchemasAreTheRecordsAndEnums() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode schemas =
        mapper
            .readTree(getClass().getResourceAsStream("/openapi.json"))
            .path("components")
            .path("schemas");
    for (Class<?> record :
        List.of(SourceSpec.class, ColumnSpec.class, PrimaryKeySpec.class, SseFilter.class)) {
      JsonNode schema = schemas.path(record.getSimpleName());
      List<String> fields = new ArrayList<>();
      schema.path("properties").fieldNames().forEachRemaining(fields::add);
      assertEquals(
          Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).toList(),
          fields,
          record.getSimpleName());
      assertFalse(schema.path("additionalProperties").asBoolean(true), record.getSimpleName());
    }
    assertEquals(
        jsonNames(mapper, SourceKind.values()),
        mapper.convertValue(
            schemas.at("/SourceSpec/properties/kind/enum"), new TypeReference<List<String>>() {}));
    assertEquals(
        jsonNames(mapper, ColumnType.values()),
        mapper.convertValue(
            schemas.at("/ColumnSpec/properties/type/enum"), new TypeReference<List<String>>() {}));
  }

  private static List<String> jsonNames(ObjectMapper mapper, Enum<?>[] values) {
    return Arrays.stream(values).map(v -> mapper.convertValue(v, String.class)).toList();
  }

  @Test
  void theCityPatternIsTheBodyReaders() throws Exception {
    JsonNode spec = new ObjectMapper().readTree(getClass().getResourceAsStream("/openapi.json"));
    assertEquals(
        JsonBody.CITY_PATTERN,
        spec.at("/components/schemas/AddCity/properties/city/pattern").asText());
    assertEquals(
        JsonBody.MAX_RATE,
        spec.at("/components/schemas/SetRate/properties/rate/maximum").asDouble());
  }
}
