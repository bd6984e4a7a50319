package dev.portcullis.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.audit.AuditEvent.Outcome;
import dev.portcullis.core.authz.Operation;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.core.store.AuditStore;
import dev.portcullis.spi.Credential;
import dev.portcullis.spi.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records authentication failures, authorization denials, and the creation and revocation of
 * keys, tokens and rules in the {@link AuditStore}. Successful reads are not recorded.
 *
 * <p>No method ever throws or waits for the database: events go to a bounded queue that one
 * virtual thread writes out, so a slow or failing database costs the request nothing and a
 * flood of bad credentials cannot pile up memory. When the queue is full, or the database
 * refuses a write, the event is dropped and a warning logged. Thread-safe.
 *
 * <p>No event holds a secret: principals are named by kind and identity, and a credential that
 * failed by its kind and display prefix ({@code pc_sk_AbCd}) or its JWT {@code kid}.
 */
public final class AuditLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  static final int CAPACITY = 10_000;
  /** Longer texts (denial reasons, identities from a plugin) are cut to this many characters. */
  static final int MAX_TEXT = 500;
  private static final Pattern KID = Pattern.compile("[A-Za-z0-9._:~+/=-]{1,64}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AuditStore store;
  private final Clock clock;
  private final BlockingQueue<AuditEvent> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private volatile boolean closed;

  public AuditLog(AuditStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.writer = Thread.ofVirtual().name("portcullis-audit").start(this::drain);
  }

  /**
   * A request whose credential proved nothing ({@code 401}).
   *
   * @param credential what the request carried, described without its secret part
   */
  public void authenticationFailed(Optional<Credential> credential, ErrorCode code, String message, String requestId) {
    String reason = credential.map(c -> redact(message, c.value())).orElse(message);
    record(Optional.empty(), describe(credential), "authn.failed", "credential", Outcome.FAILED, Optional.empty(),
        Optional.of(code.code()), Optional.of(reason), requestId);
  }

  /** The authorizer refused {@code principal} the {@code operation}. */
  public void denied(Principal principal, Operation operation, Optional<String> resourceId, Optional<String> rule,
      ErrorCode code, String reason, String requestId) {
    String resource = resourceId.map(id -> operation.resource().wireName() + "/" + id)
        .orElse(operation.resource().wireName() + "." + operation.action().wireName());
    record(principal.projectId(), actor(principal), "authz.denied", resource, Outcome.DENY, rule,
        Optional.of(code.code()), Optional.of(reason), requestId);
  }

  public void projectCreated(Principal actor, String projectId, String requestId) {
    allowed(actor, Optional.of(projectId), "project.created", "projects/" + projectId, requestId);
  }

  public void apiKeyCreated(Principal actor, String projectId, String keyId, String requestId) {
    allowed(actor, Optional.of(projectId), "api_key.created", "api_keys/" + keyId, requestId);
  }

  public void apiKeyRevoked(Principal actor, String projectId, String keyId, String requestId) {
    allowed(actor, Optional.of(projectId), "api_key.revoked", "api_keys/" + keyId, requestId);
  }

  /** A client token minted, named by its id; the token itself is never recorded. */
  public void clientTokenCreated(Principal actor, String projectId, String tokenId, String requestId) {
    allowed(actor, Optional.of(projectId), "client_token.created", "client_tokens/" + tokenId, requestId);
  }

  public void clientTokenRevoked(Principal actor, String projectId, String tokenId, String requestId) {
    allowed(actor, Optional.of(projectId), "client_token.revoked", "client_tokens/" + tokenId, requestId);
  }

  /** A workspace token minted, named by its {@code jti}; the token itself is never recorded. */
  public void workspaceTokenCreated(Principal actor, String projectId, String workspaceId, String jti,
      String requestId) {
    allowed(actor, Optional.of(projectId), "workspace_token.created",
        "workspaces/" + workspaceId + "/tokens/" + jti, requestId);
  }

  /** One token ({@code jti}) or every token of a workspace revoked. */
  public void workspaceTokenRevoked(Principal actor, String projectId, Optional<String> jti,
      Optional<String> workspaceId, String requestId) {
    String resource = jti.map(j -> "workspace_tokens/" + j)
        .orElseGet(() -> "workspaces/" + workspaceId.orElse("?") + "/tokens");
    allowed(actor, Optional.of(projectId), "workspace_token.revoked", resource, requestId);
  }

  public void authRuleCreated(Principal actor, String projectId, String ruleId, String requestId) {
    allowed(actor, Optional.of(projectId), "auth_rule.created", "auth_rules/" + ruleId, requestId);
  }

  public void authRuleDeleted(Principal actor, String projectId, String ruleId, String requestId) {
    allowed(actor, Optional.of(projectId), "auth_rule.deleted", "auth_rules/" + ruleId, requestId);
  }

  public void signingKeyRotated(Principal actor, String kid, String requestId) {
    allowed(actor, Optional.empty(), "signing_key.rotated", "signing_keys/" + kid, requestId);
  }

  /**
   * Waits until every event recorded before this call is written or dropped.
   *
   * @return false when {@code timeout} passed first
   */
  public boolean flush(Duration timeout) {
    long target = queued.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (done.get() < target) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Writes what is queued (for up to two seconds) and stops; later events are dropped. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Which principal acted: its kind and identity, and its credential's id when that differs. */
  static String actor(Principal p) {
    String actor = p.kind().wireName() + ":" + p.identity();
    if (!p.credentialId().equals(p.identity())) {
      actor += " credential=" + p.credentialId();
    }
    return actor;
  }

  /**
   * A credential described without its secret: an opaque key by its display prefix
   * ({@code pc_sk_AbCd}), a JWT by its header's {@code kid}, anything else by its length.
   */
  static String describe(Optional<Credential> credential) {
    if (credential.isEmpty()) {
      return "none";
    }
    String value = credential.get().value();
    String description;
    Optional<SecretKind> kind = OpaqueSecrets.kindOf(value);
    if (kind.isPresent()) {
      // A short value would be mostly shown by its prefix: show only the kind then.
      description = value.length() >= 2 * OpaqueSecrets.DISPLAY_PREFIX_LENGTH
          ? value.substring(0, OpaqueSecrets.DISPLAY_PREFIX_LENGTH)
          : kind.get().prefix() + "(malformed)";
    } else if (value.chars().filter(c -> c == '.').count() == 2) {
      description = "jwt" + kid(value).map(k -> " kid=" + k).orElse("");
    } else {
      description = "unrecognised credential (" + value.length() + " characters)";
    }
    if (credential.get().source() != Credential.Source.AUTHORIZATION_HEADER) {
      description += " via " + credential.get().source().name().toLowerCase(Locale.ROOT);
    }
    return description;
  }

  private static Optional<String> kid(String jwt) {
    String header = jwt.substring(0, jwt.indexOf('.'));
    if (header.length() > 2048) {
      return Optional.empty();
    }
    try {
      JsonNode kid = JSON.readTree(Base64.getUrlDecoder().decode(header)).path("kid");
      return kid.isTextual() && KID.matcher(kid.asText()).matches() ? Optional.of(kid.asText()) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static String redact(String text, String secret) {
    return secret.length() >= 8 ? text.replace(secret, "<redacted>") : text;
  }

  private void allowed(Principal actor, Optional<String> projectId, String action, String resource, String requestId) {
    record(projectId, actor(actor), action, resource, Outcome.ALLOW, Optional.empty(), Optional.empty(),
        Optional.empty(), requestId);
  }

  private void record(Optional<String> projectId, String actor, String action, String resource, Outcome decision,
      Optional<String> rule, Optional<String> code, Optional<String> reason, String requestId) {
    try {
      AuditEvent event = new AuditEvent(Instant.ofEpochMilli(clock.millis()), projectId, cut(actor), action,
          cut(resource), decision, rule.map(AuditLog::cut), code, reason.map(AuditLog::cut),
          Optional.ofNullable(requestId).map(AuditLog::cut));
      if (closed || !queue.offer(event)) {
        long n = dropped.incrementAndGet();
        if (Long.bitCount(n) == 1) { // 1, 2, 4, 8...: a flood logs a few lines, not one per event
          LOG.warn("audit queue full or closed: {} event(s) dropped so far", n);
        }
        return;
      }
      queued.incrementAndGet();
    } catch (RuntimeException e) {
      LOG.warn("audit event not recorded: {}", e.toString());
    }
  }

  private static String cut(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
  }

  private void drain() {
    while (!closed || !queue.isEmpty()) {
      AuditEvent event;
      try {
        event = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (event == null) {
        continue;
      }
      try {
        store.append(event);
      } catch (RuntimeException e) {
        LOG.warn("audit event {} {} not written: {}", event.action(), event.requestId().orElse(""), e.toString());
      } finally {
        done.incrementAndGet();
      }
    }
  }
}
