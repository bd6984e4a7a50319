package dev.portcullis.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The signing keys of workspace tokens; private parts only ever encrypted. */
public interface SigningKeyStore {

  /**
   * A stored key.
   *
   * @param publicJwk the public JWK as JSON
   * @param privateJwe the private JWK, encrypted as a compact JWE
   * @param retiredAt when it stopped signing; empty while it signs
   */
  record StoredSigningKey(String kid, String algorithm, String publicJwk, String privateJwe,
      Instant createdAt, Optional<Instant> retiredAt) {
    @Override
    public String toString() {
      return "StoredSigningKey[kid=" + kid + ", algorithm=" + algorithm + ", createdAt=" + createdAt
          + ", retiredAt=" + retiredAt + "]";
    }
  }

  /** Every key, oldest first. */
  List<StoredSigningKey> all();

  /** Adds {@code key} and retires every other key that still signs, in one transaction. */
  void rotateTo(StoredSigningKey key);

  /** Adds {@code key} only when no key exists yet. @return whether it was added */
  boolean insertFirst(StoredSigningKey key);
}
