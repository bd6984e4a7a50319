package dev.portcullis.core.jwt;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.List;
import java.util.Optional;

/**
 * A JWT as it arrived, parsed but not verified: what is needed to choose the auth rules that
 * may accept it. Nothing read from it may be trusted before {@link ProviderTokenVerifier}
 * verified it. Immutable once parsed.
 */
public final class ProviderToken {

  private final JWT jwt;
  private final JWTClaimsSet claims;

  private ProviderToken(JWT jwt, JWTClaimsSet claims) {
    this.jwt = jwt;
    this.claims = claims;
  }

  /**
   * @return the token, or empty when {@code value} is not a JWS- or unsecured JWT with a JSON
   *     claims set (an encrypted JWT, an opaque key, garbage)
   */
  public static Optional<ProviderToken> parse(String value) {
    if (!WorkspaceTokenAuthenticator.looksLikeJwt(value)) {
      return Optional.empty();
    }
    try {
      JWT jwt = JWTParser.parse(value);
      if (!(jwt instanceof SignedJWT) && !(jwt instanceof PlainJWT)) {
        return Optional.empty();
      }
      return Optional.of(new ProviderToken(jwt, jwt.getJWTClaimsSet()));
    } catch (ParseException e) {
      return Optional.empty();
    }
  }

  /** The unverified {@code iss}. */
  public Optional<String> issuer() {
    return Optional.ofNullable(claims.getIssuer());
  }

  /** The unverified {@code aud}, as a list even when the token has one string. */
  public List<String> audience() {
    return claims.getAudience() == null ? List.of() : claims.getAudience();
  }

  /** Whether a rule with {@code issuer} and {@code audience} would look at this token at all. */
  public boolean isFor(String issuer, String audience) {
    return issuer.equals(claims.getIssuer()) && audience().contains(audience);
  }

  JWT jwt() {
    return jwt;
  }

  JWTClaimsSet claims() {
    return claims;
  }

  @Override
  public String toString() {
    return "ProviderToken[iss=" + claims.getIssuer() + ", value=<redacted>]";
  }
}
