package dev.portcullis.client;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A client token just minted: the only time its value is shown. Hand {@link #token()} to the
 * browser or device that will use it and keep only {@link #id()}. {@link #toString()} leaves
 * the value out, so that logging this record does not leak it.
 *
 * @param token {@code pc_ck_...}, the secret
 */
public record MintedClientToken(String id, String token, List<Grant> policy, Optional<String> hostname,
    Instant expiresAt, Instant createdAt) {

  public MintedClientToken {
    Objects.requireNonNull(token, "token");
    policy = List.copyOf(policy);
  }

  @Override
  public String toString() {
    return "MintedClientToken[id=" + id + ", token=<redacted>, policy=" + policy + ", hostname=" + hostname
        + ", expiresAt=" + expiresAt + ", createdAt=" + createdAt + "]";
  }
}
