package dev.portcullis.core.run;

import dev.portcullis.core.domain.RunEvent;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.store.RunStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The events of runs: stored first, then signalled to readers on this server.
 *
 * <p>The database is the one source of truth: a reader always reads events from the store
 * after the last id it delivered, and a signal only wakes it early. So a reader never misses
 * an event that was stored between its replay and its wait, and a reader of a run executing
 * on another server sharing the database still sees every event, within {@link #POLL}.
 * Thread-safe; waiting uses {@link ReentrantLock}, which does not pin virtual threads.
 */
public final class RunEvents {

  /** How long a reader waits for a signal before it looks at the store anyway. */
  static final Duration POLL = Duration.ofMillis(250);
  /**
   * How long an idle thread subscriber waits before reading {@code open} again. Long, because a
   * subscriber is woken by its events, by being dropped and by an interrupt: with 10,000 idle
   * sockets, waking each one every 250 ms kept a core busy.
   */
  static final Duration SUBSCRIBER_WAIT = Duration.ofSeconds(30);

  private final RunStore store;
  private final Map<String, Signal> signals = new ConcurrentHashMap<>();
  private final ThreadEventHub hub;

  public RunEvents(RunStore store) {
    this(store, ThreadEventHub.DEFAULT_CAPACITY);
  }

  /** @param capacity how many live events a thread subscriber may fall behind before it is dropped */
  public RunEvents(RunStore store, int capacity) {
    this.store = store;
    this.hub = new ThreadEventHub(store, POLL, capacity);
  }

  /** Stores an event of a run of the thread and wakes this server's readers of the run and of the thread. */
  public RunEvent append(String threadId, String runId, String event, String dataJson) {
    RunEvent stored = store.appendEvent(runId, event, dataJson);
    Signal signal = stored.terminal() ? signals.remove(runId) : signals.get(runId);
    if (signal != null) {
      signal.fire();
    }
    hub.wake(threadId);
    return stored;
  }

  /** The thread subscriptions of this server, one store reader per thread however many subscribe. */
  public ThreadEventHub threads() {
    return hub;
  }

  /**
   * Hands {@code sink} every event of the run with an id above {@code afterId}, in order,
   * until the run's terminal event has been handed on or {@code open} turns false.
   *
   * @return the id of the last event handed on, or {@code afterId} if none
   */
  public long follow(String runId, long afterId, Consumer<RunEvent> sink, BooleanSupplier open)
      throws InterruptedException {
    long last = afterId;
    while (open.getAsBoolean()) {
      Signal signal = signals.computeIfAbsent(runId, id -> new Signal());
      long seen = signal.generation();
      List<RunEvent> events = store.events(runId, last);
      for (RunEvent event : events) {
        sink.accept(event);
        last = event.id();
        if (event.terminal()) {
          signals.remove(runId, signal);
          return last;
        }
      }
      if (events.isEmpty()) {
        signal.awaitChange(seen, POLL);
      }
    }
    return last;
  }

  /**
   * Hands {@code sink} every event of every run of the thread with an id above {@code afterId},
   * in id order, until {@code open} turns false: a thread subscription (API.md section 8),
   * served by {@link #threads()}, so that all subscribers of a thread on this server share one
   * store reader. Events of runs executing on any server sharing the database arrive within
   * {@link #POLL}, those of this server at once. {@code open} is read after each event and at
   * least every {@link #SUBSCRIBER_WAIT}; an interrupt ends the wait at once, which is how a
   * caller stops a subscription promptly.
   *
   * @return the id of the last event handed on, or {@code afterId} if none
   * @throws PortcullisException {@code rate_limited} when {@code sink} fell more than the hub's
   *     capacity of events behind and the subscription was dropped; subscribe again with
   *     {@code after} set to the last id handed on to resume without loss
   */
  public long followThread(String threadId, long afterId, Consumer<RunEvent> sink, BooleanSupplier open)
      throws InterruptedException {
    long last = afterId;
    try (ThreadEventHub.Subscription subscription = hub.subscribe(threadId, afterId)) {
      while (open.getAsBoolean()) {
        switch (subscription.next(SUBSCRIBER_WAIT)) {
          case ThreadEventHub.Next.Event(RunEvent event) -> {
            sink.accept(event);
            last = event.id();
          }
          case ThreadEventHub.Next.Idle idle -> { }
          case ThreadEventHub.Next.Dropped(int capacity) -> throw new PortcullisException(ErrorCode.RATE_LIMITED,
              "The subscriber fell more than " + capacity + " events behind thread " + threadId
                  + "; subscribe again with after=" + last + ".");
        }
      }
    }
    return last;
  }

  /** A generation counter that readers wait on. */
  private static final class Signal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long generation;

    long generation() {
      lock.lock();
      try {
        return generation;
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

    void awaitChange(long seen, Duration max) throws InterruptedException {
      lock.lock();
      try {
        long nanos = max.toNanos();
        while (generation == seen && nanos > 0) {
          nanos = changed.awaitNanos(nanos);
        }
      } finally {
        lock.unlock();
      }
    }
  }
}
