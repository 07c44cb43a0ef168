package kafkapipeline.grains.weather;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import kafkapipeline.grains.weather.CityStore.City;

/**
 * Reads one city's registration: all a {@link CityWeather} grain needs of the registry ({@link
 * CityStore} over Cassandra; an in-memory map in tests). The stage fails when the registry cannot
 * be read; an empty result means the city is not registered.
 */
public interface CityLookup {
  CompletionStage<Optional<City>> get(String id);
}
