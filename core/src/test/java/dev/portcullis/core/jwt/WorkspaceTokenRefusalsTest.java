package dev.portcullis.core.jwt;

import static dev.portcullis.core.jwt.TestTokens.NOW;
import static dev.portcullis.core.jwt.TestTokens.workspace;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.Base64;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.AuthnResult.Reason;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a workspace token is refused, one named row each (API.md sections 2 and 6), with
 * the exact {@link AuthnResult}. Each row changes one thing of a token the server would accept
 * ({@link #authenticateWhenBuiltAsTheServerMintsThenAccepted} keeps that base honest).
 */
class WorkspaceTokenRefusalsTest {

  private static final AuthnResult ABSTAINED = AuthnResult.abstain();
  private static final AuthnResult BAD_SIGNATURE = invalid("The token's signature is not valid.");
  private static final AuthnResult BAD_ALGORITHM = invalid("The token's algorithm is not accepted.");
  private static final AuthnResult NOT_A_JWS = invalid("The token is not a JWS signed by this server.");
  private static final AuthnResult NOT_COMPACT =
      invalid("The token is not in JWS compact serialization (base64url without padding).");
  private static final AuthnResult BAD_TYP = invalid("The token's typ must be at+jwt.");
  private static final AuthnResult OWN_KEY = invalid("The token names its own key, which is never trusted.");
  private static final AuthnResult CRIT =
      invalid("The token has critical header parameters this server does not understand.");
  private static final AuthnResult NO_KID = invalid("The token has no kid.");
  private static final AuthnResult UNKNOWN_KID = invalid("The token's signing key is not known.");
  private static final AuthnResult BAD_AUDIENCE = invalid("The token is not for this audience.");
  private static final AuthnResult NO_TIMES = invalid("The token must carry exp and iat.");
  private static final AuthnResult EXPIRED = new AuthnResult.Rejected(Reason.EXPIRED, "The workspace token has expired.");
  private static final AuthnResult ISSUED_LATER = invalid("The token was issued in the future.");
  private static final AuthnResult NOT_YET = invalid("The token is not valid yet.");
  private static final AuthnResult LACKS_CLAIMS = invalid("The token lacks sub, jti, pc_project or pc_workspace.");

  /** One refusal: a token made against a fixture, and what the authenticator must answer. */
  record Refusal(String name, Function<TokenFixture, String> token, AuthnResult expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Refusal> refusals() {
    return Stream.of(
        // Signature and algorithm
        row("signed by another Ed25519 key under the server's kid",
            f -> workspace("alice").kid(f.kid()).signedWith(TestTokens.foreignKey("attacker")), BAD_SIGNATURE),
        row("re-signed as HS256 with the public key's bytes as the HMAC secret",
            f -> workspace("alice").kid(f.kid()).signedHs256(f.publishedKey(f.kid()).getDecodedX()), BAD_ALGORITHM),
        row("unsecured JWT (alg none, empty signature)",
            f -> workspace("alice").unsecured(), NOT_A_JWS),
        row("unsecured JWT (alg none) with the signature of a real token",
            f -> workspace("alice").unsecured() + signatureOf(workspace("alice").signedBy(f.ring)), NOT_A_JWS),
        row("signature cut short by one byte",
            f -> dropLast(workspace("alice").signedBy(f.ring), 2), BAD_SIGNATURE),
        row("payload of another token under this token's signature",
            f -> withPayloadOf(workspace("alice").signedBy(f.ring), workspace("bob").signedBy(f.ring)), BAD_SIGNATURE),

        // Time: no leeway
        row("expired by one second (exp = now - 1 s)",
            f -> workspace("alice").issuedAt(NOW.minusSeconds(60)).expiresAt(NOW.minusSeconds(1)).signedBy(f.ring),
            EXPIRED),
        row("without exp", f -> workspace("alice").without("exp").signedBy(f.ring), NO_TIMES),
        row("without iat", f -> workspace("alice").without("iat").signedBy(f.ring), NO_TIMES),
        row("issued one second in the future",
            f -> workspace("alice").issuedAt(NOW.plusSeconds(1)).expiresIn(300).signedBy(f.ring), ISSUED_LATER),
        row("not valid before one second from now",
            f -> workspace("alice").notBefore(NOW.plusSeconds(1)).signedBy(f.ring), NOT_YET),

        // Issuer and audience
        row("issued by another issuer (an identity provider's JWT)",
            f -> workspace("alice").issuer("https://idp.example.com").signedBy(f.ring), ABSTAINED),
        row("issuer differs by a trailing slash",
            f -> workspace("alice").issuer(TestTokens.ISSUER + "/").signedBy(f.ring), ABSTAINED),
        row("without iss", f -> workspace("alice").without("iss").signedBy(f.ring), ABSTAINED),
        row("for another audience", f -> workspace("alice").audience("billing").signedBy(f.ring), BAD_AUDIENCE),
        row("without aud", f -> workspace("alice").without("aud").signedBy(f.ring), BAD_AUDIENCE),

        // Header
        row("without typ", f -> workspace("alice").type(null).signedBy(f.ring), BAD_TYP),
        row("typ JWT instead of at+jwt", f -> workspace("alice").type("JWT").signedBy(f.ring), BAD_TYP),
        row("jku header naming a key set elsewhere",
            f -> workspace("alice").header(h -> h.jwkURL(URI.create("https://attacker.example/jwks.json")))
                .signedBy(f.ring), OWN_KEY),
        row("x5u header naming a certificate elsewhere",
            f -> workspace("alice").header(h -> h.x509CertURL(URI.create("https://attacker.example/cert.pem")))
                .signedBy(f.ring), OWN_KEY),
        row("embedded jwk header with the attacker's key, signed by it",
            f -> {
              var attacker = TestTokens.foreignKey("attacker");
              return workspace("alice").kid(f.kid()).header(h -> h.jwk(attacker.toPublicJWK())).signedWith(attacker);
            }, OWN_KEY),
        row("x5c header with a certificate chain",
            f -> workspace("alice").header(h -> h.x509CertChain(List.of(Base64.encode("not a certificate"))))
                .signedBy(f.ring), OWN_KEY),
        row("unknown crit header parameter",
            f -> workspace("alice").header(h -> h.criticalParams(Set.of("pc_bound")).customParam("pc_bound", true))
                .signedBy(f.ring), CRIT),
        row("unknown kid", f -> workspace("alice").kid("sig_unknown").signedBy(f.ring), UNKNOWN_KID),
        row("without kid", f -> workspace("alice").withoutKid().signedBy(f.ring), NO_KID),

        // Claims the server always sets
        row("without pc_workspace", f -> workspace("alice").without("pc_workspace").signedBy(f.ring), LACKS_CLAIMS),
        row("pc_workspace empty", f -> workspace("alice").claim("pc_workspace", "").signedBy(f.ring), LACKS_CLAIMS),
        row("without pc_project", f -> workspace("alice").without("pc_project").signedBy(f.ring), LACKS_CLAIMS),
        row("pc_project not a string", f -> workspace("alice").claim("pc_project", 42).signedBy(f.ring), LACKS_CLAIMS),
        row("without jti", f -> workspace("alice").without("jti").signedBy(f.ring), LACKS_CLAIMS),
        row("without sub", f -> workspace("alice").without("sub").signedBy(f.ring), LACKS_CLAIMS),

        // Serialization: base64url only, one spelling of each signature
        row("not base64url anywhere (whose it is cannot be read)",
            f -> "eyJ!!!!.!!!!.!!!!", ABSTAINED),
        row("header not base64url-encoded JSON, payload naming this server",
            f -> replacePart(workspace("alice").signedBy(f.ring), 0, "eyJ!!!!"), NOT_A_JWS),
        row("a fourth part appended",
            f -> workspace("alice").signedBy(f.ring) + ".e30", NOT_A_JWS),
        row("payload with a character outside base64url",
            f -> insertInPart(workspace("alice").signedBy(f.ring), 1, "!"), NOT_COMPACT),
        row("signature with a character outside base64url",
            f -> workspace("alice").signedBy(f.ring) + "!", NOT_COMPACT),
        row("signature with base64 padding",
            f -> workspace("alice").signedBy(f.ring) + "==", NOT_COMPACT),
        row("signature in the base64 alphabet instead of base64url",
            f -> toBase64Alphabet(tokenWithUrlOnlyCharacterInSignature(f)), NOT_COMPACT),
        row("signature with its spare bits set (same bytes, another spelling)",
            f -> withSpareBitsSet(workspace("alice").signedBy(f.ring)), NOT_COMPACT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void authenticateWhenOneRuleIsBrokenThenTheRowsExactResult(Refusal row) {
    TokenFixture f = new TokenFixture();
    String token = row.token().apply(f);
    assertThat(f.authenticate(token)).as(row.name()).isEqualTo(row.expected());
    // A refused token is never cached: asked again, it is refused again for the same reason.
    assertThat(f.authenticate(token)).as("%s, asked again", row.name()).isEqualTo(row.expected());
  }

  @Test
  void authenticateWhenBuiltAsTheServerMintsThenAccepted() {
    TokenFixture f = new TokenFixture();
    assertThat(f.authenticate(workspace("alice").signedBy(f.ring))).isInstanceOf(AuthnResult.Authenticated.class);
  }

  @Test
  void authenticateWhenExpIsNowThenAcceptedUntilTheSecondEnds() {
    TokenFixture f = new TokenFixture();
    String token = workspace("alice").issuedAt(NOW.minusSeconds(60)).expiresAt(NOW).signedBy(f.ring);
    String unseen = workspace("alice").issuedAt(NOW.minusSeconds(60)).expiresAt(NOW).signedBy(f.ring);
    assertThat(f.authenticate(token)).isInstanceOf(AuthnResult.Authenticated.class);
    f.clock.advance(Duration.ofMillis(999));
    assertThat(f.authenticate(token)).isInstanceOf(AuthnResult.Authenticated.class); // from the cache
    f.clock.advance(Duration.ofMillis(1));
    assertThat(f.authenticate(token)).isEqualTo(EXPIRED); // from the cache
    assertThat(f.authenticate(unseen)).isEqualTo(EXPIRED); // verified for the first time
  }

  private static Refusal row(String name, Function<TokenFixture, String> token, AuthnResult expected) {
    return new Refusal(name, token, expected);
  }

  private static AuthnResult invalid(String message) {
    return new AuthnResult.Rejected(Reason.INVALID, message);
  }

  private static String[] parts(String token) {
    String[] parts = token.split("\\.", -1);
    assertThat(parts).hasSize(3);
    return parts;
  }

  private static String signatureOf(String token) {
    return parts(token)[2];
  }

  private static String replacePart(String token, int index, String part) {
    String[] parts = parts(token);
    parts[index] = part;
    return String.join(".", parts);
  }

  private static String insertInPart(String token, int index, String insert) {
    String[] parts = parts(token);
    parts[index] = parts[index].substring(0, 10) + insert + parts[index].substring(10);
    return String.join(".", parts);
  }

  private static String withPayloadOf(String token, String other) {
    return replacePart(token, 1, parts(other)[1]);
  }

  private static String dropLast(String token, int characters) {
    return token.substring(0, token.length() - characters);
  }

  /** A token whose signature has a '-' or '_' (most do; fresh ones are signed until one does). */
  private static String tokenWithUrlOnlyCharacterInSignature(TokenFixture f) {
    for (int i = 0; i < 1000; i++) {
      String token = workspace("alice").signedBy(f.ring);
      if (signatureOf(token).matches(".*[-_].*")) {
        return token;
      }
    }
    throw new IllegalStateException("no signature with '-' or '_' in 1000 tokens");
  }

  private static String toBase64Alphabet(String token) {
    return replacePart(token, 2, signatureOf(token).replace('-', '+').replace('_', '/'));
  }

  /**
   * A 64-byte signature is 86 characters; the last carries 4 bits and 2 spare bits that a
   * canonical encoder leaves zero. Setting one changes the text but not the decoded bytes.
   */
  private static String withSpareBitsSet(String token) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    String signature = signatureOf(token);
    assertThat(signature).hasSize(86);
    int last = alphabet.indexOf(signature.charAt(85));
    assertThat(last % 4).isZero();
    return replacePart(token, 2, signature.substring(0, 85) + alphabet.charAt(last | 1));
  }
}
