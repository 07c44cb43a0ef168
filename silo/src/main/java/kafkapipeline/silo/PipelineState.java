package kafkapipeline.silo;

/**
 * The {@link Guardian}'s record of the pipeline's start; the HTTP layer sees it as a {@link
 * PipelineView}.
 */
final class PipelineState implements PipelineView {
  private final kafkapipeline.silo.sources.SourceRegistry registry;
  private volatile String state = "starting";
  private volatile Grains grains;

  PipelineState(kafkapipeline.silo.sources.SourceRegistry registry) {
    this.registry = registry;
  }

  @Override
  public kafkapipeline.silo.sources.SourceRegistry registry() {
    return registry;
  }

  @Override
  public String state() {
    return state;
  }

  @Override
  public Grains grains() {
    return grains;
  }

  void waiting(String reason) {
    state = "waiting for servers: " + reason;
  }

  void running(Grains started) {
    grains = started;
    state = "running";
  }
}
