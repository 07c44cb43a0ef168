package kafkapipeline.silo;

/**
 * What the HTTP layer reads of the pipeline on this silo: its start's state and, once it runs, the
 * grains and stores the routes talk to. Written only by the {@link Guardian}.
 */
public interface PipelineView {
  /** {@code starting}, {@code waiting for servers: <reason>} or {@code running}. */
  String state();

  /** The running pipeline, or null while it starts. */
  Grains grains();

  /** Every source this silo knows, from the start on. */
  kafkapipeline.silo.sources.SourceRegistry registry();
}
