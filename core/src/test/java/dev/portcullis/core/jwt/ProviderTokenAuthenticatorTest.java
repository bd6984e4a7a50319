package dev.portcullis.core.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.authrule.AuthRule;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Credential;
import dev.portcullis.spi.Principal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Identity-provider JWTs used directly: rule selection, the verified-token cache, outages. */
class ProviderTokenAuthenticatorTest {

  static TestIdentityProvider provider;
  MutableClock clock = new MutableClock();
  InMemoryAuthRuleStore rules = new InMemoryAuthRuleStore();
  ProviderTokenAuthenticator authenticator;

  @BeforeAll
  static void startProvider() {
    provider = TestIdentityProvider.start("direct");
  }

  @AfterAll
  static void stopProvider() {
    provider.close();
  }

  @BeforeEach
  void build() {
    authenticator = new ProviderTokenAuthenticator(new ProviderTokenVerifier(new JwkSetCache(clock), clock), rules, clock);
  }

  private AuthRule addRule(String id, String projectId, TestIdentityProvider p) {
    AuthRule rule = new AuthRule(id, projectId, "idp", p.issuer(), p.jwksUri(), TestIdentityProvider.AUDIENCE,
        AuthRule.DEFAULT_WORKSPACE_CLAIM, AuthRule.DEFAULT_ALGORITHMS, clock.instant());
    rules.insert(rule);
    return rule;
  }

  private AuthnResult authenticate(String token) {
    return authenticator.authenticate(AuthnRequest.of(new Credential(token, Credential.Source.AUTHORIZATION_HEADER)));
  }

  private Principal principal(String token) {
    AuthnResult result = authenticate(token);
    assertThat(result).isInstanceOf(AuthnResult.Authenticated.class);
    return ((AuthnResult.Authenticated) result).principal();
  }

  @Test
  void authenticateWhenExactlyOneRuleTakesIssuerAndAudienceThenWorkspacePrincipalOfItsProject() {
    addRule("rul_1", "prj_a", provider);
    Principal p = principal(provider.token().at(clock.instant()).subject("bob").claim("email", "bob@example.test").rs256());
    assertThat(p.kind()).isEqualTo(Principal.Kind.WORKSPACE);
    assertThat(p.projectId()).contains("prj_a");
    assertThat(p.workspaceId()).contains("bob");
    assertThat(p.identity()).isEqualTo("bob");
    assertThat(p.credentialId()).startsWith("jti-");
    assertThat(p.expiresAt()).contains(clock.instant().plusSeconds(300));
    assertThat(p.claims()).containsEntry("email", "bob@example.test").containsEntry("iss", provider.issuer());
  }

  @Test
  void authenticateWhenNoCredentialOpaqueKeyOrNoRuleThenAbstains() {
    addRule("rul_1", "prj_a", provider);
    assertThat(authenticator.authenticate(new AuthnRequest(Optional.empty(), Map.of()))).isInstanceOf(AuthnResult.Abstained.class);
    assertThat(authenticate("pc_sk_notajwt")).isInstanceOf(AuthnResult.Abstained.class);
    assertThat(authenticate(provider.token().at(clock.instant()).issuer("https://unknown.idp.test").rs256()))
        .isInstanceOf(AuthnResult.Abstained.class);
    assertThat(authenticate(provider.token().at(clock.instant()).audience("https://someone-else.test").rs256()))
        .isInstanceOf(AuthnResult.Abstained.class);
  }

  @Test
  void authenticateWhenTwoRulesTakeIssuerAndAudienceThenRejectedPointingToTheExchange() {
    addRule("rul_1", "prj_a", provider);
    addRule("rul_2", "prj_b", provider);
    AuthnResult result = authenticate(provider.token().at(clock.instant()).rs256());
    assertThat(result).isInstanceOf(AuthnResult.Rejected.class);
    assertThat(((AuthnResult.Rejected) result).reason()).isEqualTo(AuthnResult.Reason.INVALID);
    assertThat(((AuthnResult.Rejected) result).message()).contains("2 auth rules", "/v1/auth/exchange");
  }

  @Test
  void authenticateWhenTokenRepeatsThenServedFromTheCacheWithoutVerifyingAgain() {
    AuthRule rule = addRule("rul_1", "prj_a", provider);
    String token = provider.token().at(clock.instant()).rs256();
    Principal first = principal(token);
    // Gone from the store behind the authenticator's back: only the cache can still answer.
    rules.delete(rule.projectId(), rule.id());
    assertThat(principal(token)).isSameAs(first);
    clock.advance(ProviderTokenAuthenticator.RECHECK_AFTER);
    assertThat(authenticate(token)).as("re-verified after a minute, and the rule is gone")
        .isInstanceOf(AuthnResult.Abstained.class);
  }

  @Test
  void forgetRuleWhenRuleIsDeletedThenItsCachedTokensAreVerifiedAgain() {
    AuthRule rule = addRule("rul_1", "prj_a", provider);
    String token = provider.token().at(clock.instant()).rs256();
    principal(token);
    rules.delete(rule.projectId(), rule.id());
    authenticator.forgetRule(rule.id());
    assertThat(authenticate(token)).isInstanceOf(AuthnResult.Abstained.class);
  }

  @Test
  void authenticateWhenCachedTokenExpiresBeyondTheSkewThenTokenExpired() {
    addRule("rul_1", "prj_a", provider);
    String token = provider.token().at(clock.instant()).expiresAt(clock.instant().plusSeconds(10)).rs256();
    principal(token);
    clock.advance(Duration.ofSeconds(70));
    assertThat(principal(token)).as("10 s past exp is within the 60 s skew").isNotNull();
    clock.advance(Duration.ofSeconds(1));
    AuthnResult result = authenticate(token);
    assertThat(result).isInstanceOf(AuthnResult.Rejected.class);
    assertThat(((AuthnResult.Rejected) result).reason()).isEqualTo(AuthnResult.Reason.EXPIRED);
  }

  @Test
  void authenticateWhenUnsignedTokenNamesARuleIssuerThenRejected() {
    addRule("rul_1", "prj_a", provider);
    AuthnResult result = authenticate(provider.token().at(clock.instant()).unsigned());
    assertThat(result).isInstanceOf(AuthnResult.Rejected.class);
    assertThat(((AuthnResult.Rejected) result).message()).contains("alg none");
  }

  @Test
  void authenticateWhenJwksIsUnreachableAndNothingCachedThenUnavailableNotRejected() {
    try (TestIdentityProvider down = TestIdentityProvider.start("unreachable")) {
      down.stop();
      addRule("rul_1", "prj_a", down);
      assertThatThrownBy(() -> authenticate(down.token().at(clock.instant()).rs256()))
          .isInstanceOfSatisfying(PortcullisException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }
  }
}
