package dev.portcullis.core.clienttoken;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A client-side token as stored (API.md section 5): never its value, only the SHA-256
 * {@code hash}. Immutable.
 *
 * @param policy the grants, in the order given at minting; never empty
 * @param hostname the origin requests must come from, {@code scheme://host[:port]} lower-cased
 *     with the scheme's default port left out; empty when the token is not bound
 */
public record ClientToken(
    String id,
    String projectId,
    String hash,
    List<ClientGrant> policy,
    Optional<String> hostname,
    Instant expiresAt,
    Instant createdAt,
    Optional<Instant> revokedAt) {

  public ClientToken {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(hash, "hash");
    policy = List.copyOf(policy);
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(revokedAt, "revokedAt");
  }

  /** Whether the token is past its expiry at {@code now}: refused from the millisecond after. */
  public boolean expiredAt(Instant now) {
    return now.isAfter(expiresAt);
  }

  /** Neither revoked nor expired at {@code now}. */
  public boolean liveAt(Instant now) {
    return revokedAt.isEmpty() && !expiredAt(now);
  }
}
