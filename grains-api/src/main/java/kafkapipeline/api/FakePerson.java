package kafkapipeline.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * One generated person: the Kafka payload of topic {@code faker} and one row of {@code fakerdata}.
 * The twelve fields are the original pipeline's; {@code id} is new and is the primary key, so two
 * people who share a name and phone number no longer overwrite each other.
 */
public record FakePerson(
    @JsonProperty("id") UUID id,
    @JsonProperty("name") String name,
    @JsonProperty("gender") String gender,
    @JsonProperty("address") String address,
    @JsonProperty("year") int year,
    @JsonProperty("email") String email,
    @JsonProperty("phone_number") String phoneNumber,
    @JsonProperty("job") String job,
    @JsonProperty("company") String company,
    @JsonProperty("country") String country,
    @JsonProperty("city") String city,
    @JsonProperty("date_time") Instant dateTime,
    @JsonProperty("credit_card_number") String creditCardNumber) {

  /**
   * The id of the person generated at position {@code sequence} of the stream seeded with {@code
   * seed}. Deterministic, so a replayed position yields the same id (and so the same row).
   */
  public static UUID idFor(long seed, long sequence) {
    return UUID.nameUUIDFromBytes(
        ("faker/" + seed + "/" + sequence).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Names the first missing field, or returns null when all thirteen are present. */
  public String firstMissingField() {
    if (id == null) return "id";
    if (blank(name)) return "name";
    if (blank(gender)) return "gender";
    if (blank(address)) return "address";
    if (year <= 0) return "year";
    if (blank(email)) return "email";
    if (blank(phoneNumber)) return "phone_number";
    if (blank(job)) return "job";
    if (blank(company)) return "company";
    if (blank(country)) return "country";
    if (blank(city)) return "city";
    if (dateTime == null) return "date_time";
    if (blank(creditCardNumber)) return "credit_card_number";
    return null;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
