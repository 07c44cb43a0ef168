package kafkapipeline.grains.weather;

import java.util.Locale;

/** Checks city names typed by users and turns API answers into city ids. */
public final class CityNames {
  public static final int MAX_LENGTH = 100;

  private CityNames() {}

  /** Null if the name may be sent to the weather API, else why not. */
  public static String problem(String name) {
    if (name == null || name.isBlank()) return "city name is empty";
    if (name.length() > MAX_LENGTH) return "city name is longer than " + MAX_LENGTH + " characters";
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) return "city name contains a control character";
      if (c == '"' || c == '\'' || c == '`') return "city name contains a quote character";
    }
    return null;
  }

  /** The id of a city: its name and country code as the API spells them, lower case. */
  public static String id(String name, String country) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return country == null || country.isBlank()
        ? n
        : n + "," + country.strip().toLowerCase(Locale.ROOT);
  }
}
