package kafkapipeline.silo.sources;

import java.util.List;

/**
 * The registry of built-in sources: the one place they are listed. Everything that names a built-in
 * source, its topic or its table derives from {@link #ALL} (declarative sources are added at run
 * time: {@link SourceRegistry}).
 */
public final class BuiltInSources {
  public static final List<BuiltInSource> ALL =
      List.of(
          new FakerSourceEntry(),
          new WeatherSourceEntry(),
          new WikipediaSourceEntry(),
          new SpaceXSourceEntry());

  private BuiltInSources() {}
}
