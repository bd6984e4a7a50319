package dev.portcullis.core.jwt;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Base64;

/**
 * Encrypts private signing keys at rest as compact JWEs ({@code dir}, {@code A256GCM}) under a
 * 256-bit key-encryption key. Several servers sharing a database must share this key.
 * Thread-safe.
 */
public final class KeyEncryption {

  private final byte[] key;

  private KeyEncryption(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("the key-encryption key must be 32 bytes (base64url of 256 bits)");
    }
    this.key = key.clone();
  }

  /** @param base64 32 bytes in base64url or base64 */
  public static KeyEncryption fromBase64(String base64) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(base64.strip().replace('+', '-').replace('/', '_').replace("=", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the key-encryption key must be base64url of 32 random bytes");
    }
    return new KeyEncryption(bytes);
  }

  /** A new random key, in base64url, for storing where the server keeps it. */
  public static String generateBase64() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  String encrypt(String plaintext) {
    try {
      JWEObject jwe = new JWEObject(new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256GCM), new Payload(plaintext));
      jwe.encrypt(new DirectEncrypter(key));
      return jwe.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot encrypt a signing key", e);
    }
  }

  /** @throws IllegalStateException when the key does not decrypt it (a different key-encryption key) */
  String decrypt(String compactJwe) {
    try {
      JWEObject jwe = JWEObject.parse(compactJwe);
      jwe.decrypt(new DirectDecrypter(key));
      return jwe.getPayload().toString();
    } catch (ParseException | JOSEException e) {
      throw new IllegalStateException("a stored signing key cannot be decrypted: is "
          + "PORTCULLIS_KEY_ENCRYPTION_KEY the one the other servers of this database use?", e);
    }
  }

  @Override
  public String toString() {
    return "KeyEncryption[<redacted>]";
  }
}
