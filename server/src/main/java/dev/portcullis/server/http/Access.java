package dev.portcullis.server.http;

import dev.portcullis.core.authz.ResourceFilter;
import dev.portcullis.core.authz.Scope;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.spi.Principal;
import java.util.Map;
import java.util.Optional;

/**
 * What the gate hands a handler: who is calling (empty on public routes) and the filter the
 * authorization step decided on. Handlers pass {@link #scope()} to the store and check nothing
 * themselves.
 */
public record Access(Optional<Principal> principal, ResourceFilter filter, Map<String, Object> ruleMetadata,
    CredentialCheck credentialCheck) {

  static final Access ANONYMOUS = new Access(Optional.empty(), ResourceFilter.NONE, Map.of());

  /** An access whose credential is not checked again. */
  public Access(Optional<Principal> principal, ResourceFilter filter, Map<String, Object> ruleMetadata) {
    this(principal, filter, ruleMetadata, CredentialCheck.NONE);
  }

  /** This access with {@code check} asking again about its credential. */
  Access withCheck(CredentialCheck check) {
    return new Access(principal, filter, ruleMetadata, check);
  }

  /**
   * Asks again whether the request's credential still holds, for streams that outlive the
   * request's admission (API.md section 4: an expired or revoked credential ends the stream).
   */
  @FunctionalInterface
  public interface CredentialCheck {
    CredentialCheck NONE = Optional::empty;

    /** Empty while the credential holds; else the refusal it would get now, such as {@code token_revoked}. */
    Optional<PortcullisException> lapsed();
  }

  /**
   * The caller's metadata for a new resource with the rules' metadata stamped on it.
   *
   * @throws PortcullisException {@code forbidden} when the caller sets a key the rules own
   */
  public Map<String, Object> stamp(Map<String, Object> metadata) {
    requireNoRuleKeys(metadata);
    Map<String, Object> stamped = new java.util.HashMap<>(metadata);
    stamped.putAll(ruleMetadata);
    return stamped;
  }

  /** @throws PortcullisException {@code forbidden} when {@code metadata} touches a key the rules own */
  public void requireNoRuleKeys(Map<String, Object> metadata) {
    for (String key : metadata.keySet()) {
      if (ruleMetadata.containsKey(key)) {
        throw new PortcullisException(ErrorCode.FORBIDDEN, "metadata." + key + " is set by the server's rules, not by the caller.");
      }
    }
  }

  /** The caller; present on every route that is not public. */
  public Principal caller() {
    return principal.orElseThrow(() -> new IllegalStateException("public routes have no caller"));
  }

  /** The caller's project and the decided filter. */
  public Scope scope() {
    String project = caller().projectId().orElseThrow(() ->
        new PortcullisException(ErrorCode.FORBIDDEN, "This credential belongs to no project."));
    return new Scope(project, filter);
  }
}
