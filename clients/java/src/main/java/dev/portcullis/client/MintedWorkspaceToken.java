package dev.portcullis.client;

import java.time.Instant;
import java.util.Objects;

/**
 * A workspace token just minted (API.md section 6): a JWT for {@code Authorization: Bearer}.
 * {@link #toString()} leaves the token out, so that logging this record does not leak it.
 *
 * @param token the JWT, the secret
 * @param jti the token's id, for {@link PortcullisClient#revokeWorkspaceToken(String)}
 * @param expiresAt the token's {@code exp}
 */
public record MintedWorkspaceToken(String token, String jti, String workspaceId, Instant expiresAt) {

  public MintedWorkspaceToken {
    Objects.requireNonNull(token, "token");
  }

  @Override
  public String toString() {
    return "MintedWorkspaceToken[token=<redacted>, jti=" + jti + ", workspaceId=" + workspaceId
        + ", expiresAt=" + expiresAt + "]";
  }
}
