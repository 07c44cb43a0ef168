package kafkapipeline.silo;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The HTTP API's JSON bodies. Requests are validated by the routes; every error is {@link Error}.
 */
public final class ApiModel {
  private ApiModel() {}

  public record Error(String error) {}

  /**
   * A refused request with every reason: a source description's problems, or what it clashes with.
   */
  public record Refused(String error, List<String> problems) {}

  public record AddCity(String city) {}

  public record SetRate(Double rate) {}

  public record CityView(
      String id,
      String name,
      String country,
      String silo,
      String state,
      Instant lastReport,
      Float temperature,
      String lastError) {}

  /**
   * @param kind how it runs: {@code singleton}, {@code per-city}, {@code http-poll} or {@code sse}
   * @param lastError counts or the last error, readable by a person (null: nothing to say)
   */
  public record SourceView(
      String name,
      String kind,
      String topic,
      String table,
      String state,
      Double eventsPerSecond,
      Instant lastEventTime,
      String lastError) {}

  /** vitals: null when the silo did not answer in time. */
  public record SiloView(
      String address,
      String status,
      List<String> roles,
      Map<String, Object> grains,
      SiloVitals.Vitals vitals) {}

  /**
   * {@code rows}: per table, {@code writtenSinceStart} and {@code estimatedPartitions}; {@code
   * rowsSources}: what each of them is (null with {@code ?rows=false}).
   */
  public record StatusView(
      List<SiloView> silos, Map<String, Object> rows, Map<String, String> rowsSources) {}

  /**
   * {@code errorClass}: the failure's kind (exception class or marker such as RecordTooLarge);
   * {@code payload}: the head of the payload as text ("…" after it when cut); {@code payloadBytes}:
   * the whole payload's length (null: none); {@code origin}: "partition:offset" where a replayed
   * record first stood (null: where it failed).
   */
  public record DeadLetterView(
      String topic,
      int partition,
      long offset,
      String key,
      String errorClass,
      String error,
      Instant failedAt,
      String payload,
      Integer payloadBytes,
      String origin) {}

  public record RowsView(String table, List<String> columns, List<List<String>> rows) {}
}
