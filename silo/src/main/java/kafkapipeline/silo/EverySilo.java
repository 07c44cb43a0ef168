package kafkapipeline.silo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Asks every actor registered under a receptionist key, on every silo, at once: how one silo's API
 * gathers the vitals, history, logs or persister states of all silos. Never fails: an actor that
 * does not answer within the timeout is left out, and if the receptionist does not answer the list
 * is empty.
 */
public final class EverySilo {
  private EverySilo() {}

  /** The answers of every registered actor that answered in time, in no particular order. */
  public static <C, R> CompletionStage<List<R>> ask(
      ActorSystem<?> system,
      ServiceKey<C> key,
      Function<ActorRef<R>, C> message,
      Duration timeout) {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(),
            reply -> Receptionist.find(key, reply),
            timeout,
            system.scheduler())
        .thenCompose(
            listing -> {
              List<CompletableFuture<R>> asks = new ArrayList<>();
              for (ActorRef<C> ref : listing.getServiceInstances(key))
                asks.add(
                    AskPattern.<C, R>ask(ref, message::apply, timeout, system.scheduler())
                        .toCompletableFuture()
                        .exceptionally(e -> null));
              return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
                  .thenApply(
                      done ->
                          asks.stream()
                              .map(CompletableFuture::join)
                              .filter(Objects::nonNull)
                              .toList());
            })
        .exceptionally(e -> List.of());
  }
}
