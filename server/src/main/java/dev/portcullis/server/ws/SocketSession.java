package dev.portcullis.server.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.domain.RunEvent;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.secret.ResourceIds;
import dev.portcullis.spi.Principal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upgraded, authenticated WebSocket connection (API.md section 8): answers the client's
 * frames, streams the run events of the threads it subscribes to, and ends the connection when
 * its credential lapses (close code {@code 4001} when it expired, {@code 4003} when it was
 * revoked or access was withdrawn), after warning with {@code auth.expiring} 30 s before it
 * expires.
 *
 * <p>Each subscription and the credential watch run on their own virtual thread; frames are
 * sent one at a time under a lock, so the session may be called from any thread.
 */
public final class SocketSession {

  /** How often the credential is checked again; revocation closes a socket within this plus the authenticators' own delay. */
  static final Duration CHECK_EVERY = Duration.ofMillis(250);
  /** How long before expiry {@code auth.expiring} is sent. */
  static final Duration EXPIRING_NOTICE = Duration.ofSeconds(30);
  /** RFC 6455 section 5.5.1: a close reason fits in 123 bytes of UTF-8. */
  private static final int MAX_REASON_BYTES = 123;
  private static final Logger LOG = LoggerFactory.getLogger(SocketSession.class);

  /** The connection as the session sees it. */
  public interface Peer {
    /** Sends one text frame; may fail once the connection has gone. */
    void send(String text);

    void close(int code, String reason);
  }

  /** The threads the session's principal may read, and their events. */
  public interface Threads {
    /**
     * @throws PortcullisException as {@code GET /v1/threads/{id}} would refuse the principal,
     *     {@code not_found} when it cannot see the thread
     */
    void requireReadable(String threadId, String requestId);

    /** See {@link dev.portcullis.core.run.RunEvents#followThread}. */
    void follow(String threadId, long afterId, Consumer<RunEvent> sink, BooleanSupplier open)
        throws InterruptedException;
  }

  private final Peer peer;
  private final Principal principal;
  private final Map<String, Object> principalView;
  private final Supplier<Optional<PortcullisException>> lapsed;
  private final Threads threads;
  private final ObjectMapper json;
  private final Clock clock;
  private final ReentrantLock sending = new ReentrantLock();
  private final Map<String, Thread> subscriptions = new ConcurrentHashMap<>();
  private volatile boolean open = true;
  private volatile Thread watch;

  /**
   * @param principalView the principal as {@code GET /v1/me} shows it
   * @param lapsed the credential check of the upgrade: empty while the credential holds
   */
  public SocketSession(Peer peer, Principal principal, Map<String, Object> principalView,
      Supplier<Optional<PortcullisException>> lapsed, Threads threads, ObjectMapper json, Clock clock) {
    this.peer = peer;
    this.principal = principal;
    this.principalView = principalView;
    this.lapsed = lapsed;
    this.threads = threads;
    this.json = json;
    this.clock = clock;
  }

  /** Sends {@code ready} and starts watching the credential. */
  public void opened() {
    Map<String, Object> ready = frame("ready");
    ready.put("principal", principalView);
    ready.put("expires_at", principal.expiresAt().map(Instant::toString).orElse(null));
    send(ready);
    watch = Thread.ofVirtual().name("ws-credential").start(this::watchCredential);
  }

  /** Stops the session's threads; the connection has closed. */
  public void closed() {
    open = false;
    Thread w = watch;
    if (w != null) {
      w.interrupt();
    }
    subscriptions.values().forEach(Thread::interrupt);
    subscriptions.clear();
  }

  /** Answers one text frame from the client. A frame it cannot use is answered with an {@code error} frame; the socket stays open. */
  public void received(String text) {
    JsonNode frame;
    try {
      frame = json.readTree(text);
    } catch (IOException e) {
      sendError(ErrorCode.INVALID_REQUEST, "A frame must be a JSON object.", null);
      return;
    }
    if (frame == null || !frame.isObject() || !frame.path("type").isTextual()) {
      sendError(ErrorCode.INVALID_REQUEST, "A frame must be a JSON object with a string \"type\".", null);
      return;
    }
    String requestId = frame.path("request_id").isTextual() ? frame.get("request_id").asText() : null;
    try {
      switch (frame.get("type").asText()) {
        case "ping" -> send(frame("pong"));
        case "subscribe" -> subscribe(threadId(frame), after(frame), requestId);
        case "unsubscribe" -> unsubscribe(threadId(frame));
        case "auth", "run" -> throw PortcullisException.invalidRequest(
            "Frames of type \"" + frame.get("type").asText() + "\" are not supported by this server yet.");
        default -> throw PortcullisException.invalidRequest(
            "Unknown frame type \"" + frame.get("type").asText() + "\"; expected ping, subscribe or unsubscribe.");
      }
    } catch (PortcullisException refused) {
      sendError(refused.code(), refused.getMessage(), requestId);
    } catch (RuntimeException e) {
      String id = requestId == null ? ResourceIds.requestId() : requestId;
      LOG.error("unexpected error answering a WebSocket frame (request {})", id, e);
      sendError(ErrorCode.INTERNAL, "Internal error; quote request id " + id + " when reporting it.", id);
    }
  }

  private void subscribe(String threadId, long after, String requestId) {
    threads.requireReadable(threadId, requestId == null ? ResourceIds.requestId() : requestId);
    unsubscribe(threadId); // a second subscribe restarts the thread's stream from its own after
    Thread follower = Thread.ofVirtual().name("ws-subscription").unstarted(() -> follow(threadId, after));
    subscriptions.put(threadId, follower);
    follower.start();
  }

  private void follow(String threadId, long after) {
    Thread self = Thread.currentThread();
    try {
      threads.follow(threadId, after, event -> send(eventFrame(threadId, event)),
          () -> open && subscriptions.get(threadId) == self);
    } catch (InterruptedException stopped) {
      // unsubscribed or closed
    } catch (RuntimeException e) {
      if (open && subscriptions.get(threadId) == self) {
        String id = ResourceIds.requestId();
        LOG.error("a WebSocket subscription to {} failed (request {})", threadId, id, e);
        sendError(ErrorCode.INTERNAL, "The subscription to " + threadId + " ended; quote request id " + id
            + " when reporting it.", id);
        subscriptions.remove(threadId, self);
      }
    }
  }

  private void unsubscribe(String threadId) {
    Thread follower = subscriptions.remove(threadId);
    if (follower != null) {
      follower.interrupt();
    }
  }

  private Map<String, Object> eventFrame(String threadId, RunEvent event) {
    Map<String, Object> frame = frame("event");
    frame.put("thread_id", threadId);
    frame.put("id", event.id());
    frame.put("event", event.event());
    try {
      frame.put("data", json.readTree(event.data()));
    } catch (IOException e) {
      throw new IllegalStateException("stored event " + event.id() + " is not JSON", e);
    }
    return frame;
  }

  /**
   * Every {@link #CHECK_EVERY}: warns once when expiry is {@link #EXPIRING_NOTICE} away, and closes
   * once the credential has expired or been revoked. A check that cannot reach a verdict (the
   * database is unavailable) is tried again rather than closing the socket.
   */
  private void watchCredential() {
    Optional<Instant> expiresAt = principal.expiresAt();
    boolean warned = false;
    try {
      while (open) {
        Instant now = clock.instant();
        if (expiresAt.isPresent() && now.isAfter(expiresAt.get())) {
          close(4001, ErrorCode.TOKEN_EXPIRED, "The credential expired.");
          return;
        }
        if (expiresAt.isPresent() && !warned && !now.isBefore(expiresAt.get().minus(EXPIRING_NOTICE))) {
          Map<String, Object> expiring = frame("auth.expiring");
          expiring.put("expires_in", Math.max(0, Duration.between(now, expiresAt.get()).toSeconds()));
          send(expiring);
          warned = true;
        }
        Optional<PortcullisException> refusal = lapsed.get();
        if (refusal.isPresent() && refusal.get().code().status() == 401) {
          PortcullisException r = refusal.get();
          close(r.code() == ErrorCode.TOKEN_EXPIRED ? 4001 : 4003, r.code(), r.getMessage());
          return;
        }
        Thread.sleep(CHECK_EVERY);
      }
    } catch (InterruptedException closed) {
      // the connection closed
    } catch (RuntimeException e) {
      LOG.error("the credential watch of a WebSocket failed; closing it", e);
      closeQuietly(1011, "internal");
    }
  }

  private void close(int status, ErrorCode code, String message) {
    closeQuietly(status, reason(code.code() + ": " + message));
  }

  private void closeQuietly(int status, String reason) {
    open = false;
    subscriptions.values().forEach(Thread::interrupt);
    try {
      peer.close(status, reason);
    } catch (RuntimeException gone) {
      // already closed by the other side
    }
  }

  static String reason(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_REASON_BYTES) {
      return text;
    }
    String cut = text;
    while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES - 3) {
      cut = cut.substring(0, cut.length() - 1);
    }
    return cut + "...";
  }

  private static String threadId(JsonNode frame) {
    JsonNode id = frame.path("thread_id");
    if (!id.isTextual() || id.asText().isBlank()) {
      throw PortcullisException.invalidRequest("thread_id must be a thread id.");
    }
    return id.asText();
  }

  /** {@code after}: an event id, as a number or as the SSE id string; absent means from the thread's first event. */
  private static long after(JsonNode frame) {
    JsonNode after = frame.path("after");
    if (after.isMissingNode() || after.isNull()) {
      return 0;
    }
    if (after.isIntegralNumber() && after.canConvertToLong() && after.asLong() >= 0) {
      return after.asLong();
    }
    if (after.isTextual() && after.asText().matches("[0-9]{1,18}")) {
      return Long.parseLong(after.asText());
    }
    throw PortcullisException.invalidRequest("after must be an event id.");
  }

  private void sendError(ErrorCode code, String message, String requestId) {
    Map<String, Object> error = frame("error");
    error.put("code", code.code());
    error.put("message", message);
    error.put("request_id", requestId == null ? ResourceIds.requestId() : requestId);
    send(error);
  }

  private static Map<String, Object> frame(String type) {
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", type);
    return frame;
  }

  private void send(Map<String, Object> frame) {
    String text;
    try {
      text = json.writeValueAsString(frame);
    } catch (IOException e) {
      throw new IllegalStateException("a frame is always serialisable", e);
    }
    sending.lock();
    try {
      if (open) {
        peer.send(text);
      }
    } finally {
      sending.unlock();
    }
  }
}
