package kafkapipeline.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One observation of one city: the Kafka payload of topic {@code weather} and one row of {@code
 * weatherreport}. {@code location} is the normalised city id (e.g. {@code hanoi,vn}); {@code
 * forecastdate} is the API's {@code dt}, in UTC. Temperatures in °C, wind in m/s.
 */
public record WeatherReport(
    @JsonProperty("location") String location,
    @JsonProperty("forecastdate") Instant forecastdate,
    @JsonProperty("description") String description,
    @JsonProperty("temp") float temp,
    @JsonProperty("feels_like") float feelsLike,
    @JsonProperty("temp_min") float tempMin,
    @JsonProperty("temp_max") float tempMax,
    @JsonProperty("pressure") float pressure,
    @JsonProperty("humidity") float humidity,
    @JsonProperty("wind") float wind,
    @JsonProperty("sunrise") long sunrise,
    @JsonProperty("sunset") long sunset) {}
