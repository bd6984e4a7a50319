package dev.portcullis.spi;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is making a request, as established by an {@link Authenticator}.
 *
 * <p>Immutable and thread-safe. {@code credentialId} names the credential that proved the
 * identity (an API key id, a token id or a JWT id) so that revoking that credential can
 * end everything it authenticated.
 *
 * @param kind what sort of credential was presented
 * @param identity a stable name of the caller (a key id for keys, the subject for tokens)
 * @param projectId the project the caller acts in; empty only for the admin key
 * @param workspaceId the workspace of workspace principals
 * @param permissions coarse permission names, shown by {@code GET /v1/me}
 * @param expiresAt when the credential stops being valid; empty when it does not expire
 * @param credentialId the id of the credential itself, for revocation
 * @param claims further attributes (JWT claims for token principals), never secrets
 */
public record Principal(
    Kind kind,
    String identity,
    Optional<String> projectId,
    Optional<String> workspaceId,
    List<String> permissions,
    Optional<Instant> expiresAt,
    String credentialId,
    Map<String, Object> claims) {

  public Principal {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(workspaceId, "workspaceId");
    permissions = List.copyOf(permissions);
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(credentialId, "credentialId");
    claims = Map.copyOf(claims);
  }

  /** The credential kinds of API.md section 2, with their wire names. */
  public enum Kind {
    ADMIN("admin"),
    SERVER("server"),
    CLIENT("client"),
    WORKSPACE("workspace"),
    CUSTOM("custom");

    private final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }

    /** The lower-case name used in JSON and in policy conditions. */
    public String wireName() {
      return wireName;
    }
  }
}
