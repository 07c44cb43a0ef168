package kafkapipeline.grains.persist;

/**
 * The one stream a persister runs now, shared by its actor and the silo's stop (a
 * CoordinatedShutdown task, on its own thread). Once {@link #stop}ped it takes no stream again: a
 * stream made by a resume that raced the stop is refused by {@link #set}, and its maker ends it
 * itself, so no consumer runs on after the silo's drain.
 */
final class StreamSlot<S> {
  private S stream;
  private boolean stopped;

  /** Holds {@code s} as the running stream, unless stopped: then false, and the caller ends it. */
  synchronized boolean set(S s) {
    if (stopped) return false;
    stream = s;
    return true;
  }

  /** The running stream, null if none (paused, or never started). */
  synchronized S get() {
    return stream;
  }

  /** No stream runs now (a pause drained it). */
  synchronized void clear() {
    stream = null;
  }

  /** From now on no stream is taken; returns the running one, to drain (null if none). */
  synchronized S stop() {
    stopped = true;
    return stream;
  }

  synchronized boolean stopped() {
    return stopped;
  }
}
