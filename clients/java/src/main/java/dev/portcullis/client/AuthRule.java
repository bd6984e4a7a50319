package dev.portcullis.client;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * An identity provider the project trusts (API.md section 6): its JWTs may be exchanged for
 * workspace tokens, or used directly.
 *
 * @param id {@code rul_...}
 * @param issuer the {@code iss} tokens must carry, exactly
 * @param jwksUri where the provider publishes its keys
 * @param audience a value tokens' {@code aud} must contain
 * @param workspaceClaim the claim naming the workspace, or a template such as {@code {org_id}:{sub}}
 * @param algorithms the JWS algorithms accepted, of {@code RS256}, {@code ES256} and {@code EdDSA}
 */
public record AuthRule(String id, String name, String issuer, URI jwksUri, String audience, String workspaceClaim,
    List<String> algorithms, Instant createdAt) {

  public AuthRule {
    algorithms = List.copyOf(algorithms);
  }
}
