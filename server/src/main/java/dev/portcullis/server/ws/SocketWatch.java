package dev.portcullis.server.ws;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that looks at every open socket each {@link #EVERY} ({@link SocketSession#check}):
 * idle timeout, expiry warning and expiry every time, and the credential asked again only when
 * a revocation has been applied since the last look (the revocation log's {@code version}, which
 * every revocation of a key or token reaches on every server) or {@link #RECHECK_EVERY} has
 * passed, for what no log records (a plugin's own revocations).
 *
 * <p>Why: 10,000 sockets each sleeping on a virtual thread meant 40,000 wake-ups a second, and
 * asking the authenticators about each socket four times a second kept a core busy with nothing
 * changing (both measured with {@code bench/ws-load.sh} and JFR). A look without a revocation
 * is a few field reads. What a look may do (send {@code auth.expiring}, close) is an
 * asynchronous write. A credential check that must read the database (an authenticator's cache
 * expired) delays the pass, not the sockets' traffic.
 */
public final class SocketWatch implements AutoCloseable {

  /** How often each socket is looked at; revocation closes a socket within this plus the log's poll (200 ms). */
  public static final Duration EVERY = Duration.ofMillis(250);
  /** How often every credential is asked again though no revocation was applied. */
  static final Duration RECHECK_EVERY = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(SocketWatch.class);

  private final Set<SocketSession> sessions = ConcurrentHashMap.newKeySet();
  private final LongSupplier revocationVersion;
  private final Thread thread;

  /** @param revocationVersion grows whenever a revocation is applied on this server, from here or from the log */
  public SocketWatch(LongSupplier revocationVersion) {
    this.revocationVersion = revocationVersion;
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
    long checkedVersion = Long.MIN_VALUE;
    long checkedAt = System.nanoTime();
    while (!Thread.currentThread().isInterrupted()) {
      long started = System.nanoTime();
      // Read before the pass: a revocation applied during it makes the next pass ask again.
      long version = revocationVersion.getAsLong();
      boolean askAgain = version != checkedVersion || started - checkedAt >= RECHECK_EVERY.toNanos();
      if (askAgain) {
        checkedVersion = version;
        checkedAt = started;
      }
      for (SocketSession session : sessions) {
        try {
          session.check(askAgain);
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
