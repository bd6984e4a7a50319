package dev.portcullis.core.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.core.workspace.Revocations;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.AuthnResult.Reason;
import dev.portcullis.spi.Authenticator;
import dev.portcullis.spi.Principal;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Authenticates the server's own workspace tokens (API.md sections 2 and 6).
 *
 * <p>It takes only JWTs whose {@code iss} is this server's; others are left to the
 * identity-provider authenticator; an unsigned JWT naming this server is refused, not passed on.
 * It accepts only what the server signs: strict compact serialization, {@code EdDSA}, a
 * known {@code kid}, {@code typ: at+jwt}, no {@code jku}/{@code x5u}/{@code jwk}/{@code x5c}
 * header and no {@code crit}. {@code aud}, {@code exp}, {@code nbf} and {@code iat} are checked
 * without leeway: the servers' clocks are the reference.
 *
 * <p>A verified token is remembered until it expires, so a browser repeating it costs three map
 * look-ups, not a signature check; expiry and revocation are still checked on every use, from
 * memory. The map is keyed by the token itself, not by its SHA-256 as server keys are: hashing
 * 400-odd characters cost a third of this authenticator's time on every request, and a
 * workspace token is short-lived and already held in memory by the HTTP layer's header cache
 * for as long as its connection is open. Thread-safe.
 */
public final class WorkspaceTokenAuthenticator implements Authenticator {

  static final int MAX_CACHED = 100_000;
  /** What the cached tokens may add up to, in characters: 100,000 tokens of 640. */
  static final long MAX_CACHED_CHARS = 64L * 1_000_000;
  static final List<String> PERMISSIONS = List.of("threads:own", "agents:read");

  private final SigningKeyRing keys;
  private final Revocations revocations;
  private final Supplier<String> issuer;
  private final Clock clock;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();
  /** The length of the cached tokens, give or take a token being added while the cache empties. */
  private final AtomicLong cachedChars = new AtomicLong();

  private record Verified(Principal principal, Revocations.Token revocable, Instant expiresAt) {}

  public WorkspaceTokenAuthenticator(SigningKeyRing keys, Revocations revocations, Supplier<String> issuer,
      Clock clock) {
    this.keys = keys;
    this.revocations = revocations;
    this.issuer = issuer;
    this.clock = clock;
  }

  @Override
  public AuthnResult authenticate(AuthnRequest request) {
    if (request.credential().isEmpty()) {
      return AuthnResult.abstain();
    }
    String token = request.credential().get().value();
    if (!looksLikeJwt(token)) {
      return AuthnResult.abstain();
    }
    Instant now = clock.instant();
    Verified known = verified.get(token);
    if (known == null) {
      Object outcome = verify(token, now);
      if (outcome instanceof AuthnResult result) {
        return result;
      }
      known = (Verified) outcome;
      remember(token, known, now);
    }
    if (expired(known.expiresAt(), now)) {
      forget(token);
      return new AuthnResult.Rejected(Reason.EXPIRED, "The workspace token has expired.");
    }
    if (revocations.isRevoked(known.revocable())) {
      return new AuthnResult.Rejected(Reason.REVOKED, "The workspace token has been revoked.");
    }
    return new AuthnResult.Authenticated(known.principal());
  }

  private void remember(String token, Verified known, Instant now) {
    if (verified.size() >= MAX_CACHED || cachedChars.get() + token.length() > MAX_CACHED_CHARS) {
      verified.entrySet().removeIf(entry -> {
        boolean stale = expired(entry.getValue().expiresAt(), now);
        if (stale) {
          cachedChars.addAndGet(-entry.getKey().length());
        }
        return stale;
      });
      if (verified.size() >= MAX_CACHED || cachedChars.get() + token.length() > MAX_CACHED_CHARS) {
        verified.clear();
        cachedChars.set(0);
      }
    }
    if (verified.put(token, known) == null) {
      cachedChars.addAndGet(token.length());
    }
  }

  private void forget(String token) {
    if (verified.remove(token) != null) {
      cachedChars.addAndGet(-token.length());
    }
  }

  /** @return a {@link Verified}, or the {@link AuthnResult} that ends the chain (or abstains) */
  private Object verify(String token, Instant now) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      // Not a JWS Nimbus reads, such as an unsecured JWT (alg none): a forgery when it names
      // this server as its issuer, else perhaps a plugin's token.
      return namesThisIssuer(token) ? invalid("The token is not a JWS signed by this server.") : AuthnResult.abstain();
    }
    if (!issuer.get().equals(claims.getIssuer())) {
      return AuthnResult.abstain(); // an identity provider's JWT
    }
    if (!isStrictCompact(token, jwt.getSignature())) {
      return invalid("The token is not in JWS compact serialization (base64url without padding).");
    }
    JWSHeader header = jwt.getHeader();
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
      return invalid("The token's algorithm is not accepted.");
    }
    if (!new JOSEObjectType(WorkspaceTokens.TYPE).equals(header.getType())) {
      return invalid("The token's typ must be at+jwt.");
    }
    if (header.getJWKURL() != null || header.getX509CertURL() != null || header.getJWK() != null
        || header.getX509CertChain() != null) {
      return invalid("The token names its own key, which is never trusted.");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      return invalid("The token has critical header parameters this server does not understand.");
    }
    if (header.getKeyID() == null) {
      return invalid("The token has no kid.");
    }
    var verifier = keys.verifier(header.getKeyID());
    if (verifier.isEmpty()) {
      return invalid("The token's signing key is not known.");
    }
    try {
      if (!jwt.verify(verifier.get())) {
        return invalid("The token's signature is not valid.");
      }
    } catch (JOSEException e) {
      return invalid("The token's signature is not valid.");
    }
    if (claims.getAudience() == null || !claims.getAudience().contains(WorkspaceTokens.AUDIENCE)) {
      return invalid("The token is not for this audience.");
    }
    Date exp = claims.getExpirationTime();
    Date iat = claims.getIssueTime();
    if (exp == null || iat == null) {
      return invalid("The token must carry exp and iat.");
    }
    if (expired(exp.toInstant(), now)) {
      return new AuthnResult.Rejected(Reason.EXPIRED, "The workspace token has expired.");
    }
    if (iat.toInstant().isAfter(now)) {
      return invalid("The token was issued in the future.");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.toInstant().isAfter(now)) {
      return invalid("The token is not valid yet.");
    }
    String project = stringClaim(claims, "pc_project");
    String workspace = stringClaim(claims, "pc_workspace");
    if (project == null || workspace == null || claims.getJWTID() == null || claims.getSubject() == null) {
      return invalid("The token lacks sub, jti, pc_project or pc_workspace.");
    }
    Map<String, Object> extra = new HashMap<>(claims.getClaims());
    WorkspaceTokens.REGISTERED.forEach(extra::remove);
    extra.keySet().removeIf(k -> k.startsWith("pc_"));
    extra.values().removeIf(java.util.Objects::isNull);
    extra.put("sub", claims.getSubject());
    Principal principal = new Principal(Principal.Kind.WORKSPACE, claims.getSubject(), Optional.of(project),
        Optional.of(workspace), PERMISSIONS, Optional.of(exp.toInstant()), claims.getJWTID(), extra);
    return new Verified(principal, Revocations.token(project, claims.getJWTID(), workspace, iat.toInstant()),
        exp.toInstant());
  }

  /** Refused from the second after {@code exp} (API.md section 2: no leeway). */
  private static boolean expired(Instant exp, Instant now) {
    return now.getEpochSecond() > exp.getEpochSecond();
  }

  private static AuthnResult invalid(String message) {
    return new AuthnResult.Rejected(Reason.INVALID, message);
  }

  private static String stringClaim(JWTClaimsSet claims, String name) {
    Object value = claims.getClaim(name);
    return value instanceof String s && !s.isEmpty() ? s : null;
  }

  /** Whether the claims of a token Nimbus cannot read as a JWS name this server as issuer. */
  private boolean namesThisIssuer(String token) {
    int first = token.indexOf('.');
    int second = token.indexOf('.', first + 1);
    if (first < 0 || second < 0) {
      return false;
    }
    try {
      return issuer.get().equals(
          JWTClaimsSet.parse(new Base64URL(token.substring(first + 1, second)).decodeToString()).getIssuer());
    } catch (ParseException | RuntimeException e) {
      return false;
    }
  }

  /**
   * RFC 7515 sections 2 and 7.1: three parts in the base64url alphabet, without padding, the
   * signature in its one canonical spelling. Nimbus's decoder skips other characters and
   * ignores spare bits, so without this check one token would have many spellings that all
   * verify, each missing the cache and each a new "token" to logs and rate limits.
   */
  static boolean isStrictCompact(String token, Base64URL signature) {
    int dots = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        dots++;
      } else if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return false;
      }
    }
    return dots == 2 && Base64URL.encode(signature.decode()).equals(signature);
  }

  /** Three base64url parts, the first starting as a JSON object does ({@code eyJ}). */
  static boolean looksLikeJwt(String token) {
    int first = token.indexOf('.');
    return token.startsWith("eyJ") && first > 0 && token.indexOf('.', first + 1) > first;
  }
}
