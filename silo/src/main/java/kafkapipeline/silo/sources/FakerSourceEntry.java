package kafkapipeline.silo.sources;

import com.datastax.oss.driver.api.core.CqlSession;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.Topics;
import kafkapipeline.api.grains.FakerProtocol;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.grains.faker.FakerSource;
import kafkapipeline.grains.persist.FakerRowMapper;
import kafkapipeline.grains.persist.RowMapper;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The fake-person generator: one cluster singleton, topic {@code faker}, table {@code fakerdata}.
 */
public final class FakerSourceEntry implements BuiltInSource {
  @Override
  public SourceInfo info() {
    return new SourceInfo(FakerSource.SOURCE, Topics.FAKER, FakerRowMapper.TABLE);
  }

  @Override
  public String kind() {
    return "singleton";
  }

  @Override
  public List<String> singletons() {
    return List.of(FakerSource.SINGLETON_NAME);
  }

  @Override
  public CompletionStage<RowMapper> rowMapper(CqlSession session) {
    return FakerRowMapper.prepare(session).thenApply(m -> m);
  }

  @Override
  public Running start(SourceContext c) {
    return new Running(
        FakerSource.init(
            c.system(), c.settings().faker(), c.publisher(), c.checkpoints(), c.metrics()),
        c.system().scheduler());
  }

  /** The started generator: {@code PUT /api/sources/faker/rate} talks to {@link #faker}. */
  public record Running(ActorRef<FakerProtocol.Command> faker, Scheduler scheduler)
      implements BuiltInSource.Running {
    @Override
    public CompletionStage<FakerProtocol.Status> inspect(Duration timeout) {
      return AskPattern.<FakerProtocol.Command, FakerProtocol.Status>ask(
          faker, FakerProtocol.GetStatus::new, timeout, scheduler);
    }

    @Override
    public CompletionStage<SourceState> state(Duration timeout) {
      return inspect(timeout).handle((s, e) -> e == null ? view(s) : SourceState.noAnswer(e));
    }

    /**
     * The generator's status as the API shows it; an event is expected at least every max(1 s,
     * 1/rate) while it runs (not when paused or finished).
     */
    public static SourceState view(FakerProtocol.Status s) {
      Duration expected =
          "running".equals(s.state()) && s.ratePerSecond() > 0
              ? Duration.ofMillis(Math.max(1000, (long) Math.ceil(1000 / s.ratePerSecond())))
              : null;
      return new SourceState(
          s.state(), s.ratePerSecond(), s.lastPublished(), s.lastError(), expected);
    }
  }
}
