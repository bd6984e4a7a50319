package dev.portcullis.core.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.core.authrule.AuthRule;
import dev.portcullis.core.authrule.WorkspaceTemplate;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.spi.AuthnResult.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies an identity provider's JWT against one auth rule (API.md sections 2 and 6), the way
 * Spring's {@code NimbusJwtDecoder} separates the client's faults from the server's:
 *
 * <ol>
 *   <li>The JWS algorithm must be one the rule allows, and so one of RS256, ES256 and EdDSA:
 *       {@code none} and {@code HS*} are refused whatever the rule says (RFC 8725 section 3.1).</li>
 *   <li>The header may not name its own key ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c})
 *       nor carry {@code crit} (this server understands no extension, RFC 7515 section 4.1.11).</li>
 *   <li>{@code kid} selects a key of the rule's {@code jwks_uri} ({@link JwkSetCache}); the key's
 *       type must fit the algorithm. RS256 is checked with {@code RSASSAVerifier}, ES256 with
 *       {@code ECDSAVerifier}, EdDSA with {@code Ed25519Verifier}, chosen per key rather than by
 *       {@code DefaultJWTProcessor}, which does not select Ed25519 keys.</li>
 *   <li>Then the claims: {@code iss} equal to the rule's issuer, {@code aud} containing its
 *       audience, {@code exp} present, and {@code exp}, {@code nbf} and {@code iat} within
 *       {@link #SKEW} of this server's clock (RFC 7519 section 4.1); {@code sub} present; the
 *       rule's {@code workspace_claim} filled from string claims.</li>
 * </ol>
 * The outcome is {@link Outcome.Verified}, {@link Outcome.Refused} (the token's fault: a 401)
 * or {@link Outcome.Unavailable} (the provider's keys cannot be fetched: a 503). Messages name
 * what is wrong and never contain the token. Thread-safe; it caches nothing but keys.
 */
public final class ProviderTokenVerifier {

  /** Clock difference tolerated on {@code exp}, {@code nbf} and {@code iat} (API.md section 2). */
  public static final Duration SKEW = Duration.ofSeconds(60);
  static final int MAX_ID_LENGTH = WorkspaceTokens.MAX_ID_LENGTH;

  private final JwkSetCache keys;
  private final Clock clock;

  public ProviderTokenVerifier(JwkSetCache keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
  }

  /** What one verification concluded. */
  public sealed interface Outcome {
    /** The token is good under the rule. */
    record Verified(ProviderIdentity identity) implements Outcome {}

    /** The token is not acceptable under the rule: {@code reason} selects the 401 code. */
    record Refused(Reason reason, String message) implements Outcome {}

    /** The rule's keys cannot be fetched and none is cached: {@code unavailable}. */
    record Unavailable(String message) implements Outcome {}
  }

  /** Verifies {@code token} under {@code rule}; performs a signature check and may fetch keys. */
  public Outcome verify(ProviderToken token, AuthRule rule) {
    if (!(token.jwt() instanceof SignedJWT jwt)) {
      return invalid("Unsigned tokens (alg none) are never accepted.");
    }
    JWSHeader header = jwt.getHeader();
    String algorithm = header.getAlgorithm().getName();
    if (!AuthRule.SUPPORTED_ALGORITHMS.contains(algorithm)) {
      return invalid("The token's algorithm " + algorithm + " is never accepted; auth rules allow RS256, ES256 and EdDSA.");
    }
    if (!rule.algorithms().contains(algorithm)) {
      return invalid("The token's algorithm " + algorithm + " is not allowed by the auth rule (it allows "
          + String.join(", ", rule.algorithms()) + ").");
    }
    if (header.getJWKURL() != null || header.getX509CertURL() != null || header.getJWK() != null
        || header.getX509CertChain() != null) {
      return invalid("The token names its own key (jku, x5u, jwk or x5c), which is never trusted.");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      return invalid("The token has critical header parameters (crit) this server does not understand.");
    }
    Optional<String> kid = Optional.ofNullable(header.getKeyID());
    JwkSetCache.Lookup.Found key;
    switch (keys.find(rule.jwksUri(), kid)) {
      case JwkSetCache.Lookup.Found found -> key = found;
      case JwkSetCache.Lookup.Missing missing -> {
        return invalid(kid.map(k -> "The token's signing key (kid \"" + k + "\") is not in the identity provider's JWKS.")
            .orElse("The token has no kid, and the identity provider publishes more than one key."));
      }
      case JwkSetCache.Lookup.Unavailable unavailable -> {
        return new Outcome.Unavailable(
            "The identity provider's signing keys cannot be fetched right now; try again shortly.");
      }
    }
    if (!key.algorithm().equals(header.getAlgorithm())) {
      return invalid("The token's key is a " + key.algorithm().getName() + " key, not one for " + algorithm + ".");
    }
    try {
      if (!jwt.verify(key.verifier())) {
        return invalid("The token's signature is not valid.");
      }
    } catch (JOSEException | RuntimeException e) {
      return invalid("The token's signature is not valid.");
    }
    return checkClaims(jwt, token.claims(), rule, clock.instant());
  }

  private static Outcome checkClaims(SignedJWT jwt, JWTClaimsSet claims, AuthRule rule, Instant now) {
    if (!rule.issuer().equals(claims.getIssuer())) {
      return invalid("The token's iss is not the auth rule's issuer.");
    }
    if (claims.getAudience() == null || !claims.getAudience().contains(rule.audience())) {
      return invalid("The token's aud does not include the auth rule's audience.");
    }
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      return invalid("The token has no exp; identity-provider tokens must expire.");
    }
    if (expired(exp.toInstant(), now)) {
      return new Outcome.Refused(Reason.EXPIRED, "The identity provider's token has expired.");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.toInstant().getEpochSecond() > now.getEpochSecond() + SKEW.toSeconds()) {
      return invalid("The token is not valid yet (nbf).");
    }
    Date iat = claims.getIssueTime();
    if (iat != null && iat.toInstant().getEpochSecond() > now.getEpochSecond() + SKEW.toSeconds()) {
      return invalid("The token was issued in the future (iat).");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isEmpty() || subject.length() > MAX_ID_LENGTH) {
      return invalid("The token's sub must be 1 to " + MAX_ID_LENGTH + " characters.");
    }
    Map<String, Object> json = claims.toJSONObject();
    String workspace;
    switch (rule.workspaceTemplate().resolve(json)) {
      case WorkspaceTemplate.Resolved resolved -> workspace = resolved.workspaceId();
      case WorkspaceTemplate.MissingClaim missing -> {
        return invalid("The token has no string claim \"" + missing.claim()
            + "\", which the auth rule's workspace_claim needs.");
      }
      case WorkspaceTemplate.AmbiguousClaim ambiguous -> {
        return invalid("The token's claim \"" + ambiguous.claim() + "\" contains '" + ambiguous.separator()
            + "', which separates the parts of the auth rule's workspace_claim.");
      }
    }
    if (workspace.length() > MAX_ID_LENGTH) {
      return invalid("The workspace the token names is longer than " + MAX_ID_LENGTH + " characters.");
    }
    String credentialId = claims.getJWTID() != null && !claims.getJWTID().isEmpty()
        ? claims.getJWTID()
        : "sha256:" + OpaqueSecrets.hash(jwt.getParsedString()).substring(0, 32);
    return new Outcome.Verified(new ProviderIdentity(rule, subject, workspace, credentialId, exp.toInstant(), json));
  }

  /** Refused from the second after {@code exp} plus the skew. */
  static boolean expired(Instant exp, Instant now) {
    return now.getEpochSecond() > exp.getEpochSecond() + SKEW.toSeconds();
  }

  private static Outcome invalid(String message) {
    return new Outcome.Refused(Reason.INVALID, message);
  }
}
