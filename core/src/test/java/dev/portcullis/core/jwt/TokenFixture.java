package dev.portcullis.core.jwt;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.portcullis.core.workspace.Revocations;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Credential;
import java.text.ParseException;

/**
 * One server's workspace-token machinery on in-memory stores and a {@link MutableClock}: the
 * real key ring (keys encrypted at rest), revocations, minting and the authenticator.
 */
final class TokenFixture {

  final MutableClock clock = new MutableClock(TestTokens.NOW);
  final InMemorySigningKeyStore keyStore = new InMemorySigningKeyStore();
  final String keyEncryptionKey = KeyEncryption.generateBase64();
  final SigningKeyRing ring = new SigningKeyRing(keyStore, KeyEncryption.fromBase64(keyEncryptionKey), clock);
  final InMemoryRevocationStore revocationStore = new InMemoryRevocationStore();
  final Revocations revocations = new Revocations(revocationStore, clock);
  final WorkspaceTokens tokens = new WorkspaceTokens(ring, () -> TestTokens.ISSUER, clock);
  final WorkspaceTokenAuthenticator authenticator = newAuthenticator();

  /** Another authenticator on the same ring: a cache that has seen nothing yet. */
  WorkspaceTokenAuthenticator newAuthenticator() {
    return new WorkspaceTokenAuthenticator(ring, revocations, () -> TestTokens.ISSUER, clock);
  }

  AuthnResult authenticate(String token) {
    return authenticate(authenticator, token);
  }

  static AuthnResult authenticate(WorkspaceTokenAuthenticator authenticator, String token) {
    return authenticator.authenticate(AuthnRequest.of(new Credential(token, Credential.Source.AUTHORIZATION_HEADER)));
  }

  /** The kid of the key that signs now. */
  String kid() {
    return ring.signing().kid();
  }

  /** The public key published under {@code kid}, as a verifier (or an attacker) reads it from the JWKS. */
  OctetKeyPair publishedKey(String kid) {
    try {
      return JWKSet.parse(ring.jwks()).getKeyByKeyId(kid).toOctetKeyPair();
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
  }
}
