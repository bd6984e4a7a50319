package dev.portcullis.core.jwt;

import dev.portcullis.core.authrule.AuthRule;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.store.AuthRuleStore;
import dev.portcullis.spi.AuthnResult.Reason;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /v1/auth/exchange} (API.md section 6): an identity provider's JWT for a workspace
 * token of a project that trusts the provider. Unlike direct use, the caller names the project,
 * so several projects may trust one issuer and audience. Thread-safe.
 */
public final class ProviderTokenExchange {

  static final String NO_RULE = "No auth rule of this project accepts the token's issuer and audience.";

  private final ProviderTokenVerifier verifier;
  private final AuthRuleStore rules;
  private final WorkspaceTokens tokens;

  public ProviderTokenExchange(ProviderTokenVerifier verifier, AuthRuleStore rules, WorkspaceTokens tokens) {
    this.verifier = verifier;
    this.rules = rules;
    this.tokens = tokens;
  }

  /**
   * Verifies {@code token} under the rules of {@code projectId} that name its issuer and
   * audience, oldest first; the first that accepts it wins.
   *
   * @throws PortcullisException {@code invalid_token} when the value is not a JWT, the project
   *     does not exist or none of its rules accepts the token (the same answer, so that a caller
   *     learns nothing of other projects); {@code token_expired} when a rule's issuer signed it
   *     but it has expired; {@code unavailable} when a rule's keys cannot be fetched and no
   *     other rule accepted it
   */
  public ProviderIdentity verify(String token, String projectId) {
    ProviderToken parsed = ProviderToken.parse(token).orElseThrow(() ->
        new PortcullisException(ErrorCode.INVALID_TOKEN, "The credential is not an identity provider's JWT."));
    List<AuthRule> candidates = parsed.issuer().isEmpty() ? List.of() : rules.ofProject(projectId).stream()
        .filter(rule -> parsed.isFor(rule.issuer(), rule.audience())).toList();
    Optional<ProviderTokenVerifier.Outcome> failure = Optional.empty();
    for (AuthRule rule : candidates) {
      ProviderTokenVerifier.Outcome outcome = verifier.verify(parsed, rule);
      if (outcome instanceof ProviderTokenVerifier.Outcome.Verified v) {
        return v.identity();
      }
      if (failure.isEmpty() || outcome instanceof ProviderTokenVerifier.Outcome.Unavailable) {
        failure = Optional.of(outcome);
      }
    }
    throw switch (failure.orElse(new ProviderTokenVerifier.Outcome.Refused(Reason.INVALID, NO_RULE))) {
      case ProviderTokenVerifier.Outcome.Refused r -> new PortcullisException(
          r.reason() == Reason.EXPIRED ? ErrorCode.TOKEN_EXPIRED : ErrorCode.INVALID_TOKEN, r.message());
      case ProviderTokenVerifier.Outcome.Unavailable u -> new PortcullisException(ErrorCode.UNAVAILABLE, u.message());
      case ProviderTokenVerifier.Outcome.Verified v -> new IllegalStateException("returned above");
    };
  }

  /** A workspace token for {@code identity}: its rule's project and workspace, {@code sub} as user id. */
  public WorkspaceTokens.Minted mint(ProviderIdentity identity) {
    return tokens.mint(new WorkspaceTokens.MintRequest(identity.rule().projectId(), identity.workspaceId(),
        Optional.of(identity.subject()), WorkspaceTokens.DEFAULT_TTL, Map.of()));
  }
}
