package dev.portcullis.core.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.portcullis.core.store.SigningKeyStore.StoredSigningKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Private signing keys at rest: encrypted under the key-encryption key, never in clear. */
class KeyEncryptionTest {

  final TokenFixture f = new TokenFixture();

  @Test
  void ringWhenKeyEncryptionKeyDiffersFromTheOneThatStoredTheKeysThenClearIllegalStateException() {
    KeyEncryption another = KeyEncryption.fromBase64(KeyEncryption.generateBase64());

    assertThatThrownBy(() -> new SigningKeyRing(f.keyStore, another, f.clock))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot be decrypted")
        .hasMessageContaining("PORTCULLIS_KEY_ENCRYPTION_KEY");
    assertThatThrownBy(() -> another.decrypt(f.keyStore.only().privateJwe()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot be decrypted");
  }

  @Test
  void storedKeyWhenReadFromTheStoreThenThePrivatePartIsOnlyInsideTheJwe() throws Exception {
    StoredSigningKey stored = f.keyStore.only();
    OctetKeyPair privateKey = OctetKeyPair.parse(KeyEncryption.fromBase64(f.keyEncryptionKey).decrypt(stored.privateJwe()));
    String d = privateKey.getD().toString();
    assertThat(d).hasSize(43); // 32 bytes of Ed25519 seed, base64url

    JWEObject jwe = JWEObject.parse(stored.privateJwe());
    assertThat(jwe.getHeader().getAlgorithm().getName()).isEqualTo("dir");
    assertThat(jwe.getHeader().getEncryptionMethod().getName()).isEqualTo("A256GCM");
    assertThat(stored.privateJwe()).doesNotContain(d)
        .doesNotContain(Base64.getEncoder().encodeToString(privateKey.getD().decode()))
        .doesNotContain(privateKey.getD().decodeToString());
    assertThat(OctetKeyPair.parse(stored.publicJwk()).isPrivate()).isFalse();
    assertThat(stored.publicJwk()).doesNotContain(d).doesNotContain("\"d\"");
    assertThat(stored.toString()).doesNotContain(stored.privateJwe());
  }

  @Test
  void encryptWhenSameKeyTwiceThenDifferentCiphertextsThatBothDecrypt() {
    KeyEncryption kek = KeyEncryption.fromBase64(f.keyEncryptionKey);
    String a = kek.encrypt("{\"d\":\"secret\"}");
    String b = kek.encrypt("{\"d\":\"secret\"}");
    assertThat(a).isNotEqualTo(b);
    assertThat(kek.decrypt(a)).isEqualTo(kek.decrypt(b)).isEqualTo("{\"d\":\"secret\"}");
  }

  @Test
  void fromBase64WhenNot32BytesOrNotBase64ThenIllegalArgumentException() {
    assertThatThrownBy(() -> KeyEncryption.fromBase64(Base64.getEncoder().encodeToString(new byte[16])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> KeyEncryption.fromBase64("not*base64"))
        .isInstanceOf(IllegalArgumentException.class);
    // Standard base64 with padding is the same key as base64url without.
    byte[] bytes = new byte[32];
    bytes[0] = (byte) 0xfb;
    KeyEncryption standard = KeyEncryption.fromBase64(Base64.getEncoder().encodeToString(bytes));
    KeyEncryption url = KeyEncryption.fromBase64(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    assertThat(url.decrypt(standard.encrypt("x"))).isEqualTo("x");
    assertThat(standard.toString()).doesNotContain(Base64.getEncoder().encodeToString(bytes));
  }
}
