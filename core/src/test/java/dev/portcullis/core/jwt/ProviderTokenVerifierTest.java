package dev.portcullis.core.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import dev.portcullis.core.authrule.AuthRule;
import dev.portcullis.core.jwt.ProviderTokenVerifier.Outcome;
import dev.portcullis.spi.AuthnResult.Reason;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Identity-provider JWTs against one auth rule: what is accepted, and a table of refusals. */
class ProviderTokenVerifierTest {

  static TestIdentityProvider provider;
  static ProviderTokenVerifier verifier;

  @BeforeAll
  static void start() {
    provider = TestIdentityProvider.start("verifier");
    verifier = new ProviderTokenVerifier(new JwkSetCache(Clock.systemUTC()), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    provider.close();
  }

  static AuthRule rule(TestIdentityProvider p) {
    return new AuthRule("rul_test", "prj_test", "test", p.issuer(), p.jwksUri(), TestIdentityProvider.AUDIENCE,
        AuthRule.DEFAULT_WORKSPACE_CLAIM, AuthRule.DEFAULT_ALGORITHMS, Instant.now());
  }

  static AuthRule withClaim(AuthRule r, String workspaceClaim) {
    return new AuthRule(r.id(), r.projectId(), r.name(), r.issuer(), r.jwksUri(), r.audience(), workspaceClaim,
        r.algorithms(), r.createdAt());
  }

  static AuthRule withAlgorithms(AuthRule r, String... algorithms) {
    return new AuthRule(r.id(), r.projectId(), r.name(), r.issuer(), r.jwksUri(), r.audience(), r.workspaceClaim(),
        List.of(algorithms), r.createdAt());
  }

  static Outcome verify(String token, AuthRule rule) {
    return verifier.verify(ProviderToken.parse(token).orElseThrow(), rule);
  }

  static ProviderIdentity verified(String token, AuthRule rule) {
    Outcome outcome = verify(token, rule);
    assertThat(outcome).isInstanceOf(Outcome.Verified.class);
    return ((Outcome.Verified) outcome).identity();
  }

  @Test
  void verifyWhenRs256Es256OrEdDsaSignedByAPublishedKeyThenVerified() {
    for (String token : List.of(provider.token().rs256(), provider.token().es256(), provider.token().edDsa())) {
      ProviderIdentity identity = verified(token, rule(provider));
      assertThat(identity.subject()).isEqualTo("alice");
      assertThat(identity.workspaceId()).isEqualTo("alice");
      assertThat(identity.credentialId()).startsWith("jti-");
      assertThat(identity.claims()).containsEntry("iss", provider.issuer()).containsKey("exp");
      assertThat(identity.expiresAt()).isAfter(Instant.now());
    }
  }

  @Test
  void verifyWhenExpiredWithinTheSkewThenVerified() {
    verified(provider.token().expiresAt(Instant.now().minusSeconds(30)).rs256(), rule(provider));
    verified(provider.token().notBefore(Instant.now().plusSeconds(30)).issuedAt(Instant.now().plusSeconds(30))
        .es256(), rule(provider));
  }

  @Test
  void verifyWhenWorkspaceClaimIsATemplateThenFilledFromStringClaims() {
    ProviderIdentity identity = verified(provider.token().claim("org_id", "acme").rs256(),
        withClaim(rule(provider), "{org_id}:{sub}"));
    assertThat(identity.workspaceId()).isEqualTo("acme:alice");
    assertThat(verified(provider.token().claim("https://example.test/tenant", "t1").rs256(),
        withClaim(rule(provider), "https://example.test/tenant")).workspaceId()).isEqualTo("t1");
  }

  @Test
  void verifyWhenTokenHasNoJtiThenCredentialIdIsAHashOfIt() {
    ProviderIdentity identity = verified(provider.token().without("jti").rs256(), rule(provider));
    assertThat(identity.credentialId()).matches("sha256:[0-9a-f]{32}");
  }

  @Test
  void verifyWhenJwksCannotBeFetchedAndNothingIsCachedThenUnavailable() {
    TestIdentityProvider down = TestIdentityProvider.start("down");
    down.stop();
    assertThat(verify(down.token().rs256(), rule(down))).isInstanceOf(Outcome.Unavailable.class);
  }

  /** One refused token: how it is made, under which rule, and what the verifier must say. */
  record Refusal(String name, Function<TestIdentityProvider.Token, String> token, UnaryOperator<AuthRule> rule,
      Reason reason, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Refusal> refusals() {
    Instant now = Instant.now();
    return Stream.of(
        new Refusal("wrong iss", t -> t.issuer("https://evil.idp.test").rs256(), r -> r, Reason.INVALID, "iss"),
        new Refusal("wrong aud", t -> t.audience("https://other.example.test").rs256(), r -> r, Reason.INVALID, "aud"),
        new Refusal("aud list without ours", t -> t.audience("a", "b").rs256(), r -> r, Reason.INVALID, "aud"),
        new Refusal("expired beyond the 60 s skew", t -> t.expiresAt(now.minusSeconds(90)).rs256(), r -> r,
            Reason.EXPIRED, "expired"),
        new Refusal("no exp", t -> t.without("exp").rs256(), r -> r, Reason.INVALID, "exp"),
        new Refusal("nbf beyond the skew", t -> t.notBefore(now.plusSeconds(120)).rs256(), r -> r, Reason.INVALID, "nbf"),
        new Refusal("iat beyond the skew", t -> t.issuedAt(now.plusSeconds(120)).rs256(), r -> r, Reason.INVALID, "iat"),
        new Refusal("no sub", t -> t.without("sub").rs256(), r -> r, Reason.INVALID, "sub"),
        new Refusal("sub over 256 characters", t -> t.subject("s".repeat(257)).rs256(), r -> r, Reason.INVALID, "sub"),
        new Refusal("alg not allowed by the rule", TestIdentityProvider.Token::rs256,
            r -> withAlgorithms(r, "ES256"), Reason.INVALID, "RS256 is not allowed"),
        new Refusal("alg none", TestIdentityProvider.Token::unsigned, r -> r, Reason.INVALID, "alg none"),
        new Refusal("HS256 signed with the public key", TestIdentityProvider.Token::hs256WithPublicKey, r -> r,
            Reason.INVALID, "HS256 is never accepted"),
        new Refusal("jku header", t -> t.header(h -> h.jwkURL(URI.create("https://evil.test/jwks"))).rs256(), r -> r,
            Reason.INVALID, "names its own key"),
        new Refusal("x5u header", t -> t.header(h -> h.x509CertURL(URI.create("https://evil.test/cert"))).rs256(),
            r -> r, Reason.INVALID, "names its own key"),
        new Refusal("embedded jwk header", t -> t.header(h -> h.jwk(provider.keys().rsa().toPublicJWK())).rs256(),
            r -> r, Reason.INVALID, "names its own key"),
        new Refusal("unknown crit", t -> t.header(h -> h.customParam("urn:x", "y").criticalParams(Set.of("urn:x")))
            .rs256(), r -> r, Reason.INVALID, "crit"),
        new Refusal("unknown kid", TestIdentityProvider.Token::rs256WithUnpublishedKey, r -> r, Reason.INVALID,
            "not in the identity provider's JWKS"),
        new Refusal("no kid with several published keys", t -> t.header(h -> h.keyID(null)).rs256(), r -> r,
            Reason.INVALID, "no kid"),
        new Refusal("kid of a key of another type", t -> t.kid(provider.keys().rsa().getKeyID()).es256(), r -> r,
            Reason.INVALID, "RS256 key"),
        new Refusal("signature of another token", t -> swapSignature(t.rs256(), provider.token().subject("bob").rs256()),
            r -> r, Reason.INVALID, "signature"),
        new Refusal("signed by an unpublished key under a published kid", t -> t.kid(provider.keys().rsa().getKeyID())
            .sign(JWSAlgorithm.RS256, freshRsa()), r -> r, Reason.INVALID, "signature"),
        new Refusal("template claim missing", TestIdentityProvider.Token::rs256,
            r -> withClaim(r, "{org_id}:{sub}"), Reason.INVALID, "\"org_id\""),
        new Refusal("template claim not a string", t -> t.claim("org_id", 42).rs256(),
            r -> withClaim(r, "{org_id}:{sub}"), Reason.INVALID, "\"org_id\""),
        new Refusal("template claim contains the separator", t -> t.claim("org_id", "a:b").rs256(),
            r -> withClaim(r, "{org_id}:{sub}"), Reason.INVALID, "separates"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void verifyWhenTokenIsBadThenRefusedWithAReasonNamingTheProblem(Refusal refusal) {
    String token = refusal.token().apply(provider.token());
    Outcome outcome = verify(token, refusal.rule().apply(rule(provider)));
    assertThat(outcome).isInstanceOf(Outcome.Refused.class);
    Outcome.Refused refused = (Outcome.Refused) outcome;
    assertThat(refused.reason()).isEqualTo(refusal.reason());
    assertThat(refused.message()).contains(refusal.message()).doesNotContain(token);
  }

  private static String swapSignature(String token, String other) {
    return token.substring(0, token.lastIndexOf('.')) + other.substring(other.lastIndexOf('.'));
  }

  private static JWK freshRsa() {
    try {
      return new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).generate();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
