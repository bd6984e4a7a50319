package dev.portcullis.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.domain.Run;
import dev.portcullis.core.domain.RunEvent;
import dev.portcullis.core.run.ThreadEventHub.Next;
import dev.portcullis.core.run.ThreadEventHub.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ThreadEventHubTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration LONG_POLL = Duration.ofSeconds(30);

  private final InMemoryRunStore store = new InMemoryRunStore();
  private final Run run = store.create("thr_a", "agt_1");

  private RunEvent write(String event) {
    return store.appendEvent(run.id(), event, "{}");
  }

  private static List<Long> take(Subscription s, int count) throws InterruptedException {
    List<Long> ids = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (ids.size() < count && System.nanoTime() < deadline) {
      if (s.next(Duration.ofMillis(50)) instanceof Next.Event(RunEvent e)) {
        ids.add(e.id());
      }
    }
    return ids;
  }

  private static void assertNothingMore(Subscription s) throws InterruptedException {
    assertThat(s.next(Duration.ofMillis(100))).isInstanceOf(Next.Idle.class);
  }

  @Test
  void subscribeWhenEventsStoredThenBacklogAfterIdThenLiveEventsInOrder() throws InterruptedException {
    ThreadEventHub hub = new ThreadEventHub(store, LONG_POLL, 16);
    RunEvent e1 = write("run.created");
    RunEvent e2 = write("message.delta");
    try (Subscription s = hub.subscribe("thr_a", e1.id())) {
      RunEvent e3 = write("message.delta");
      hub.wake("thr_a");
      assertThat(take(s, 2)).containsExactly(e2.id(), e3.id());
      assertNothingMore(s);
    }
  }

  @Test
  void wakeWhenLocalWriteThenDeliveredAtOnceNotAtThePoll() throws InterruptedException {
    ThreadEventHub hub = new ThreadEventHub(store, LONG_POLL, 16);
    try (Subscription s = hub.subscribe("thr_a", 0)) {
      Thread.sleep(50); // the follower is waiting
      long start = System.nanoTime();
      RunEvent e = write("run.created");
      hub.wake("thr_a");
      assertThat(s.next(WAIT)).isEqualTo(new Next.Event(e));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void followWhenAnotherServerWritesWithoutWakeThenDeliveredWithinThePoll() throws InterruptedException {
    ThreadEventHub hub = new ThreadEventHub(store, Duration.ofMillis(100), 16);
    try (Subscription s = hub.subscribe("thr_a", 0)) {
      RunEvent e = write("run.created"); // no wake: as if stored by another server
      assertThat(s.next(Duration.ofSeconds(2))).isEqualTo(new Next.Event(e));
    }
  }

  @Test
  void subscribeWhenManySubscribersOfOneThreadThenOneStoreReaderForAll() throws InterruptedException {
    ThreadEventHub hub = new ThreadEventHub(store, Duration.ofMillis(50), 16);
    List<Subscription> subscriptions = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      subscriptions.add(hub.subscribe("thr_a", 0));
    }
    int before = store.threadReads.get();
    Thread.sleep(500);
    RunEvent e = write("run.created");
    hub.wake("thr_a");
    for (Subscription s : subscriptions) {
      assertThat(s.next(WAIT)).isEqualTo(new Next.Event(e));
    }
    // about ten polls and a wake-up, where 200 pollers would have read the store 2,000 times
    assertThat(store.threadReads.get() - before).isLessThan(30);
    assertThat(hub.followedThreads()).isOne();
    subscriptions.forEach(Subscription::close);
  }

  @Test
  void offerWhenSubscriberFallsBehindCapacityThenOnlyItIsDroppedAndOthersGetEverything() throws InterruptedException {
    ThreadEventHub hub = new ThreadEventHub(store, LONG_POLL, 4);
    try (Subscription slow = hub.subscribe("thr_a", 0); Subscription fast = hub.subscribe("thr_a", 0)) {
      List<Long> written = new ArrayList<>();
      List<Long> received = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        written.add(write("message.delta").id());
        hub.wake("thr_a");
        received.addAll(take(fast, 1));
      }
      assertThat(received).isEqualTo(written);
      assertThat(slow.next(WAIT)).isEqualTo(new Next.Dropped(4));
      assertThat(slow.next(WAIT)).as("for ever").isEqualTo(new Next.Dropped(4));
    }
  }

  @Test
  void closeWhenLastSubscriberLeavesThenFollowerStopsAndAnotherStartsOnTheNextSubscribe()
      throws InterruptedException {
    ThreadEventHub hub = new ThreadEventHub(store, Duration.ofMillis(20), 16);
    Subscription first = hub.subscribe("thr_a", 0);
    Subscription second = hub.subscribe("thr_a", 0);
    first.close();
    assertThat(hub.followedThreads()).isOne();
    second.close();
    second.close();
    assertThat(hub.followedThreads()).isZero();
    int reads = store.threadReads.get();
    Thread.sleep(200);
    assertThat(store.threadReads.get()).as("no reader left").isEqualTo(reads);

    RunEvent e = write("run.created");
    try (Subscription again = hub.subscribe("thr_a", 0)) {
      assertThat(again.next(WAIT)).isEqualTo(new Next.Event(e));
    }
  }

  @Test
  void subscribeWhenAfterBeyondTheNewestIdThenOtherSubscribersStillGetLiveEvents() throws InterruptedException {
    ThreadEventHub hub = new ThreadEventHub(store, LONG_POLL, 16);
    write("run.created");
    try (Subscription ahead = hub.subscribe("thr_a", 1_000_000); Subscription fromStart = hub.subscribe("thr_a", 0)) {
      RunEvent live = write("message.delta");
      hub.wake("thr_a");
      assertThat(take(fromStart, 2)).containsExactly(1L, live.id());
      assertNothingMore(ahead);
    }
  }

  @Test
  void subscribeWhenOtherThreadsWriteThenOnlyThisThreadsEvents() throws InterruptedException {
    ThreadEventHub hub = new ThreadEventHub(store, LONG_POLL, 16);
    Run other = store.create("thr_b", "agt_1");
    try (Subscription s = hub.subscribe("thr_a", 0)) {
      store.appendEvent(other.id(), "run.created", "{}");
      hub.wake("thr_b");
      RunEvent mine = write("run.created");
      hub.wake("thr_a");
      assertThat(take(s, 1)).containsExactly(mine.id());
      assertNothingMore(s);
    }
  }

  /** Guards the hand-over from backlog to live delivery: subscribers joining while events are written see each once, in order. */
  @Test
  void subscribeWhileEventsAreWrittenThenEverySubscriberGetsEachEventExactlyOnceInOrder() throws Exception {
    ThreadEventHub hub = new ThreadEventHub(store, Duration.ofMillis(5), 10_000);
    int events = 2_000;
    int subscribers = 40;
    Thread writer = Thread.ofVirtual().start(() -> {
      for (int i = 0; i < events; i++) {
        write("message.delta");
        if (i % 3 == 0) {
          hub.wake("thr_a"); // some local, some as if from another server
        }
        if (i % 50 == 0) {
          Thread.yield();
        }
      }
    });
    List<List<Long>> received = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(subscribers);
    for (int i = 0; i < subscribers; i++) {
      Thread.ofVirtual().start(() -> {
        try (Subscription s = hub.subscribe("thr_a", 0)) {
          received.add(take(s, events));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          done.countDown();
        }
      });
      Thread.sleep(1);
    }
    writer.join();
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    List<Long> all = LongStream.rangeClosed(1, events).boxed().toList();
    assertThat(received).hasSize(subscribers).allSatisfy(ids -> assertThat(ids).isEqualTo(all));
  }

  @Test
  void followThreadWhenSinkNeverKeepsUpThenRateLimitedNamingTheLastIdHandedOn() {
    RunEvents events = new RunEvents(store, 2);
    List<Long> handed = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread writer = Thread.ofVirtual().start(() -> {
      try {
        while (events.threads().followedThreads() == 0) {
          Thread.sleep(5);
        }
        // One event first: once the sink has it, the subscription has read its backlog, so the
        // rest are live events, which count against the capacity (a backlog does not).
        events.append("thr_a", run.id(), "message.delta", "{}");
        while (handed.isEmpty()) {
          Thread.sleep(5);
        }
        for (int i = 0; i < 49; i++) {
          events.append("thr_a", run.id(), "message.delta", "{}");
        }
      } catch (InterruptedException e) {
        // the test is over
      }
    });
    long deadline = System.nanoTime() + WAIT.toNanos();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> events.followThread("thr_a", 0, e -> {
          handed.add(e.id());
          try {
            Thread.sleep(100);
          } catch (InterruptedException ex) {
            throw new IllegalStateException(ex);
          }
        }, () -> System.nanoTime() < deadline))
        .isInstanceOf(dev.portcullis.core.error.PortcullisException.class)
        .hasMessageContaining("subscribe again with after=")
        .satisfies(e -> assertThat(e.getMessage()).endsWith("after=" + (handed.isEmpty() ? 0 : handed.getLast()) + "."))
        .satisfies(e -> assertThat(((dev.portcullis.core.error.PortcullisException) e).code())
            .isEqualTo(dev.portcullis.core.error.ErrorCode.RATE_LIMITED));
    assertThat(events.threads().followedThreads()).isZero();
    writer.interrupt();
  }
}
