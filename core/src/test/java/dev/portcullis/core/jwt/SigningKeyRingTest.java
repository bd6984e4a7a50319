package dev.portcullis.core.jwt;

import static dev.portcullis.core.jwt.TestTokens.PROJECT;
import static dev.portcullis.core.jwt.TestTokens.workspace;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.spi.AuthnResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Signing keys: rotation, publication in the JWKS, and servers sharing one key store. */
class SigningKeyRingTest {

  final TokenFixture f = new TokenFixture();

  private String mint() {
    return f.tokens.mint(new WorkspaceTokens.MintRequest(PROJECT, "alice", Optional.empty(),
        SigningKeyRing.MAX_TOKEN_TTL, Map.of())).token();
  }

  private static String kidOf(String token) throws Exception {
    return SignedJWT.parse(token).getHeader().getKeyID();
  }

  private List<String> publishedKids() throws Exception {
    return JWKSet.parse(f.ring.jwks()).getKeys().stream().map(JWK::getKeyID).toList();
  }

  @Test
  void rotateWhenCalledThenNewTokensCarryTheNewKidAndOldTokensStillVerify() throws Exception {
    String old = mint();
    String oldKid = kidOf(old);

    String newKid = f.ring.rotate();
    String fresh = mint();

    assertThat(newKid).isNotEqualTo(oldKid).startsWith("sig_");
    assertThat(kidOf(fresh)).isEqualTo(newKid);
    // A new authenticator, so that the old token is verified against its key, not taken from a cache.
    assertThat(TokenFixture.authenticate(f.newAuthenticator(), old)).isInstanceOf(AuthnResult.Authenticated.class);
    assertThat(TokenFixture.authenticate(f.newAuthenticator(), fresh)).isInstanceOf(AuthnResult.Authenticated.class);
    assertThat(publishedKids()).containsExactlyInAnyOrder(oldKid, newKid);
  }

  @Test
  void jwksWhenRetiredKeyOutlivedTheLongestTokenThenNoLongerPublished() throws Exception {
    String oldKid = f.kid();
    String newKid = f.ring.rotate();
    f.clock.advance(SigningKeyRing.MAX_TOKEN_TTL);
    assertThat(publishedKids()).containsExactlyInAnyOrder(oldKid, newKid);
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(publishedKids()).containsExactly(newKid);
  }

  @Test
  void jwksWhenPublishedThenPublicEd25519KeysOnlyWithKidUseAndAlg() throws Exception {
    JWK key = JWKSet.parse(f.ring.jwks()).getKeys().getFirst();
    assertThat(key.isPrivate()).isFalse();
    assertThat(key.getKeyID()).isEqualTo(f.kid());
    assertThat(key.getKeyUse().identifier()).isEqualTo("sig");
    assertThat(key.getAlgorithm().getName()).isEqualTo("EdDSA");
    assertThat(key.toOctetKeyPair().getCurve().getName()).isEqualTo("Ed25519");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> keys = (List<Map<String, Object>>) f.ring.jwks().get("keys");
    assertThat(keys).singleElement().satisfies(k -> assertThat(k).doesNotContainKey("d"));
  }

  @Test
  void verifierWhenAnotherServerRotatedThenItsNewKidIsLearnedOnFirstSight() {
    SigningKeyRing otherServer = new SigningKeyRing(f.keyStore, KeyEncryption.fromBase64(f.keyEncryptionKey), f.clock);
    assertThat(otherServer.signing().kid()).isEqualTo(f.kid()); // one key for both

    String newKid = otherServer.rotate();
    String token = workspace("alice").signedBy(otherServer);

    assertThat(f.authenticate(token)).isInstanceOf(AuthnResult.Authenticated.class);
    f.clock.advance(SigningKeyRing.REFRESH.plusSeconds(1));
    assertThat(f.kid()).isEqualTo(newKid); // and signs with it after at most REFRESH
  }

  @Test
  void verifierWhenFloodedWithUnknownKidsThenTheStoreIsReadAtMostOncePerSecond() {
    int reads = f.keyStore.reads.get();
    for (int i = 0; i < 50; i++) {
      f.authenticate(workspace("alice").kid("sig_unknown" + i).signedBy(f.ring));
    }
    assertThat(f.keyStore.reads.get() - reads).isEqualTo(1);
    f.clock.advance(Duration.ofMillis(1001));
    f.authenticate(workspace("alice").kid("sig_unknown_later").signedBy(f.ring));
    assertThat(f.keyStore.reads.get() - reads).isEqualTo(2);
  }

  @Test
  void ringWhenStoreIsEmptyThenGeneratesOneKeyAndAnotherRingOnTheStoreUsesIt() {
    assertThat(f.keyStore.only().kid()).isEqualTo(f.kid());
    SigningKeyRing second = new SigningKeyRing(f.keyStore, KeyEncryption.fromBase64(f.keyEncryptionKey), f.clock);
    assertThat(second.signing().kid()).isEqualTo(f.kid());
    assertThat(f.keyStore.only().kid()).isEqualTo(f.kid());
  }
}
