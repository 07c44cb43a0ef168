package kafkapipeline.grains.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kafkapipeline.api.Topics;
import kafkapipeline.grains.kafka.EventPublisher.KeyedRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaEventPublisherTest {

  private static KeyedRecord event(String key, int bytes) {
    return new KeyedRecord(key, new byte[bytes]);
  }

  /**
   * Sends to topic "stuck" hang (as KafkaProducer's do while a topic's metadata never arrives)
   * until released. Not synchronized, unlike MockProducer.send, which the hang would hold.
   */
  private static final class HangingProducer extends MockProducer<String, byte[]> {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch hanging = new CountDownLatch(1);

    HangingProducer() {
      super(true, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
      if (record.topic().equals("stuck")) {
        hanging.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return super.send(record, callback);
    }
  }

  @Test
  void aSourceWhoseSendsHangDoesNotDelayAnotherSourcesPublish() throws Exception {
    HangingProducer producer = new HangingProducer();
    try (KafkaEventPublisher publisher = new KafkaEventPublisher(producer)) {
      CompletableFuture<Void> stuck =
          publisher.publish("stuck", List.of(event("a", 10), event("b", 10))).toCompletableFuture();
      assertTrue(producer.hanging.await(5, TimeUnit.SECONDS), "the stuck send never started");
      // Another source's publish completes while the stuck one still hangs.
      publisher
          .publish(Topics.WEATHER, List.of(event("hanoi,vn", 100)))
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      assertFalse(stuck.isDone(), "the stuck publish finished early: the test proves nothing");
      assertEquals(
          List.of(Topics.WEATHER), producer.history().stream().map(ProducerRecord::topic).toList());
      producer.release.countDown();
      stuck.get(5, TimeUnit.SECONDS);
      assertEquals(3, producer.history().size());
    }
  }

  @Test
  void theFirstRefusalFailsTheCallAndTheRestAreNotSent() {
    AtomicInteger sends = new AtomicInteger();
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, new StringSerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized Future<RecordMetadata> send(
              ProducerRecord<String, byte[]> record, Callback callback) {
            sends.incrementAndGet();
            // As KafkaProducer does when metadata does not arrive within max.block.ms: the callback
            // runs inside send.
            TimeoutException e =
                new TimeoutException("Topic faker not present in metadata after 10000 ms.");
            callback.onCompletion(null, e);
            return CompletableFuture.failedFuture(e);
          }
        };
    List<KeyedRecord> batch = new ArrayList<>();
    for (int i = 0; i < 500; i++) batch.add(event("p" + i, 10));
    try (KafkaEventPublisher publisher = new KafkaEventPublisher(producer)) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  publisher
                      .publish(Topics.FAKER, batch)
                      .toCompletableFuture()
                      .get(5, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof TimeoutException, e.toString());
      assertEquals(1, sends.get(), "records after the first refusal were still sent");
    }
  }

  @Test
  void anEventOverTheLimitIsSentAsADeadLetterMarker() throws Exception {
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, new StringSerializer(), new ByteArraySerializer());
    try (KafkaEventPublisher publisher = new KafkaEventPublisher(producer)) {
      publisher
          .publish(
              Topics.WIKIPEDIA,
              List.of(
                  event("fits", Topics.MAX_EVENT_BYTES - 4),
                  event("big", Topics.MAX_EVENT_BYTES - 2)))
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
    }
    ProducerRecord<String, byte[]> fits = producer.history().get(0);
    assertEquals(Topics.MAX_EVENT_BYTES - 4, fits.value().length);
    assertNull(fits.headers().lastHeader(Topics.DEAD_LETTER_HEADER));
    ProducerRecord<String, byte[]> big = producer.history().get(1);
    assertEquals("big", big.key());
    assertEquals(KeyedRecord.DEAD_LETTER_HEAD_BYTES, big.value().length);
    Header reason = big.headers().lastHeader(Topics.DEAD_LETTER_HEADER);
    assertEquals(
        "event of 1000001 bytes exceeds the event limit of 1000000 bytes (source event id: big)",
        new String(reason.value(), StandardCharsets.UTF_8));
  }

  @Test
  void theProducerTakesWhatTheTopicsTake() {
    assertEquals(
        Topics.MAX_MESSAGE_BYTES,
        KafkaEventPublisher.producerProperties("localhost:9092").get("max.request.size"));
    assertTrue(Topics.MAX_MESSAGE_BYTES > Topics.MAX_EVENT_BYTES);
  }

  @Test
  void aRecordWithAnOriginGoesToItsPartitionWithTheOriginHeader() {
    ProducerRecord<String, byte[]> replayed =
        KafkaEventPublisher.toProducerRecord(
            Topics.FAKER, event("k", 10).withOrigin(new Origin(2, 41L)));
    assertEquals(2, replayed.partition());
    assertEquals(
        "2:41",
        new String(
            replayed.headers().lastHeader(Topics.ORIGIN_HEADER).value(),
            StandardCharsets.US_ASCII));
    assertNull(replayed.headers().lastHeader(Topics.DEAD_LETTER_HEADER));

    ProducerRecord<String, byte[]> fresh =
        KafkaEventPublisher.toProducerRecord(Topics.FAKER, event("k", 10));
    assertNull(fresh.partition(), "the partitioner chooses");
    assertNull(fresh.headers().lastHeader(Topics.ORIGIN_HEADER));

    ProducerRecord<String, byte[]> bigReplayed =
        KafkaEventPublisher.toProducerRecord(
            Topics.FAKER, event("big", Topics.MAX_EVENT_BYTES + 1).withOrigin(new Origin(1, 7L)));
    assertEquals(1, bigReplayed.partition(), "a marker made of a replay keeps its origin");
    assertEquals(
        "1:7",
        new String(
            bigReplayed.headers().lastHeader(Topics.ORIGIN_HEADER).value(),
            StandardCharsets.US_ASCII));
    assertTrue(bigReplayed.headers().lastHeader(Topics.DEAD_LETTER_HEADER) != null);
  }
}
