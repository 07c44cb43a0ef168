package kafkapipeline.silo.sources;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.api.sources.SourceSpec;

/**
 * Every source this cluster runs, as this silo knows it: the built-in ones ({@link
 * BuiltInSources#ALL}, fixed) and the declarative ones (kept in Cassandra; this silo's copy is
 * replaced whole whenever it reads them again, so a reader sees one consistent list). Thread-safe;
 * everything that lists sources, topics or tables asks here.
 */
public final class SourceRegistry {
  private volatile List<SourceSpec> declarative = List.of();

  /** Every source, the built-in ones first, then the declarative ones by name. */
  public List<SourceInfo> all() {
    List<SourceInfo> all = new ArrayList<>();
    for (BuiltInSource b : BuiltInSources.ALL) all.add(b.info());
    for (SourceSpec s : declarative) all.add(info(s));
    return all;
  }

  /** The topics of every source. */
  public List<String> topics() {
    return all().stream().map(SourceInfo::topic).toList();
  }

  /** The tables of every source. */
  public List<String> tables() {
    return all().stream().map(SourceInfo::table).toList();
  }

  /** The source that writes {@code table}, if any. */
  public Optional<SourceInfo> byTable(String table) {
    return all().stream().filter(s -> s.table().equals(table)).findFirst();
  }

  /** The source called {@code name}, if any. */
  public Optional<SourceInfo> byName(String name) {
    return all().stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** Whether {@code name} is a built-in source (which the API cannot remove). */
  public static boolean isBuiltIn(String name) {
    return BuiltInSources.ALL.stream().anyMatch(b -> b.info().name().equals(name));
  }

  /** The declarative sources, by name. */
  public List<SourceSpec> declarative() {
    return declarative;
  }

  /** Replaces this silo's copy of the declarative sources (as just read from Cassandra). */
  public void declarative(List<SourceSpec> specs) {
    this.declarative =
        specs.stream().sorted(java.util.Comparator.comparing(SourceSpec::name)).toList();
  }

  /**
   * What no declarative source may take besides the other declarative ones: the built-in sources
   * and the pipeline's own tables (owner {@code (the pipeline)}).
   */
  public static List<SourceInfo> reserved() {
    List<SourceInfo> taken = new ArrayList<>();
    for (BuiltInSource b : BuiltInSources.ALL) taken.add(b.info());
    for (String table : kafkapipeline.grains.cassandra.Schema.tables()) {
      if (taken.stream().noneMatch(s -> table.equals(s.table())))
        taken.add(new SourceInfo("(the pipeline)", null, table));
    }
    return taken;
  }

  /** A declarative source's name, topic and table. */
  public static SourceInfo info(SourceSpec spec) {
    return new SourceInfo(spec.name(), spec.topicOrName(), spec.tableOrName());
  }
}
