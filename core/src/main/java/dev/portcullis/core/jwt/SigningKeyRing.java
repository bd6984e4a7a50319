package dev.portcullis.core.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import dev.portcullis.core.secret.ResourceIds;
import dev.portcullis.core.store.SigningKeyStore;
import dev.portcullis.core.store.SigningKeyStore.StoredSigningKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's Ed25519 signing keys, shared through the database by every server.
 *
 * <p>The newest key that is not retired signs. Retired keys stay published, and keep
 * verifying, for {@link #MAX_TOKEN_TTL} after retirement so that every token they signed can
 * expire first. A server learns of a rotation made by another when it meets an unknown
 * {@code kid} (at most one reload per second) and every {@link #REFRESH} for signing.
 * Thread-safe.
 */
public final class SigningKeyRing {

  /** The longest a workspace token lives, so how long a retired key stays published. */
  public static final Duration MAX_TOKEN_TTL = dev.portcullis.core.workspace.Revocations.MAX_TOKEN_TTL;
  static final Duration REFRESH = Duration.ofSeconds(10);
  private static final Duration RELOAD_AT_MOST_EVERY = Duration.ofSeconds(1);

  private final SigningKeyStore store;
  private final KeyEncryption encryption;
  private final Clock clock;
  private volatile Loaded loaded;
  private volatile Instant lastUnknownKidReload = Instant.EPOCH;

  /** A key that can sign, and what verifies each published key. */
  record Signing(String kid, Ed25519Signer signer) {}

  private record Loaded(Signing signing, Map<String, Ed25519Verifier> verifiers, List<StoredSigningKey> keys,
      Instant at) {}

  public SigningKeyRing(SigningKeyStore store, KeyEncryption encryption, Clock clock) {
    this.store = store;
    this.encryption = encryption;
    this.clock = clock;
    if (store.all().isEmpty()) {
      store.insertFirst(generate());
    }
    this.loaded = load();
  }

  /** Adds a new key that signs from now on; the others stay published until their tokens expire. */
  public String rotate() {
    StoredSigningKey key = generate();
    store.rotateTo(key);
    loaded = load();
    return key.kid();
  }

  Signing signing() {
    Loaded current = loaded;
    if (clock.instant().isAfter(current.at().plus(REFRESH))) {
      current = reload();
    }
    return current.signing();
  }

  Optional<Ed25519Verifier> verifier(String kid) {
    Ed25519Verifier verifier = loaded.verifiers().get(kid);
    if (verifier != null) {
      return Optional.of(verifier);
    }
    Instant now = clock.instant();
    synchronized (this) {
      if (now.isAfter(lastUnknownKidReload.plus(RELOAD_AT_MOST_EVERY))) {
        lastUnknownKidReload = now;
        reload();
      }
    }
    return Optional.ofNullable(loaded.verifiers().get(kid));
  }

  /** The published public keys as a JWK Set (RFC 7517 section 5). */
  public Map<String, Object> jwks() {
    List<com.nimbusds.jose.jwk.JWK> keys = new ArrayList<>();
    for (StoredSigningKey key : loaded.keys()) {
      if (published(key, clock.instant())) {
        keys.add(parse(key.publicJwk()));
      }
    }
    return new JWKSet(keys).toJSONObject(true);
  }

  private synchronized Loaded reload() {
    loaded = load();
    return loaded;
  }

  private Loaded load() {
    Instant now = clock.instant();
    List<StoredSigningKey> keys = store.all();
    Map<String, Ed25519Verifier> verifiers = new ConcurrentHashMap<>();
    StoredSigningKey newest = null;
    for (StoredSigningKey key : keys) {
      if (!published(key, now)) {
        continue;
      }
      try {
        verifiers.put(key.kid(), new Ed25519Verifier(parse(key.publicJwk()).toOctetKeyPair()));
      } catch (JOSEException e) {
        throw new IllegalStateException("stored public key " + key.kid() + " is not an Ed25519 key", e);
      }
      if (key.retiredAt().isEmpty() && (newest == null || !key.createdAt().isBefore(newest.createdAt()))) {
        newest = key;
      }
    }
    if (newest == null) {
      throw new IllegalStateException("no signing key is stored");
    }
    OctetKeyPair privateKey = parse(encryption.decrypt(newest.privateJwe())).toOctetKeyPair();
    try {
      return new Loaded(new Signing(newest.kid(), new Ed25519Signer(privateKey)), verifiers, keys, now);
    } catch (JOSEException e) {
      throw new IllegalStateException("stored private key " + newest.kid() + " cannot sign", e);
    }
  }

  private static boolean published(StoredSigningKey key, Instant now) {
    return key.retiredAt().isEmpty() || now.isBefore(key.retiredAt().get().plus(MAX_TOKEN_TTL).plusSeconds(1));
  }

  private StoredSigningKey generate() {
    try {
      String kid = ResourceIds.next("sig_");
      OctetKeyPair pair = new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.EdDSA).generate();
      return new StoredSigningKey(kid, JWSAlgorithm.EdDSA.getName(), pair.toPublicJWK().toJSONString(),
          encryption.encrypt(pair.toJSONString()), Instant.ofEpochMilli(clock.millis()), Optional.empty());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an Ed25519 key", e);
    }
  }

  private static com.nimbusds.jose.jwk.JWK parse(String json) {
    try {
      return com.nimbusds.jose.jwk.JWK.parse(json);
    } catch (ParseException e) {
      throw new IllegalStateException("a stored key is not a JWK", e);
    }
  }
}
