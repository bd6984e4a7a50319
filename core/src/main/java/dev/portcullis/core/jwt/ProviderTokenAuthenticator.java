package dev.portcullis.core.jwt;

import dev.portcullis.core.authrule.AuthRule;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.store.AuthRuleStore;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.AuthnResult.Reason;
import dev.portcullis.spi.Authenticator;
import dev.portcullis.spi.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates identity-provider JWTs used directly as Bearer credentials (API.md section 6).
 * It sits in the chain after {@link WorkspaceTokenAuthenticator}, which leaves it every JWT
 * whose {@code iss} is not this server's.
 *
 * <p>The auth rules of every project that name the token's (unverified) {@code iss} and whose
 * audience is in its {@code aud} are looked up. None: the token is not for this server and the
 * authenticator abstains. Exactly one: the token is verified under it by
 * {@link ProviderTokenVerifier} and proves a {@link Principal.Kind#WORKSPACE} principal of that
 * rule's project. Two or more: the token cannot tell which project it is for, and is refused
 * with a pointer to {@code POST /v1/auth/exchange}, which takes a {@code project_id}.
 *
 * <p>A verified token is remembered by the SHA-256 of its value, so that a browser repeating it
 * costs a hash and a map look-up rather than a signature check and a database read; the entry
 * honours {@code exp} (with the verifier's skew), is re-verified after {@link #RECHECK_AFTER}
 * (so that a rule deleted on another server stops accepting within that time) and is dropped at
 * once by {@link #forgetRule} on this one.
 *
 * <p>When the rule's keys cannot be fetched and none is cached it throws
 * {@link PortcullisException} {@code unavailable} (503): the client's token may be fine, so this
 * is neither a rejection nor an abstention. Thread-safe.
 */
public final class ProviderTokenAuthenticator implements Authenticator {

  static final int MAX_CACHED = 100_000;
  static final Duration RECHECK_AFTER = Duration.ofSeconds(60);

  private final ProviderTokenVerifier verifier;
  private final AuthRuleStore rules;
  private final Clock clock;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private record Verified(Principal principal, String ruleId, Instant expiresAt, Instant verifiedAt) {}

  public ProviderTokenAuthenticator(ProviderTokenVerifier verifier, AuthRuleStore rules, Clock clock) {
    this.verifier = verifier;
    this.rules = rules;
    this.clock = clock;
  }

  @Override
  public AuthnResult authenticate(AuthnRequest request) {
    if (request.credential().isEmpty()) {
      return AuthnResult.abstain();
    }
    String token = request.credential().get().value();
    if (!WorkspaceTokenAuthenticator.looksLikeJwt(token)) {
      return AuthnResult.abstain();
    }
    Instant now = clock.instant();
    String hash = OpaqueSecrets.hash(token);
    Verified known = verified.get(hash);
    if (known != null) {
      if (ProviderTokenVerifier.expired(known.expiresAt(), now)) {
        verified.remove(hash);
        return new AuthnResult.Rejected(Reason.EXPIRED, "The identity provider's token has expired.");
      }
      if (now.isBefore(known.verifiedAt().plus(RECHECK_AFTER))) {
        return new AuthnResult.Authenticated(known.principal());
      }
      verified.remove(hash);
    }
    ProviderToken parsed = ProviderToken.parse(token).orElse(null);
    if (parsed == null || parsed.issuer().isEmpty()) {
      return AuthnResult.abstain(); // not a JWT any rule could name: perhaps a plugin's
    }
    List<AuthRule> candidates = rules.byIssuer(parsed.issuer().get()).stream()
        .filter(rule -> parsed.isFor(rule.issuer(), rule.audience())).toList();
    if (candidates.isEmpty()) {
      return AuthnResult.abstain();
    }
    if (candidates.size() > 1) {
      return new AuthnResult.Rejected(Reason.INVALID, candidates.size() + " auth rules accept this token's issuer"
          + " and audience, so it cannot be used directly; exchange it for a workspace token at"
          + " POST /v1/auth/exchange with the project_id.");
    }
    return switch (verifier.verify(parsed, candidates.getFirst())) {
      case ProviderTokenVerifier.Outcome.Verified v -> {
        Principal principal = v.identity().principal();
        remember(hash, new Verified(principal, v.identity().rule().id(), v.identity().expiresAt(), now), now);
        yield new AuthnResult.Authenticated(principal);
      }
      case ProviderTokenVerifier.Outcome.Refused r -> new AuthnResult.Rejected(r.reason(), r.message());
      case ProviderTokenVerifier.Outcome.Unavailable u -> throw new PortcullisException(ErrorCode.UNAVAILABLE, u.message());
    };
  }

  /** Stops accepting, on this server, every cached token that rule {@code ruleId} accepted. */
  public void forgetRule(String ruleId) {
    verified.values().removeIf(v -> v.ruleId().equals(ruleId));
  }

  private void remember(String hash, Verified entry, Instant now) {
    if (verified.size() >= MAX_CACHED) {
      verified.values().removeIf(v -> ProviderTokenVerifier.expired(v.expiresAt(), now)
          || !now.isBefore(v.verifiedAt().plus(RECHECK_AFTER)));
      if (verified.size() >= MAX_CACHED) {
        verified.clear();
      }
    }
    verified.put(hash, entry);
  }
}
