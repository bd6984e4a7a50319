package dev.portcullis.bench;

import dev.portcullis.core.store.SigningKeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A {@link SigningKeyStore} in a list, so that a benchmark measures the key ring and not a database. Thread-safe. */
final class InMemorySigningKeyStore implements SigningKeyStore {

  private final List<StoredSigningKey> keys = new ArrayList<>();

  @Override
  public synchronized List<StoredSigningKey> all() {
    return List.copyOf(keys);
  }

  @Override
  public synchronized void rotateTo(StoredSigningKey key) {
    keys.replaceAll(k -> k.retiredAt().isPresent() ? k
        : new StoredSigningKey(k.kid(), k.algorithm(), k.publicJwk(), k.privateJwe(), k.createdAt(),
            Optional.of(key.createdAt())));
    keys.add(key);
  }

  @Override
  public synchronized boolean insertFirst(StoredSigningKey key) {
    if (!keys.isEmpty()) {
      return false;
    }
    keys.add(key);
    return true;
  }
}
