package dev.portcullis.server.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * expires. An {@code auth} frame swaps in a fresh credential of the same principal; a
 * {@code run} frame starts a run. The client is held to {@link SocketLimits}: a frame too
 * large, too many frames or none for too long closes the socket with {@code 4008}.
 *
 * <p>Each subscription runs on its own virtual thread, and a {@link SocketWatch} calls
 * {@link #check} for the credential and the idle timeout; frames are sent one at a time under a
 * lock, so the session may be called from any thread.
 */
public final class SocketSession {

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

  /** The threads a principal may read or run on, and their events. */
  public interface Threads {
    /**
     * @throws PortcullisException as {@code GET /v1/threads/{id}} would refuse the principal,
     *     {@code not_found} when it cannot see the thread
     */
    void requireReadable(Principal principal, String threadId, String requestId);

    /**
     * Starts a run as {@code POST /v1/threads/{id}/runs} with body {@code {"input"}} would.
     *
     * @return the run's id
     * @throws PortcullisException as that route would refuse the principal or the input
     */
    String startRun(Principal principal, String threadId, JsonNode input, String requestId);

    /**
     * Hands {@code frames} the text of an {@code event} frame for each event of the thread, as
     * {@link dev.portcullis.core.run.RunEvents#followThread} hands on the events.
     */
    void follow(String threadId, long afterId, Consumer<String> frames, BooleanSupplier open)
        throws InterruptedException;
  }

  /** Authenticates the credential of an {@code auth} frame by the rules of the upgrade. */
  @FunctionalInterface
  public interface Authentication {
    /** @throws PortcullisException as the upgrade would refuse the credential */
    Credential authenticate(String token, String requestId);
  }

  /**
   * A credential the socket runs on: who it proved, as {@code GET /v1/me} shows it, and its check.
   *
   * @param lapsed empty while the credential holds, else the refusal it would get now
   */
  public record Credential(Principal principal, Map<String, Object> view,
      Supplier<Optional<PortcullisException>> lapsed) {}

  private final Peer peer;
  private final Threads threads;
  private final Authentication authentication;
  private final SocketLimits limits;
  private final ObjectMapper json;
  private final Clock clock;
  private final ReentrantLock sending = new ReentrantLock();
  private final Map<String, Thread> subscriptions = new ConcurrentHashMap<>();
  private volatile Credential credential;
  private volatile boolean open = true;
  /** The credential {@code auth.expiring} was sent for; read and written by {@link #check} alone. */
  private Credential warnedAbout;
  private volatile long lastFrameNanos = System.nanoTime();
  // The token bucket of frames: refilled at limits.framesPerSecond(), holding at most limits.frameBurst().
  private double frameTokens;
  private long refilledNanos = System.nanoTime();

  /** @param credential the credential the upgrade admitted */
  public SocketSession(Peer peer, Credential credential, Threads threads, Authentication authentication,
      SocketLimits limits, ObjectMapper json, Clock clock) {
    this.peer = peer;
    this.credential = credential;
    this.threads = threads;
    this.authentication = authentication;
    this.limits = limits;
    this.json = json;
    this.clock = clock;
    this.frameTokens = limits.frameBurst();
  }

  /** The principal the socket runs on now; an {@code auth} frame may have replaced its credential. */
  public Principal principal() {
    return credential.principal();
  }

  /** Sends {@code ready}; the caller then hands the session to a {@link SocketWatch}. */
  public void opened() {
    Map<String, Object> ready = frame("ready");
    ready.put("principal", credential.view());
    ready.put("expires_at", credential.principal().expiresAt().map(Instant::toString).orElse(null));
    send(ready);
  }

  /** Stops the session's threads; the connection has closed. */
  public void closed() {
    open = false;
    subscriptions.values().forEach(Thread::interrupt);
    subscriptions.clear();
  }

  /** Answers one text frame from the client. A frame it cannot use is answered with an {@code error} frame; the socket stays open. */
  public void received(String text) {
    if (!open) {
      return;
    }
    lastFrameNanos = System.nanoTime();
    if (tooLarge(text)) {
      closeQuietly(4008, "frame_too_large: a frame may have at most " + limits.maxFrameBytes() + " bytes");
      return;
    }
    if (!takeFrameToken()) {
      closeQuietly(4008, "too_many_frames: at most " + limits.framesPerSecond() + " frames per second");
      return;
    }
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
        case "auth" -> reauthenticate(frame, requestId);
        case "run" -> run(threadId(frame), frame.path("input"), requestId);
        default -> throw PortcullisException.invalidRequest("Unknown frame type \"" + frame.get("type").asText()
            + "\"; expected auth, ping, run, subscribe or unsubscribe.");
      }
    } catch (PortcullisException refused) {
      sendError(refused.code(), refused.getMessage(), requestId);
    } catch (RuntimeException e) {
      String id = requestId == null ? ResourceIds.requestId() : requestId;
      LOG.error("unexpected error answering a WebSocket frame (request {})", id, e);
      sendError(ErrorCode.INTERNAL, "Internal error; quote request id " + id + " when reporting it.", id);
    }
  }

  /**
   * Frames beyond {@link SocketLimits#maxFrameBytes()} in UTF-8; a string of n chars has between
   * n and 3n bytes, so most frames are judged by their length alone.
   */
  private boolean tooLarge(String text) {
    if (text.length() > limits.maxFrameBytes()) {
      return true;
    }
    return (long) text.length() * 3 > limits.maxFrameBytes()
        && text.getBytes(StandardCharsets.UTF_8).length > limits.maxFrameBytes();
  }

  private synchronized boolean takeFrameToken() {
    long now = System.nanoTime();
    frameTokens = Math.min(limits.frameBurst(),
        frameTokens + (now - refilledNanos) / 1e9 * limits.framesPerSecond());
    refilledNanos = now;
    if (frameTokens < 1) {
      return false;
    }
    frameTokens -= 1;
    return true;
  }

  /**
   * Swaps in the frame's credential when it proves the same principal (see
   * {@link #samePrincipal}); later checks and the expiry warning follow the new one. A
   * credential that does not authenticate, or proves someone else, changes nothing.
   */
  private void reauthenticate(JsonNode frame, String requestId) {
    JsonNode token = frame.path("token");
    if (!token.isTextual() || token.asText().isBlank()) {
      throw PortcullisException.invalidRequest("token must be a credential.");
    }
    Credential fresh = authentication.authenticate(token.asText(), requestId == null ? ResourceIds.requestId() : requestId);
    if (!samePrincipal(credential.principal(), fresh.principal())) {
      throw new PortcullisException(ErrorCode.FORBIDDEN,
          "An auth frame may only refresh the socket's own principal; open another socket for this credential.");
    }
    credential = fresh;
    Map<String, Object> ok = frame("auth.ok");
    ok.put("expires_at", fresh.principal().expiresAt().map(Instant::toString).orElse(null));
    if (requestId != null) {
      ok.put("request_id", requestId);
    }
    send(ok);
  }

  /**
   * Whether {@code fresh} may replace {@code current} on a socket (API.md section 8): the same
   * kind and project; for client tokens the same policy and hostname binding (each client token
   * is its own identity), otherwise the same identity and workspace.
   */
  static boolean samePrincipal(Principal current, Principal fresh) {
    if (current.kind() != fresh.kind() || !current.projectId().equals(fresh.projectId())) {
      return false;
    }
    if (current.kind() == Principal.Kind.CLIENT) {
      return java.util.Objects.equals(current.claims().get("policy"), fresh.claims().get("policy"))
          && java.util.Objects.equals(current.claims().get("hostname"), fresh.claims().get("hostname"));
    }
    return current.identity().equals(fresh.identity()) && current.workspaceId().equals(fresh.workspaceId());
  }

  private void run(String threadId, JsonNode input, String requestId) {
    String id = requestId == null ? ResourceIds.requestId() : requestId;
    String runId = threads.startRun(credential.principal(), threadId, input, id);
    Map<String, Object> started = frame("run.started");
    started.put("run_id", runId);
    started.put("thread_id", threadId);
    started.put("request_id", id);
    send(started);
  }

  private void subscribe(String threadId, long after, String requestId) {
    threads.requireReadable(credential.principal(), threadId, requestId == null ? ResourceIds.requestId() : requestId);
    unsubscribe(threadId); // a second subscribe restarts the thread's stream from its own after
    Thread follower = Thread.ofVirtual().name("ws-subscription").unstarted(() -> follow(threadId, after));
    subscriptions.put(threadId, follower);
    follower.start();
  }

  private void follow(String threadId, long after) {
    Thread self = Thread.currentThread();
    try {
      threads.follow(threadId, after, this::sendText,
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

  /**
   * One look at the socket, run by the {@link SocketWatch} every {@link SocketWatch#EVERY}:
   * closes an idle socket; warns once per credential when its expiry is {@link #EXPIRING_NOTICE}
   * away, and closes once the credential has expired, or, when {@code askAgain}, been revoked.
   * A check that cannot reach a verdict (the database is unavailable) is tried again at a later
   * look rather than closing the socket. The credential is read afresh each time, as an
   * {@code auth} frame may have replaced it; if it did during this look, the next judges the new one.
   *
   * @param askAgain whether to ask the authenticators about the credential, not only its expiry
   */
  void check(boolean askAgain) {
    if (!open) {
      return;
    }
    try {
      if (System.nanoTime() - lastFrameNanos > limits.idleTimeout().toNanos()) {
        closeQuietly(4008, "idle: no frame for " + limits.idleTimeout().toMillis() + " ms");
        return;
      }
      Credential current = credential;
      Optional<Instant> expiresAt = current.principal().expiresAt();
      Instant now = clock.instant();
      if (expiresAt.isPresent() && now.isAfter(expiresAt.get())) {
        closeUnlessRefreshed(current, 4001, ErrorCode.TOKEN_EXPIRED, "The credential expired.");
        return;
      }
      if (expiresAt.isPresent() && warnedAbout != current && !now.isBefore(expiresAt.get().minus(EXPIRING_NOTICE))) {
        Map<String, Object> expiring = frame("auth.expiring");
        expiring.put("expires_in", Math.max(0, Duration.between(now, expiresAt.get()).toSeconds()));
        send(expiring);
        warnedAbout = current;
      }
      if (!askAgain) {
        return;
      }
      Optional<PortcullisException> refusal = current.lapsed().get();
      if (refusal.isPresent() && refusal.get().code().status() == 401) {
        PortcullisException r = refusal.get();
        closeUnlessRefreshed(current, r.code() == ErrorCode.TOKEN_EXPIRED ? 4001 : 4003, r.code(), r.getMessage());
      }
    } catch (RuntimeException e) {
      LOG.error("checking the credential of a WebSocket failed; closing it", e);
      closeQuietly(1011, "internal");
    }
  }

  /** Closes for {@code lapsed}'s sake unless an {@code auth} frame replaced it meanwhile. */
  private void closeUnlessRefreshed(Credential lapsed, int status, ErrorCode code, String message) {
    if (credential == lapsed) {
      close(status, code, message);
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
    try {
      sendText(json.writeValueAsString(frame));
    } catch (IOException e) {
      throw new IllegalStateException("a frame is always serialisable", e);
    }
  }

  private void sendText(String text) {
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
