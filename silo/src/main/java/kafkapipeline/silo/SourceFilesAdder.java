package kafkapipeline.silo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.api.sources.SourceSpecs;
import kafkapipeline.grains.declarative.DeclarativeTable;
import kafkapipeline.silo.sources.SourceFiles;
import kafkapipeline.silo.sources.SourceRegistry;
import org.slf4j.Logger;

/**
 * Adds the sources of {@code SOURCES_DIR} at a silo's start, one file after the other, each as a
 * POST would be checked: against the pipeline's own tables, against the stored sources (read page
 * by page; the stored source of the file's name is the one it replaces) and then by its claim of
 * name, topic and table (which may replace that source's). A file that clashes is logged as a
 * warning with its file name and the reasons and skipped; nothing is made for it and the other
 * files are still added. Then its table is created or widened and the source stored. A failed
 * Cassandra statement fails the returned stage (the silo's start is tried again).
 */
final class SourceFilesAdder {
  private SourceFilesAdder() {}

  static CompletionStage<Void> addAll(
      SourceFiles files, PipelineStores stores, Duration tableAgreement, Logger log) {
    CompletionStage<Void> all = CompletableFuture.completedFuture(null);
    for (SourceFiles.File file : files.files()) {
      all = all.thenCompose(done -> add(file, stores, tableAgreement, log));
    }
    return all;
  }

  private static CompletionStage<Void> add(
      SourceFiles.File file, PipelineStores stores, Duration tableAgreement, Logger log) {
    var spec = file.spec();
    List<String> reserved = SourceSpecs.conflicts(spec, SourceRegistry.reserved());
    CompletionStage<List<String>> clashes =
        !reserved.isEmpty()
            ? CompletableFuture.completedFuture(reserved)
            : stores
                .sources()
                .fold(
                    new ArrayList<String>(),
                    (acc, s) -> {
                      acc.addAll(
                          SourceFiles.clashes(
                              spec,
                              s.spec() == null
                                  ? new SourceInfo(s.name(), null, null)
                                  : SourceRegistry.info(s.spec())));
                      return acc;
                    })
                .thenCompose(
                    stored ->
                        stored.isEmpty()
                            ? stores.claims().claim(spec, true)
                            : CompletableFuture.completedFuture(stored));
    return clashes.thenCompose(
        lost -> {
          if (!lost.isEmpty()) {
            log.warn(
                "SOURCES_DIR: file {} skipped (source {}): {}",
                file.fileName(),
                spec.name(),
                String.join("; ", lost));
            return CompletableFuture.completedFuture(null);
          }
          return DeclarativeTable.apply(stores.session(), spec, tableAgreement)
              .thenCompose(table -> stores.sources().save(spec));
        });
  }
}
