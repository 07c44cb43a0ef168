package kafkapipeline.silo.logs;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %safeMsg} in a logback pattern: the event's formatted message, redacted by {@link
 * Redactor#process()}, so the console carries no secret either.
 */
public final class SafeMessageConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return Redactor.process().redact(event.getFormattedMessage());
  }
}
