package kafkapipeline.silo.sources;

import com.datastax.oss.driver.api.core.CqlSession;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import kafkapipeline.api.Topics;
import kafkapipeline.api.grains.WikipediaProtocol;
import kafkapipeline.api.sources.SourceInfo;
import kafkapipeline.grains.persist.RowMapper;
import kafkapipeline.grains.persist.WikipediaRowMapper;
import kafkapipeline.grains.wikipedia.WikipediaSource;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Wikipedia recent changes over Server-Sent Events: one cluster singleton, topic {@code wikipedia},
 * table {@code wikipediadata}.
 */
public final class WikipediaSourceEntry implements BuiltInSource {
  @Override
  public SourceInfo info() {
    return new SourceInfo(Topics.WIKIPEDIA, Topics.WIKIPEDIA, WikipediaRowMapper.TABLE);
  }

  @Override
  public String kind() {
    return "singleton";
  }

  @Override
  public List<String> singletons() {
    return List.of(WikipediaSource.SINGLETON_NAME);
  }

  @Override
  public CompletionStage<RowMapper> rowMapper(CqlSession session) {
    return WikipediaRowMapper.prepare(session).thenApply(m -> m);
  }

  @Override
  public Running start(SourceContext c) {
    return new Running(
        WikipediaSource.init(
            c.system(), c.settings().wikipedia(), c.publisher(), c.streamPositions(), c.metrics()),
        c.system().scheduler());
  }

  /** The longest time between two recent changes while the stream is read. */
  public static final Duration EXPECTED_INTERVAL = Duration.ofSeconds(60);

  /** The started stream reader. */
  public record Running(ActorRef<WikipediaProtocol.Command> wikipedia, Scheduler scheduler)
      implements BuiltInSource.Running {
    @Override
    public CompletionStage<WikipediaProtocol.Status> inspect(Duration timeout) {
      return AskPattern.<WikipediaProtocol.Command, WikipediaProtocol.Status>ask(
          wikipedia, WikipediaProtocol.GetStatus::new, timeout, scheduler);
    }

    @Override
    public CompletionStage<SourceState> state(Duration timeout) {
      return inspect(timeout).handle((s, e) -> e == null ? view(s) : SourceState.noAnswer(e));
    }

    private static SourceState view(WikipediaProtocol.Status s) {
      String detail =
          String.format(
              "%d published, %d canaries discarded, %d malformed, %d oversize, %d server errors, %d"
                  + " connections%s",
              s.published(),
              s.canaries(),
              s.malformed(),
              s.oversize(),
              s.serverErrors(),
              s.connections(),
              s.lastError() == null ? "" : "; last error: " + s.lastError());
      // The stream is busy all day (many changes a second); a minute without one means trouble.
      Duration expected = "disabled".equals(s.state()) ? null : EXPECTED_INTERVAL;
      return new SourceState(s.state(), s.eventsPerSecond(), s.lastEventTime(), detail, expected);
    }
  }
}
