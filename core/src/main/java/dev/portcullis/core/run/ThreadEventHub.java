package dev.portcullis.core.run;

import dev.portcullis.core.domain.RunEvent;
import dev.portcullis.core.store.RunStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans the events of a thread out to its subscribers on this server: one follower per thread
 * with at least one subscriber reads the store, however many sockets subscribe to the thread
 * (API.md section 8). Without it, 10,000 subscribers of one thread polling every 250 ms would
 * be 40,000 queries a second; with it they are four.
 *
 * <p>The store stays the one source of truth. A follower reads the thread's events after the
 * last id it delivered, every {@code poll} (so events written by another server sharing the
 * database arrive within it) and at once when {@link #wake} reports a write on this server.
 *
 * <p>Hand-over without loss or repetition: a follower delivers under its lock and advances its
 * cursor there; a new subscriber reads its backlog (its {@code after} up to that cursor) from the
 * store under the same lock, then joins, so it receives each event either from the backlog or
 * live, never both. The cursor of a new follower starts at {@link RunStore#lastEventId}, never at
 * an {@code after} a client sent, so no subscriber can hold back the others.
 *
 * <p>A slow subscriber does not hold back the others: each has its own queue, and one that falls
 * more than {@code capacity} live events behind is dropped and told so by {@link Next.Dropped}.
 * A follower stops when its last subscriber leaves. Thread-safe; waiting uses
 * {@link ReentrantLock}, which does not pin virtual threads.
 */
public final class ThreadEventHub {

  /** How many live events a subscriber may fall behind before it is dropped. */
  public static final int DEFAULT_CAPACITY = 1024;
  private static final Logger LOG = LoggerFactory.getLogger(ThreadEventHub.class);

  private final RunStore store;
  private final Duration poll;
  private final int capacity;
  /** Guards the creation and removal of followers and their {@code joining} counts. */
  private final ReentrantLock lifecycle = new ReentrantLock();
  private final Map<String, Follower> followers = new ConcurrentHashMap<>();

  /**
   * @param poll how long a follower waits for a local write before it reads the store anyway
   * @param capacity how many undelivered live events a subscriber may hold before it is dropped
   */
  public ThreadEventHub(RunStore store, Duration poll, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.store = store;
    this.poll = poll;
    this.capacity = capacity;
  }

  /** What {@link Subscription#next} found. */
  public sealed interface Next permits Next.Event, Next.Idle, Next.Dropped {
    /** The next event of the thread. */
    record Event(RunEvent event) implements Next {}

    /** No event arrived within the wait. */
    record Idle() implements Next {}

    /** The subscriber fell too far behind and receives nothing more; it should close. */
    record Dropped(int capacity) implements Next {}
  }

  private static final Next IDLE = new Next.Idle();
  /** The last entry of a dropped subscriber's queue: compared by identity, never handed on. */
  private static final RunEvent DROPPED = new RunEvent(Long.MIN_VALUE, "", "", "");

  /**
   * Subscribes to the events of the thread with an id above {@code afterId}: first those already
   * stored, then each one as it is stored, in id order. Reads the store (the backlog) before it
   * returns. The caller must {@link Subscription#close} the subscription.
   */
  public Subscription subscribe(String threadId, long afterId) {
    Follower follower;
    lifecycle.lock();
    try {
      follower = followers.get(threadId);
      if (follower == null) {
        follower = new Follower(threadId, store.lastEventId(threadId));
        followers.put(threadId, follower);
        follower.start();
      }
      follower.joining++;
    } finally {
      lifecycle.unlock();
    }
    try {
      return follower.join(afterId);
    } finally {
      lifecycle.lock();
      try {
        follower.joining--;
      } finally {
        lifecycle.unlock();
      }
      stopIfIdle(follower);
    }
  }

  /** Reports that an event of a run of this thread was stored on this server: its follower reads the store at once. */
  public void wake(String threadId) {
    Follower follower = followers.get(threadId);
    if (follower != null) {
      follower.fire();
    }
  }

  /** How many threads have a follower: for tests and metrics. */
  public int followedThreads() {
    return followers.size();
  }

  private void stopIfIdle(Follower follower) {
    lifecycle.lock();
    try {
      if (follower.joining == 0 && follower.idle() && followers.get(follower.threadId) == follower) {
        followers.remove(follower.threadId);
        follower.stop();
      }
    } finally {
      lifecycle.unlock();
    }
  }

  /** One subscriber's view of a thread's events. {@link #next} is for one consumer thread; {@link #close} may be called from any. */
  public final class Subscription implements AutoCloseable {
    private final Follower follower;
    private final long afterId;
    private final LinkedBlockingQueue<RunEvent> queue = new LinkedBlockingQueue<>();
    /** The backlog does not count against the capacity: a resumed subscriber may need more than that. */
    private int limit = capacity;
    private volatile boolean dropped;
    private volatile boolean closed;

    private Subscription(Follower follower, long afterId) {
      this.follower = follower;
      this.afterId = afterId;
    }

    /**
     * The next event, waiting up to {@code timeout}: {@link Next.Event}, {@link Next.Idle} when
     * none came, or {@link Next.Dropped} once this subscriber has been dropped for falling
     * behind (then for ever).
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public Next next(Duration timeout) throws InterruptedException {
      if (dropped) {
        return new Next.Dropped(capacity);
      }
      RunEvent event = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (event == null) {
        return dropped ? new Next.Dropped(capacity) : IDLE;
      }
      return event == DROPPED ? new Next.Dropped(capacity) : new Next.Event(event);
    }

    /** Leaves the thread; its follower stops when this was the last subscriber. Idempotent. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      follower.leave(this);
      stopIfIdle(follower);
    }

    /** Under the follower's lock. @return false when the subscriber has fallen too far behind */
    private boolean offer(RunEvent event) {
      if (event.id() <= afterId) {
        return true;
      }
      if (queue.size() >= limit) {
        dropped = true;
        queue.clear();
        queue.add(DROPPED); // wakes a consumer waiting in next(), however long its wait
        return false;
      }
      queue.add(event);
      return true;
    }
  }

  /** Reads one thread's events from the store and hands them to its subscribers. */
  private final class Follower {
    private final String threadId;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Subscription> subscribers = new ArrayList<>();
    /** Every event of the thread up to here has been handed to every subscriber; guarded by {@link #lock}. */
    private long cursor;
    private long generation;
    private boolean stopped;
    /** Subscribers between the hub's look-up and their join; guarded by {@link #lifecycle}. */
    private int joining;
    private Thread thread;

    Follower(String threadId, long cursor) {
      this.threadId = threadId;
      this.cursor = cursor;
    }

    void start() {
      thread = Thread.ofVirtual().name("thread-events-" + threadId).start(this::run);
    }

    Subscription join(long afterId) {
      Subscription subscription = new Subscription(this, afterId);
      lock.lock();
      try {
        if (afterId < cursor) {
          // Under the lock the cursor cannot move: the backlog ends where live delivery begins.
          for (RunEvent event : store.threadEvents(threadId, afterId)) {
            if (event.id() > cursor) {
              break;
            }
            subscription.queue.add(event);
          }
          subscription.limit = capacity + subscription.queue.size();
        }
        subscribers.add(subscription);
      } finally {
        lock.unlock();
      }
      return subscription;
    }

    void leave(Subscription subscription) {
      lock.lock();
      try {
        subscribers.remove(subscription);
      } finally {
        lock.unlock();
      }
    }

    boolean idle() {
      lock.lock();
      try {
        return subscribers.isEmpty();
      } finally {
        lock.unlock();
      }
    }

    void fire() {
      lock.lock();
      try {
        generation++;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    void stop() {
      lock.lock();
      try {
        stopped = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    private void run() {
      while (true) {
        long seen;
        long from;
        lock.lock();
        try {
          if (stopped) {
            return;
          }
          seen = generation;
          from = cursor;
        } finally {
          lock.unlock();
        }
        List<RunEvent> events;
        try {
          events = store.threadEvents(threadId, from);
        } catch (RuntimeException e) {
          // The database may be back at the next poll; the subscribers keep waiting meanwhile.
          LOG.warn("reading the events of thread {} failed; trying again in {} ms", threadId, poll.toMillis(), e);
          events = List.of();
        }
        lock.lock();
        try {
          if (!events.isEmpty()) {
            deliver(events);
          } else {
            long nanos = poll.toNanos();
            while (generation == seen && !stopped && nanos > 0) {
              nanos = changed.awaitNanos(nanos);
            }
          }
        } catch (InterruptedException e) {
          return;
        } finally {
          lock.unlock();
        }
      }
    }

    /** Under {@link #lock}. */
    private void deliver(List<RunEvent> events) {
      for (RunEvent event : events) {
        if (event.id() <= cursor) {
          continue;
        }
        subscribers.removeIf(subscriber -> !subscriber.offer(event));
        cursor = event.id();
      }
    }
  }
}
