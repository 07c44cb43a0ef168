package kafkapipeline.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One SpaceX launch as last seen by the source: the Kafka payload of topic {@code spacex} (keyed by
 * {@code launch_id}) and one row of {@code spacex_launches}. The API's rocket, launchpad and
 * payload ids are resolved to names; every field but {@code launch_id} may be null (not known yet,
 * or not resolvable), and a null is written as null, so a row always mirrors the latest event for
 * its launch.
 *
 * @param launchDateUtc the API's {@code date_utc}
 * @param launchSuccess null while the launch is upcoming
 * @param siteName the launchpad's short name (e.g. {@code CCSFS SLC 40})
 * @param payloadType the distinct types of the resolved payloads, comma-separated, in the launch's
 *     order; null when none could be resolved
 * @param payloadMassKg the total mass of the payloads; null unless every payload's mass is known
 */
public record SpaceXLaunch(
    @JsonProperty("launch_id") String launchId,
    @JsonProperty("mission_name") String missionName,
    @JsonProperty("launch_date_utc") Instant launchDateUtc,
    @JsonProperty("rocket_name") String rocketName,
    @JsonProperty("launch_success") Boolean launchSuccess,
    @JsonProperty("site_name") String siteName,
    @JsonProperty("payload_type") String payloadType,
    @JsonProperty("payload_mass_kg") Double payloadMassKg,
    @JsonProperty("upcoming") Boolean upcoming,
    @JsonProperty("flight_number") Integer flightNumber,
    @JsonProperty("details") String details) {}
