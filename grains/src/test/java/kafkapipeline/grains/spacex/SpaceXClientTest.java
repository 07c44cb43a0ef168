package kafkapipeline.grains.spacex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kafkapipeline.grains.spacex.SpaceXClient.Failed;
import kafkapipeline.grains.spacex.SpaceXClient.Ok;
import kafkapipeline.grains.spacex.SpaceXClient.Problem;
import kafkapipeline.grains.spacex.SpaceXJson.Payload;
import org.junit.jupiter.api.Test;

class SpaceXClientTest {
  private static final String PATH = "/v4/launches/upcoming";

  @Test
  void statusesBecomeTypedProblemsNamingTheRequest() {
    Failed<?> f =
        assertInstanceOf(
            Failed.class,
            SpaceXClient.interpret(PATH, 429, "Too Many Requests", SpaceXJson::launches));
    assertEquals(Problem.RATE_LIMITED, f.problem());
    assertEquals("rate limited (429): GET /v4/launches/upcoming: Too Many Requests", f.message());
    f =
        assertInstanceOf(
            Failed.class,
            SpaceXClient.interpret(PATH, 503, "<html>\n down </html>", SpaceXJson::launches));
    assertEquals(Problem.SERVER_ERROR, f.problem());
    assertEquals("HTTP 503: GET /v4/launches/upcoming: <html> down </html>", f.message());
    f =
        assertInstanceOf(
            Failed.class,
            SpaceXClient.interpret("/v4/payloads/x", 404, "Not Found", SpaceXJson::payload));
    assertEquals(Problem.NOT_FOUND, f.problem());
    assertEquals(
        Problem.HTTP_ERROR,
        assertInstanceOf(Failed.class, SpaceXClient.interpret(PATH, 403, "", SpaceXJson::launches))
            .problem());
    assertTrue(
        Problem.RATE_LIMITED.isTransient()
            && Problem.SERVER_ERROR.isTransient()
            && Problem.NETWORK.isTransient());
    assertTrue(!Problem.NOT_FOUND.isTransient() && !Problem.MALFORMED.isTransient());
  }

  @Test
  void aMalformedBodyIsAProblemNotAnException() {
    Failed<?> f =
        assertInstanceOf(
            Failed.class, SpaceXClient.interpret(PATH, 200, "[{\"id\":", SpaceXJson::launches));
    assertEquals(Problem.MALFORMED, f.problem());
    assertTrue(
        f.message().startsWith("malformed JSON from GET /v4/launches/upcoming: not JSON"),
        f.message());
    Ok<?> ok =
        assertInstanceOf(Ok.class, SpaceXClient.interpret(PATH, 200, "[]", SpaceXJson::launches));
    assertEquals(new SpaceXJson.LaunchList(List.of(), List.of()), ok.value());
  }

  @Test
  void payloadTypesAreJoinedAndTheMassIsOnlyATotalWhenEveryMassIsKnown() {
    Payload sat = new Payload("Satellite", 800.0);
    Payload dragon = new Payload("Crew Dragon", 12_055.0);
    assertEquals("Satellite, Crew Dragon", SpaceXClient.payloadType(List.of(sat, dragon, sat)));
    assertEquals(12_855.0, SpaceXClient.payloadMass(List.of(sat, dragon), 2));
    assertNull(SpaceXClient.payloadMass(List.of(sat), 2), "one payload unresolved");
    assertNull(
        SpaceXClient.payloadMass(List.of(sat, new Payload("Satellite", null)), 2),
        "one mass unknown");
    assertNull(SpaceXClient.payloadMass(List.of(), 0));
    assertNull(SpaceXClient.payloadType(List.of(new Payload(null, 1.0))));
  }

  @Test
  void anUnreachableApiIsANetworkProblem() {
    SpaceXClient client = new SpaceXClient("http://127.0.0.1:9/");
    Failed<?> f =
        assertInstanceOf(Failed.class, client.launches(false).toCompletableFuture().join());
    assertEquals(Problem.NETWORK, f.problem());
    assertTrue(f.message().startsWith("GET /v4/launches/upcoming failed: "), f.message());
  }
}
