package kafkapipeline.silo;

import com.datastax.oss.driver.api.core.CqlSession;
import kafkapipeline.grains.cassandra.DeadLetterStore;
import kafkapipeline.grains.faker.FakerSource;
import kafkapipeline.grains.kafka.EventPublisher;
import kafkapipeline.grains.spacex.SpaceXSource;
import kafkapipeline.grains.weather.CallBudget;
import kafkapipeline.grains.weather.CityStore;
import kafkapipeline.grains.weather.OwmClient;
import kafkapipeline.grains.wikipedia.WikipediaSource;
import org.apache.pekko.actor.typed.ActorRef;

/** What the HTTP API talks to once the pipeline has started on this silo. */
public record Grains(
    CqlSession session,
    ActorRef<FakerSource.Command> faker,
    ActorRef<CallBudget.Command> weatherBudget,
    CityStore cities,
    OwmClient owm,
    DeadLetterStore deadLetters,
    EventPublisher publisher,
    ActorRef<WikipediaSource.Command> wikipedia,
    ActorRef<SpaceXSource.Command> spacex) {}
