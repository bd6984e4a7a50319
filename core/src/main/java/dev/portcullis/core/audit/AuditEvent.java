package dev.portcullis.core.audit;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the audit log. Holds no secret: the actor is a principal's kind and identity,
 * or for a failed authentication a non-secret description of the credential (its kind and
 * display prefix, or a JWT's {@code kid}).
 *
 * @param at when it happened, to the millisecond
 * @param projectId the project concerned; empty for admin actions and failures whose project
 *     is unknown
 * @param actor who acted, for instance {@code server:key_…} or {@code pc_sk_AbCd}
 * @param action what happened, for instance {@code authz.denied} or {@code api_key.created}
 * @param resource what it happened to, for instance {@code threads/thr_…} or {@code threads.create}
 * @param decision allowed, denied or failed
 * @param rule the name of the rule that decided, when one did
 * @param code the error code of a refusal
 * @param reason the refusal's message, as the client read it
 * @param requestId the {@code X-Request-Id} of the request
 */
public record AuditEvent(Instant at, Optional<String> projectId, String actor, String action, String resource,
    Outcome decision, Optional<String> rule, Optional<String> code, Optional<String> reason,
    Optional<String> requestId) {

  public AuditEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(requestId, "requestId");
  }

  /** The decision column: {@code allow}, {@code deny} or {@code failed} (authentication). */
  public enum Outcome {
    ALLOW,
    DENY,
    FAILED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for a name that is none of the three */
    public static Outcome ofWireName(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }
}
