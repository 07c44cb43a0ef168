package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.grains.cassandra.Schema;
import kafkapipeline.silo.sources.BuiltInSource;
import kafkapipeline.silo.sources.BuiltInSources;
import kafkapipeline.silo.sources.SourceRegistry;
import org.junit.jupiter.api.Test;

/** The registry of built-in sources: one name, topic and table each, every table in the schema. */
class BuiltInSourcesTest {
  @Test
  void everyBuiltInSourceHasItsOwnNameTopicAndTableAndTheSchemaMakesItsTable() {
    List<SourceInfo> all = new SourceRegistry().all();
    assertEquals(BuiltInSources.ALL.size(), all.size());
    assertEquals(all.size(), new HashSet<>(all.stream().map(SourceInfo::name).toList()).size());
    assertEquals(all.size(), new HashSet<>(all.stream().map(SourceInfo::topic).toList()).size());
    assertEquals(all.size(), new HashSet<>(all.stream().map(SourceInfo::table).toList()).size());
    for (SourceInfo s : all) {
      assertTrue(Schema.tables().contains(s.table()), s + ": schema.cql has no such table");
      assertTrue(SourceRegistry.isBuiltIn(s.name()), s.name());
    }
    for (BuiltInSource b : BuiltInSources.ALL) {
      assertTrue(List.of("singleton", "per-city").contains(b.kind()), b.kind());
      assertTrue(!b.singletons().isEmpty(), b.info().name() + " names no singleton");
    }
    assertTrue(StatusRoutes.SINGLETONS.size() >= BuiltInSources.ALL.size());
  }
}
