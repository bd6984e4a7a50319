package dev.portcullis.core.jwt;

import dev.portcullis.core.authrule.AuthRule;
import dev.portcullis.spi.Principal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Who a verified identity-provider JWT proves, under the rule that accepted it. Immutable.
 *
 * @param subject the token's {@code sub}
 * @param workspaceId the rule's {@code workspace_claim} filled from the token
 * @param credentialId the token's {@code jti}, or {@code sha256:} and part of its hash
 * @param expiresAt the token's {@code exp}
 * @param claims the token's claims as JSON values (times in epoch seconds)
 */
public record ProviderIdentity(AuthRule rule, String subject, String workspaceId, String credentialId,
    Instant expiresAt, Map<String, Object> claims) {

  public ProviderIdentity {
    claims = Map.copyOf(claims);
  }

  /**
   * The workspace principal of API.md section 2 for the rule's project: the same kind, and so
   * the same built-in rules (own threads, read-only agents), as a workspace token.
   */
  public Principal principal() {
    return new Principal(Principal.Kind.WORKSPACE, subject, Optional.of(rule.projectId()), Optional.of(workspaceId),
        WorkspaceTokenAuthenticator.PERMISSIONS, Optional.of(expiresAt), credentialId, claims);
  }
}
