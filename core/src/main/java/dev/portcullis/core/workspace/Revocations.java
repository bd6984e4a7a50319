package dev.portcullis.core.workspace;

import dev.portcullis.core.store.RevocationStore;
import dev.portcullis.core.store.RevocationStore.Revocation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which workspace tokens (and client tokens, by id) are revoked, answered from memory so that checking a token costs no
 * database read. A revocation made here applies at once; one made by another server sharing
 * the database is picked up by {@link #follow()}, which {@link #startFollowing} runs every
 * {@link #POLL}. Thread-safe.
 */
public final class Revocations implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);
  /** How often the revocation log is read for other servers' revocations. */
  public static final Duration POLL = Duration.ofMillis(200);
  /**
   * The longest a workspace token lives (API.md section 6: ttl_seconds 1..3600); a revocation
   * older than that refuses nothing.
   */
  public static final Duration MAX_TOKEN_TTL = Duration.ofHours(1);

  private final RevocationStore store;
  private final Clock clock;
  private final Map<String, Instant> revokedTokens = new ConcurrentHashMap<>();
  private final Map<String, Instant> workspaceRevokedAt = new ConcurrentHashMap<>();
  private final AtomicLong seen = new AtomicLong();
  private volatile Thread follower;

  public Revocations(RevocationStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    follow();
  }

  /**
   * Grows whenever a revocation is applied, made here or read from the log: a holder of many
   * credentials (open sockets) asks again about them only when it changed.
   */
  public long version() {
    return seen.get();
  }

  /** Revokes one token. */
  public void revokeToken(String projectId, String jti) {
    apply(store.revokeToken(projectId, jti, clock.instant()));
  }

  /** Revokes every token of the workspace issued until now. */
  public void revokeWorkspace(String projectId, String workspaceId) {
    apply(store.revokeWorkspace(projectId, workspaceId, clock.instant()));
  }

  /**
   * A token as revocation sees it. Its look-up keys are built once, so that a token checked on
   * every request costs two map look-ups on strings whose hash codes are already known.
   */
  public static final class Token {
    private final String tokenKey;
    private final String workspaceKey;
    private final Instant issuedAt;

    private Token(String tokenKey, String workspaceKey, Instant issuedAt) {
      this.tokenKey = tokenKey;
      this.workspaceKey = workspaceKey;
      this.issuedAt = issuedAt;
    }
  }

  /** The token {@code jti} of {@code workspaceId} in {@code projectId}, issued at {@code issuedAt}. */
  public static Token token(String projectId, String jti, String workspaceId, Instant issuedAt) {
    return new Token(key(projectId, jti), key(projectId, workspaceId), issuedAt);
  }

  /**
   * A credential of {@code projectId} revoked by its id alone, such as a client token: the log
   * that carries workspace-token revocations to every server carries its revocation too.
   */
  public static Token credential(String projectId, String id) {
    return new Token(key(projectId, id), null, Instant.MIN);
  }

  /**
   * Whether a token is revoked: its {@code jti}, or its workspace after it was issued
   * ({@code issuedAt}, whole seconds as in the JWT: a revocation in the same second counts).
   */
  public boolean isRevoked(Token token) {
    if (revokedTokens.containsKey(token.tokenKey)) {
      return true;
    }
    if (token.workspaceKey == null) {
      return false;
    }
    Instant revokedAt = workspaceRevokedAt.get(token.workspaceKey);
    return revokedAt != null && !token.issuedAt.isAfter(revokedAt);
  }

  private static String key(String projectId, String id) {
    return projectId + '\n' + id;
  }

  /**
   * Reads revocations stored since the last read (by any server) and applies them, and forgets
   * those older than the longest token lifetime: every token they could refuse has expired.
   */
  public void follow() {
    for (Revocation r : store.after(seen.get())) {
      apply(r);
    }
    Instant horizon = clock.instant().minus(MAX_TOKEN_TTL).minusSeconds(1);
    revokedTokens.values().removeIf(at -> at.isBefore(horizon));
    workspaceRevokedAt.values().removeIf(at -> at.isBefore(horizon));
  }

  /** Follows the revocation log in a background virtual thread until {@link #close}. */
  public void startFollowing() {
    follower = Thread.ofVirtual().name("portcullis-revocations").start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(POLL);
          follow();
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          LOG.warn("reading the revocation log failed; retrying: {}", e.toString());
        }
      }
    });
  }

  private void apply(Revocation r) {
    r.jti().ifPresent(jti -> revokedTokens.put(key(r.projectId(), jti), r.revokedAt()));
    r.workspaceId().ifPresent(ws -> workspaceRevokedAt.merge(key(r.projectId(), ws), r.revokedAt(),
        (a, b) -> a.isAfter(b) ? a : b));
    seen.accumulateAndGet(r.seq(), Math::max);
  }

  @Override
  public void close() {
    Thread t = follower;
    if (t != null) {
      t.interrupt();
    }
  }
}
