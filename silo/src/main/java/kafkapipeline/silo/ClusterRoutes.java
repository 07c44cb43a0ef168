package kafkapipeline.silo;

import static kafkapipeline.silo.JsonRoutes.error;
import static kafkapipeline.silo.JsonRoutes.json;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/cluster/events}: the membership changes this silo has seen, newest first ({@link
 * ClusterEvents}). {@code GET /api/kafka/lag}: per topic and partition the end offset, the
 * persisters' committed offset, the lag and the member reading it ({@link KafkaLag}), queried now;
 * 503 with the reason when Kafka does not answer.
 */
final class ClusterRoutes extends AllDirectives {
  private final ActorSystem<?> system;
  private final HttpSettings http;
  private final ActorRef<ClusterEvents.Command> events;
  private final KafkaLag lag;

  ClusterRoutes(
      ActorSystem<?> system,
      HttpSettings http,
      ActorRef<ClusterEvents.Command> events,
      KafkaLag lag) {
    this.system = system;
    this.http = http;
    this.events = events;
    this.lag = lag;
  }

  Route routes() {
    return concat(
        path(
            PathMatchers.segment("cluster").slash("events"),
            () ->
                get(
                    () ->
                        onSuccess(
                            AskPattern.<ClusterEvents.Command, List<ClusterEvents.Event>>ask(
                                events,
                                ClusterEvents.Get::new,
                                http.askTimeout(),
                                system.scheduler()),
                            list -> complete(json(StatusCodes.OK, list))))),
        path(
            PathMatchers.segment("kafka").slash("lag"),
            () ->
                get(
                    () ->
                        onSuccess(
                            lag.lagOfEverySource()
                                .handle(
                                    (list, e) ->
                                        e == null
                                            ? json(StatusCodes.OK, list)
                                            : error(
                                                StatusCodes.SERVICE_UNAVAILABLE,
                                                "Kafka did not answer: " + Connections.reason(e))),
                            r -> complete(r)))));
  }
}
