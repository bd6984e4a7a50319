package dev.portcullis.core.authrule;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * An identity provider a project trusts (API.md section 6): JWTs from {@code issuer}, signed by
 * a key of {@code jwksUri}, for {@code audience}, with one of {@code algorithms}.
 *
 * @param workspaceClaim a claim name ({@code sub}) or a template such as {@code {org_id}:{sub}}
 */
public record AuthRule(String id, String projectId, String name, String issuer, URI jwksUri,
    String audience, String workspaceClaim, List<String> algorithms, Instant createdAt) {

  public AuthRule {
    algorithms = List.copyOf(algorithms);
  }
}
