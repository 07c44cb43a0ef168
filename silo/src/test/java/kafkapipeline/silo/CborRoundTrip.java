package kafkapipeline.silo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/** A message through the serializer the silos use between them (Jackson CBOR), and back. */
final class CborRoundTrip {
  private CborRoundTrip() {}

  /** Fails unless the message is serialized by Jackson CBOR; returns what the bytes give back. */
  static Object of(ActorTestKit testKit, Object message) {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    Serializer serializer = serialization.findSerializerFor(message);
    assertEquals(
        "org.apache.pekko.serialization.jackson.JacksonCborSerializer",
        serializer.getClass().getName());
    byte[] bytes = serialization.serialize(message).get();
    return serialization
        .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message))
        .get();
  }
}
