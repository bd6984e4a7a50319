package dev.portcullis.server.ws;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that runs every open socket's {@link SocketSession#check} each {@link #EVERY}.
 *
 * <p>Why one thread and not one per socket: 10,000 sockets each sleeping on a virtual thread
 * meant 40,000 wake-ups a second, which kept most of a core busy with nothing to do (measured
 * with {@code bench/ws-load.sh} and JFR). A check is a few map look-ups, and what it may do
 * (send {@code auth.expiring}, close) is an asynchronous write, so one pass over 10,000 sockets
 * takes milliseconds. A check that must read the database (an authenticator's cache expired)
 * delays the pass, not the sockets' traffic.
 */
public final class SocketWatch implements AutoCloseable {

  /** How often each socket is checked; revocation closes a socket within this plus the authenticators' own delay. */
  public static final Duration EVERY = Duration.ofMillis(250);
  private static final Logger LOG = LoggerFactory.getLogger(SocketWatch.class);

  private final Set<SocketSession> sessions = ConcurrentHashMap.newKeySet();
  private final Thread thread;

  public SocketWatch() {
    thread = Thread.ofPlatform().daemon().name("portcullis-ws-watch").start(this::run);
  }

  /** Checks {@code session} from now until it is {@link #remove}d. */
  public void add(SocketSession session) {
    sessions.add(session);
  }

  public void remove(SocketSession session) {
    sessions.remove(session);
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      long started = System.nanoTime();
      for (SocketSession session : sessions) {
        try {
          session.check();
        } catch (RuntimeException e) {
          LOG.error("checking a WebSocket failed", e);
        }
      }
      long rest = EVERY.toNanos() - (System.nanoTime() - started);
      try {
        // At least a little rest, so that a pass longer than EVERY cannot starve the server.
        Thread.sleep(Duration.ofNanos(Math.max(rest, EVERY.toNanos() / 10)));
      } catch (InterruptedException closed) {
        return;
      }
    }
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
