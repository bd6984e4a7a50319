package dev.portcullis.core.authrule;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * An identity provider a project trusts (API.md section 6): JWTs from {@code issuer}, signed by
 * a key of {@code jwksUri}, for {@code audience}, with one of {@code algorithms}. Immutable.
 *
 * @param workspaceClaim a claim name ({@code sub}) or a template such as {@code {org_id}:{sub}}
 *     (see {@link WorkspaceTemplate})
 * @param algorithms a non-empty subset of {@link #SUPPORTED_ALGORITHMS}
 */
public record AuthRule(String id, String projectId, String name, String issuer, URI jwksUri,
    String audience, String workspaceClaim, List<String> algorithms, Instant createdAt) {

  /**
   * The JWS algorithms a rule may allow: asymmetric only, so that nothing the provider publishes
   * can sign. {@code none} and the {@code HS*} family are never accepted.
   */
  public static final Set<String> SUPPORTED_ALGORITHMS = Set.of("RS256", "ES256", "EdDSA");
  /** The algorithms of a rule created without {@code algorithms}, in the order listed. */
  public static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "ES256", "EdDSA");
  /** The workspace of a rule created without {@code workspace_claim}: the token's subject. */
  public static final String DEFAULT_WORKSPACE_CLAIM = "sub";

  public AuthRule {
    algorithms = List.copyOf(algorithms);
  }

  /** The parsed {@link #workspaceClaim}. */
  public WorkspaceTemplate workspaceTemplate() {
    return WorkspaceTemplate.parse(workspaceClaim);
  }
}
