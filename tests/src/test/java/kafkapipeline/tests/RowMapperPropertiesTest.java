package kafkapipeline.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import kafkapipeline.api.EventJson;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.SpaceXLaunch;
import kafkapipeline.api.WeatherReport;
import kafkapipeline.grains.JsonGen;
import kafkapipeline.grains.cassandra.Schema;
import kafkapipeline.grains.faker.FakePersonGenerator;
import kafkapipeline.grains.persist.FakerRowMapper;
import kafkapipeline.grains.persist.RowMapper;
import kafkapipeline.grains.persist.SpaceXRowMapper;
import kafkapipeline.grains.persist.WeatherRowMapper;
import kafkapipeline.grains.persist.WikipediaRowMapper;
import kafkapipeline.grains.persist.WriteTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;

/**
 * Each of the four row mappers, against its real prepared insert: any payload at all (real events
 * edited by {@link JsonGen#mutations}, sent as {@link JsonGen#payloads}) becomes either a bound row
 * or a {@link MalformedEventException} saying why (a dead letter), never another exception. Binding
 * needs no round trip, so thousands of cases take seconds; the hostile corpus end-to-end test
 * writes such rows for real.
 */
@Timeout(300)
class RowMapperPropertiesTest {
  private static final int CASES = 5_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static CqlSession session;

  @BeforeAll
  static void schema() {
    session = Engines.shared().session;
    Schema.migrate(session, Schema.Settings.singleNode("datacenter1"), "RowMapperPropertiesTest")
        .toCompletableFuture()
        .join();
  }

  @Test
  void fakerPayloads() throws Exception {
    FakePersonGenerator people = new FakePersonGenerator(7);
    List<ObjectNode> seeds = new ArrayList<>();
    for (int i = 0; i < 20; i++) seeds.add(tree(EventJson.write(people.generate(i))));
    check(FakerRowMapper.prepare(session).toCompletableFuture().get(), seeds);
  }

  @Test
  void weatherPayloads() throws Exception {
    List<ObjectNode> seeds =
        List.of(
            tree(
                EventJson.write(
                    new WeatherReport(
                        "hanoi,vn",
                        Instant.parse("2026-12-01T06:00:00Z"),
                        "mist",
                        24.5f,
                        25f,
                        24f,
                        25f,
                        1012f,
                        83f,
                        2.1f,
                        1_764_543_600L,
                        1_764_583_800L))),
            tree(
                EventJson.write(
                    new WeatherReport(
                        "đà nẵng,vn",
                        Instant.parse("2025-05-03T07:46:20Z"),
                        "clear sky",
                        -3.5f,
                        -7f,
                        -4f,
                        -3f,
                        990f,
                        100f,
                        0f,
                        0L,
                        0L))));
    check(WeatherRowMapper.prepare(session).toCompletableFuture().get(), seeds);
  }

  @Test
  void wikipediaPayloads() throws Exception {
    List<ObjectNode> seeds = new ArrayList<>();
    for (String line :
        resource("fixtures/wikimedia/dataplumbhub_stream_2025-05-03.compact.jsonl").split("\n")) {
      if (!line.isBlank()) seeds.add((ObjectNode) JSON.readTree(line));
    }
    check(WikipediaRowMapper.prepare(session).toCompletableFuture().get(), seeds);
  }

  @Test
  void spacexPayloads() throws Exception {
    List<ObjectNode> seeds =
        List.of(
            tree(
                EventJson.write(
                    new SpaceXLaunch(
                        "5eb87cd9ffd86e000604b32a",
                        "FalconSat",
                        Instant.parse("2006-03-24T22:30:00Z"),
                        "Falcon 1",
                        false,
                        "Kwajalein Atoll",
                        "Satellite",
                        20.0,
                        false,
                        1,
                        "Engine failure at 33 seconds"))),
            tree(
                EventJson.write(
                    new SpaceXLaunch(
                        "62dd70d5202306255024d139",
                        "Crew-5",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        true,
                        187,
                        null))));
    check(SpaceXRowMapper.prepare(session).toCompletableFuture().get(), seeds);
  }

  private static void check(RowMapper mapper, List<ObjectNode> seeds) {
    // The unmutated events are rows: otherwise "every case was malformed" would pass trivially.
    for (ObjectNode seed : seeds) {
      try {
        mapper.toStatement("seed", JSON.writeValueAsBytes(seed), WriteTime.BASE);
      } catch (IOException | RuntimeException e) {
        fail(mapper.table() + ": a valid event was refused: " + e + "\n" + seed);
      }
    }
    AtomicInteger rows = new AtomicInteger();
    AtomicInteger malformed = new AtomicInteger();
    List<JsonNode> documents = List.copyOf(seeds);
    Gen<byte[]> payloads =
        JsonGen.payloads(
            JsonGen.mutations(arbitrary().pick(documents), JsonGen.fieldNamesOf(seeds.get(0))));
    qt().withExamples(CASES)
        .withShrinkCycles(50)
        .forAll(payloads)
        .checkAssert(
            payload -> {
              try {
                BoundStatement row = mapper.toStatement("key", payload, WriteTime.BASE);
                assertTrue(row != null && row.isIdempotent(), "not an idempotent row");
                rows.incrementAndGet();
              } catch (MalformedEventException e) {
                assertTrue(
                    e.getMessage() != null && !e.getMessage().isBlank(),
                    "a dead letter without a reason");
                malformed.incrementAndGet();
              } catch (RuntimeException e) {
                fail(mapper.table() + ": " + e + " for payload: " + abbreviate(payload), e);
              }
            });
    System.out.printf(
        "%s: %d generated payloads, %d rows, %d malformed%n",
        mapper.table(), rows.get() + malformed.get(), rows.get(), malformed.get());
    assertTrue(
        rows.get() > CASES / 50,
        mapper.table() + ": too few rows (" + rows + "): the generator breaks everything");
    assertTrue(
        malformed.get() > CASES / 50, mapper.table() + ": too few malformed (" + malformed + ")");
  }

  private static String abbreviate(byte[] payload) {
    String text = new String(payload, StandardCharsets.UTF_8);
    return text.length() <= 600
        ? text
        : text.substring(0, 600) + "… (" + payload.length + " bytes)";
  }

  private static ObjectNode tree(byte[] json) throws IOException {
    return (ObjectNode) JSON.readTree(json);
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = RowMapperPropertiesTest.class.getResourceAsStream("/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
