package kafkapipeline.api;

/**
 * Marker for every message that may cross a silo boundary. The silo's configuration binds it to
 * Pekko's Jackson CBOR serializer, so a message without it fails loudly instead of falling back to
 * Java serialization.
 */
public interface CborSerializable {}
