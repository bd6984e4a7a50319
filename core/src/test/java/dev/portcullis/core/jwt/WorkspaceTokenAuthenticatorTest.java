package dev.portcullis.core.jwt;

import static dev.portcullis.core.jwt.TestTokens.NOW;
import static dev.portcullis.core.jwt.TestTokens.PROJECT;
import static dev.portcullis.core.jwt.TestTokens.workspace;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.core.workspace.Revocations;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.AuthnResult.Reason;
import dev.portcullis.spi.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Accepting workspace tokens: the principal, the verified-token cache, revocation. */
class WorkspaceTokenAuthenticatorTest {

  private static final AuthnResult REVOKED =
      new AuthnResult.Rejected(Reason.REVOKED, "The workspace token has been revoked.");

  final TokenFixture f = new TokenFixture();

  private WorkspaceTokens.Minted mint(String workspaceId) {
    return f.tokens.mint(new WorkspaceTokens.MintRequest(PROJECT, workspaceId, Optional.empty(),
        WorkspaceTokens.DEFAULT_TTL, Map.of()));
  }

  @Test
  void authenticateWhenMintedThenWorkspacePrincipalWithProjectWorkspaceAndExpiry() throws Exception {
    WorkspaceTokens.Minted minted = f.tokens.mint(new WorkspaceTokens.MintRequest(PROJECT, "alice",
        Optional.of("user_1"), Duration.ofSeconds(120), Map.of("plan", "pro")));

    AuthnResult result = f.authenticate(minted.token());

    assertThat(result).isInstanceOf(AuthnResult.Authenticated.class);
    Principal p = ((AuthnResult.Authenticated) result).principal();
    assertThat(p.kind()).isEqualTo(Principal.Kind.WORKSPACE);
    assertThat(p.identity()).isEqualTo("user_1");
    assertThat(p.projectId()).contains(PROJECT);
    assertThat(p.workspaceId()).contains("alice");
    assertThat(p.expiresAt()).contains(NOW.plusSeconds(120));
    assertThat(p.credentialId()).isEqualTo(minted.jti());
    assertThat(p.permissions()).containsExactly("threads:own", "agents:read");
    assertThat(p.claims()).containsExactlyInAnyOrderEntriesOf(Map.of("plan", "pro", "sub", "user_1"));
    assertThat(minted.expiresAt()).isEqualTo(NOW.plusSeconds(120));

    SignedJWT jwt = SignedJWT.parse(minted.token());
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("EdDSA");
    assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(f.kid());
    var claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo(TestTokens.ISSUER);
    assertThat(claims.getAudience()).containsExactly("portcullis");
    assertThat(claims.getSubject()).isEqualTo("user_1");
    assertThat(claims.getStringClaim("pc_project")).isEqualTo(PROJECT);
    assertThat(claims.getStringClaim("pc_workspace")).isEqualTo("alice");
    assertThat(claims.getIssueTime()).isEqualTo(Date.from(NOW));
    assertThat(claims.getExpirationTime()).isEqualTo(Date.from(NOW.plusSeconds(120)));
    assertThat(claims.getJWTID()).isEqualTo(minted.jti()).startsWith("jti_");
  }

  @Test
  void authenticateWhenSubjectNotGivenThenTheWorkspaceIsTheSubject() {
    AuthnResult result = f.authenticate(mint("alice").token());
    assertThat(((AuthnResult.Authenticated) result).principal().identity()).isEqualTo("alice");
  }

  /**
   * Guards the cache: a repeated token is accepted from memory, without a signature check. To
   * show it, the key store then forgets the token's key (which no server does, keys outlive
   * their tokens) and the ring reloads: an authenticator that has not seen the token can no
   * longer verify it, while the one that has still accepts it and never asks the store.
   */
  @Test
  void authenticateWhenRepeatedThenAcceptedFromTheCacheWithoutASignatureCheck() {
    String token = mint("alice").token();
    String kid = f.kid();
    assertThat(f.authenticate(token)).isInstanceOf(AuthnResult.Authenticated.class);

    InMemorySigningKeyStore elsewhere = new InMemorySigningKeyStore();
    new SigningKeyRing(elsewhere, KeyEncryption.fromBase64(f.keyEncryptionKey), f.clock);
    f.keyStore.replaceAllWith(elsewhere.only());
    f.clock.advance(SigningKeyRing.REFRESH.plusSeconds(1));
    assertThat(f.kid()).isNotEqualTo(kid); // the ring reloaded: the token's key is gone
    assertThat(TokenFixture.authenticate(f.newAuthenticator(), token))
        .isEqualTo(new AuthnResult.Rejected(Reason.INVALID, "The token's signing key is not known."));

    int reads = f.keyStore.reads.get();
    for (int i = 0; i < 100; i++) {
      assertThat(f.authenticate(token)).isInstanceOf(AuthnResult.Authenticated.class);
    }
    assertThat(f.keyStore.reads).hasValue(reads);
  }

  @Test
  void authenticateWhenRevokedByJtiThenRevokedAtOnceEvenWhenCached() {
    WorkspaceTokens.Minted revoked = mint("alice");
    WorkspaceTokens.Minted sibling = mint("alice");
    assertThat(f.authenticate(revoked.token())).isInstanceOf(AuthnResult.Authenticated.class);

    f.revocations.revokeToken(PROJECT, revoked.jti());

    assertThat(f.authenticate(revoked.token())).isEqualTo(REVOKED);
    assertThat(TokenFixture.authenticate(f.newAuthenticator(), revoked.token())).isEqualTo(REVOKED);
    assertThat(f.authenticate(sibling.token())).isInstanceOf(AuthnResult.Authenticated.class);
  }

  @Test
  void authenticateWhenWorkspaceRevokedThenTokensIssuedUntilThenRevokedAndOneIssuedASecondLaterAccepted() {
    String cached = mint("alice").token();
    String unseen = mint("alice").token();
    String bob = mint("bob").token();
    assertThat(f.authenticate(cached)).isInstanceOf(AuthnResult.Authenticated.class);

    f.clock.advance(Duration.ofMillis(400));
    f.revocations.revokeWorkspace(PROJECT, "alice");
    String sameSecond = mint("alice").token(); // iat is whole seconds: NOW, as the revocation's second
    f.clock.advance(Duration.ofMillis(600));
    String nextSecond = mint("alice").token();

    assertThat(f.authenticate(cached)).isEqualTo(REVOKED);
    assertThat(f.authenticate(unseen)).isEqualTo(REVOKED);
    assertThat(f.authenticate(sameSecond)).isEqualTo(REVOKED);
    assertThat(f.authenticate(nextSecond)).isInstanceOf(AuthnResult.Authenticated.class);
    assertThat(f.authenticate(bob)).isInstanceOf(AuthnResult.Authenticated.class);
  }

  @Test
  void authenticateWhenAnotherProjectRevokesTheSameWorkspaceOrJtiThenUnaffected() {
    WorkspaceTokens.Minted alice = mint("alice");
    f.revocations.revokeWorkspace("prj_other", "alice");
    f.revocations.revokeToken("prj_other", alice.jti());
    assertThat(f.authenticate(alice.token())).isInstanceOf(AuthnResult.Authenticated.class);
  }

  @Test
  void authenticateWhenRevokedByAnotherServerThenRefusedOnceTheLogIsFollowed() {
    String token = mint("alice").token();
    assertThat(f.authenticate(token)).isInstanceOf(AuthnResult.Authenticated.class);
    Revocations otherServer = new Revocations(f.revocationStore, f.clock);

    otherServer.revokeWorkspace(PROJECT, "alice");
    assertThat(f.authenticate(token)).isInstanceOf(AuthnResult.Authenticated.class); // not followed yet
    f.revocations.follow(); // what the follower thread does every Revocations.POLL

    assertThat(f.authenticate(token)).isEqualTo(REVOKED);
  }

  @Test
  void authenticateWhenNotAJwtThenAbstainsForTheOtherAuthenticators() {
    for (String credential : List.of("pc_sk_abc", "eyJonly.one", "plain words", "")) {
      assertThat(f.authenticate(credential)).as(credential).isInstanceOf(AuthnResult.Abstained.class);
    }
  }

  @Test
  void authenticateWhenExpiredAfterBeingCachedThenExpired() {
    WorkspaceTokens.Minted minted = f.tokens.mint(new WorkspaceTokens.MintRequest(PROJECT, "alice",
        Optional.empty(), Duration.ofSeconds(1), Map.of()));
    assertThat(f.authenticate(minted.token())).isInstanceOf(AuthnResult.Authenticated.class);
    f.clock.now = minted.expiresAt().plusSeconds(1);
    assertThat(f.authenticate(minted.token()))
        .isEqualTo(new AuthnResult.Rejected(Reason.EXPIRED, "The workspace token has expired."));
  }

  @Test
  void mintWhenClockBetweenSecondsThenIatAndExpAreWholeSecondsAndExpiresAtMatchesExp() throws Exception {
    f.clock.now = NOW.plusMillis(700);
    WorkspaceTokens.Minted minted = mint("alice");
    var claims = SignedJWT.parse(minted.token()).getJWTClaimsSet();
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(NOW);
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(minted.expiresAt()).isEqualTo(NOW.plusSeconds(300));
    assertThat(minted.expiresAt()).isEqualTo(Instant.parse("2030-01-01T00:05:00Z"));
  }
}
