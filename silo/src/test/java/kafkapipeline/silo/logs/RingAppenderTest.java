package kafkapipeline.silo.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The silo's logback.xml (on this module's test classpath as in the silo): events reach the ring
 * with their throwable's first line, and neither the ring nor the console carries a protected
 * secret, in the message or in the stack trace.
 */
class RingAppenderTest {
  private static LogRing.Entry entryHolding(String marker) {
    return RingAppender.RING.last(LogLevel.TRACE, LogRing.CAPACITY).stream()
        .filter(e -> e.message().contains(marker))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no entry holding " + marker));
  }

  @Test
  void anEventReachesTheRingWithItsThrowablesFirstLine() {
    assertTrue(RingAppender.installed());
    String marker = UUID.randomUUID().toString();
    org.slf4j.Logger log = LoggerFactory.getLogger("kafkapipeline.test.RingAppenderTest.one");
    log.warn("cannot reach {}", marker, new IOException("refused\nsecond line"));
    LogRing.Entry e = entryHolding(marker);
    assertEquals("cannot reach " + marker + " | java.io.IOException: refused", e.message());
    assertEquals(LogLevel.WARN, e.level());
    assertEquals("kafkapipeline.test.RingAppenderTest.one", e.logger());
    // Below the root's INFO nothing is kept.
    log.debug("hidden {}", marker + "-debug");
    assertFalse(
        RingAppender.RING.last(LogLevel.TRACE, LogRing.CAPACITY).stream()
            .anyMatch(x -> x.message().contains(marker + "-debug")));
  }

  @Test
  void neitherRingNorConsoleCarriesAProtectedSecret() {
    String secret = "s3cr3t-" + UUID.randomUUID();
    Redactor.protect(List.of(secret));
    String marker = UUID.randomUUID().toString();
    Logger logger = (Logger) LoggerFactory.getLogger("kafkapipeline.test.RingAppenderTest.two");
    IllegalStateException thrown =
        new IllegalStateException("GET https://owm.example/data?appid=" + secret + " failed");
    logger.error("token {} refused ({})", secret, marker, thrown);
    LogRing.Entry e = entryHolding(marker);
    assertEquals(
        "token *** refused ("
            + marker
            + ") | java.lang.IllegalStateException: GET"
            + " https://owm.example/data?appid=*** failed",
        e.message());

    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    var stdout =
        (OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>)
            context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");
    var layout =
        ((LayoutWrappingEncoder<ch.qos.logback.classic.spi.ILoggingEvent>) stdout.getEncoder())
            .getLayout();
    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(),
            logger,
            Level.ERROR,
            "token {} refused",
            thrown,
            new Object[] {secret});
    String console = layout.doLayout(event);
    assertFalse(console.contains(secret), console);
    assertTrue(console.contains("token *** refused"), console);
    assertTrue(
        console.contains(
            "java.lang.IllegalStateException: GET https://owm.example/data?appid=*** failed"),
        console);
    // The stack trace is there, once: logback appended no unredacted %ex of its own.
    assertTrue(console.contains("\tat kafkapipeline.silo.logs.RingAppenderTest"), console);
    assertEquals(2, console.split("IllegalStateException", -1).length, console);
  }
}
