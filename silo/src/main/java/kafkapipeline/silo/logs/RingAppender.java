package kafkapipeline.silo.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.time.Instant;

/**
 * The logback appender feeding {@link #RING}, this process's ring of its last log events (named
 * RING in logback.xml). Each event becomes one entry: its time, level, full logger name and
 * formatted message, with the first line of its throwable's class and message appended (" | "), if
 * any; {@link LogRing} redacts and cuts it. One ring per process, whatever number of appenders
 * logback creates (a reconfiguration keeps it). A level logback has that the ring does not (ALL,
 * OFF: never on an event) is stored as TRACE. An appender that fails is logback's to report (its
 * status messages); the logging thread never sees an exception from here.
 */
public final class RingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  /** The process's ring, redacting with {@link Redactor#process()}. */
  public static final LogRing RING = new LogRing(Redactor::process);

  private static volatile boolean installed;

  /** Whether a RingAppender has started in this process, i.e. whether RING receives events. */
  public static boolean installed() {
    return installed;
  }

  @Override
  public void start() {
    super.start();
    installed = true;
  }

  @Override
  protected void append(ILoggingEvent event) {
    RING.add(
        Instant.ofEpochMilli(event.getTimeStamp()),
        LogLevel.parse(event.getLevel().toString()).orElse(LogLevel.TRACE),
        event.getLoggerName(),
        message(event.getFormattedMessage(), event.getThrowableProxy()));
  }

  /** The message with " | class: first line of the throwable's message" appended, if any. */
  static String message(String formatted, IThrowableProxy thrown) {
    String text = formatted == null ? "" : formatted;
    if (thrown == null) return text;
    String about = thrown.getMessage() == null ? "" : thrown.getMessage();
    int eol = about.indexOf('\n');
    if (eol >= 0) about = about.substring(0, eol).stripTrailing();
    return text + " | " + thrown.getClassName() + (about.isEmpty() ? "" : ": " + about);
  }
}
