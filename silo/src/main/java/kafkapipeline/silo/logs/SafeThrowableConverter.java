package kafkapipeline.silo.logs;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %safeEx} in a logback pattern: the event's stack trace as {@code %ex} prints it, redacted
 * by {@link Redactor#process()} (exception messages may hold a URL with the key). Being a throwable
 * converter, it also stops logback from appending an unredacted {@code %ex} itself.
 */
public final class SafeThrowableConverter extends ThrowableProxyConverter {
  @Override
  public String convert(ILoggingEvent event) {
    String trace = super.convert(event);
    if (trace.isEmpty()) return trace;
    String safe = Redactor.process().redact(trace);
    // A withheld trace is one line; the next event still starts on its own line.
    return safe.endsWith("\n") ? safe : safe + System.lineSeparator();
  }
}
