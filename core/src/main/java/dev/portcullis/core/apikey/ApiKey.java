package dev.portcullis.core.apikey;

import java.time.Instant;
import java.util.Optional;

/**
 * A server API key as stored: never its value, only the SHA-256 {@code hash}.
 *
 * @param prefix the first characters of the value, so a user can tell keys apart
 */
public record ApiKey(
    String id,
    String projectId,
    String name,
    String prefix,
    String hash,
    Instant createdAt,
    Optional<Instant> expiresAt,
    Optional<Instant> lastUsedAt,
    Optional<Instant> revokedAt) {

  /** Whether the key is past its expiry at {@code now}: refused from the millisecond after. */
  public boolean expiredAt(Instant now) {
    return expiresAt.isPresent() && now.isAfter(expiresAt.get());
  }
}
