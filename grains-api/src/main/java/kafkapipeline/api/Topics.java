package kafkapipeline.api;

import java.util.List;

/** The Kafka topics the sources publish to; the names are the original pipeline's. */
public final class Topics {
  public static final String FAKER = "faker";
  public static final String WEATHER = "weather";
  public static final String WIKIPEDIA = "wikipedia";
  public static final String SPACEX = "spacex";

  public static final List<String> ALL = List.of(FAKER, WEATHER, WIKIPEDIA, SPACEX);

  private Topics() {}
}
