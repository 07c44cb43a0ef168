package kafkapipeline.silo.sources;

import com.datastax.oss.driver.api.core.CqlSession;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.Topics;
import kafkapipeline.api.grains.SpaceXProtocol;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.grains.persist.RowMapper;
import kafkapipeline.grains.persist.SpaceXRowMapper;
import kafkapipeline.grains.spacex.SpaceXClient;
import kafkapipeline.grains.spacex.SpaceXSource;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * SpaceX launches, polled: one cluster singleton, topic {@code spacex}, table {@code
 * spacex_launches}.
 */
public final class SpaceXSourceEntry implements BuiltInSource {
  @Override
  public SourceInfo info() {
    return new SourceInfo(Topics.SPACEX, Topics.SPACEX, SpaceXRowMapper.TABLE);
  }

  @Override
  public String kind() {
    return "singleton";
  }

  @Override
  public List<String> singletons() {
    return List.of(SpaceXSource.SINGLETON_NAME);
  }

  @Override
  public CompletionStage<RowMapper> rowMapper(CqlSession session) {
    return SpaceXRowMapper.prepare(session).thenApply(m -> m);
  }

  @Override
  public Running start(SourceContext c) {
    var spacex = c.settings().spacex();
    return new Running(
        SpaceXSource.init(
            c.system(), spacex, new SpaceXClient(spacex.baseUrl()), c.publisher(), c.metrics()),
        c.system().scheduler(),
        spacex.interval());
  }

  /**
   * The started poller; its counts are in /api/stats (produced spacex, malformed_source_data).
   *
   * @param interval its poll interval: a good poll is expected at least that often (null: none)
   */
  public record Running(
      ActorRef<SpaceXProtocol.Command> spacex, Scheduler scheduler, Duration interval)
      implements BuiltInSource.Running {
    @Override
    public CompletionStage<SpaceXProtocol.Status> inspect(Duration timeout) {
      return AskPattern.<SpaceXProtocol.Command, SpaceXProtocol.Status>ask(
          spacex, SpaceXProtocol.GetStatus::new, timeout, scheduler);
    }

    @Override
    public CompletionStage<SourceState> state(Duration timeout) {
      return inspect(timeout)
          .handle(
              (s, e) ->
                  e == null
                      ? new SourceState(s.state(), null, s.lastSuccess(), s.lastError(), interval)
                      : SourceState.noAnswer(e));
    }
  }
}
