package kafkapipeline.grains.declarative;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of poll bodies one silo holds at once, shared by all its declarative sources ({@code
 * max-buffered-bytes}). A poll takes a {@link Lease}, reserves each chunk of its body before
 * keeping it, and closes the lease when its attempt ends (its records acknowledged or given up),
 * which gives every reserved byte back. A reservation that would pass the budget is refused (the
 * poll then fails, naming the budget); the budget never goes negative nor leaks a closed lease's
 * bytes. Thread-safe.
 */
final class PollBudget {
  private final long capacity;
  private final AtomicLong free;

  PollBudget(long capacity) {
    this.capacity = capacity;
    this.free = new AtomicLong(capacity);
  }

  long capacity() {
    return capacity;
  }

  long free() {
    return free.get();
  }

  Lease lease() {
    return new Lease();
  }

  /** One poll's share; {@link #close} is idempotent. */
  final class Lease implements AutoCloseable {
    private final AtomicLong held = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Takes {@code bytes} more, or nothing and false when the budget has not that many free. */
    boolean reserve(long bytes) {
      if (closed.get()) return false;
      long now;
      do {
        now = free.get();
        if (now < bytes) return false;
      } while (!free.compareAndSet(now, now - bytes));
      held.addAndGet(bytes);
      // Closed meanwhile: give this back too, as close may have missed it.
      if (closed.get()) free.addAndGet(held.getAndSet(0));
      return true;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) free.addAndGet(held.getAndSet(0));
    }
  }
}
