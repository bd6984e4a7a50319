package dev.portcullis.core.jwt;

import dev.portcullis.core.store.SigningKeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SigningKeyStore} in a list, as the database would hold it, counting how often the
 * key ring reads it. Thread-safe.
 */
public final class InMemorySigningKeyStore implements SigningKeyStore {

  private final List<StoredSigningKey> keys = new ArrayList<>();
  final AtomicInteger reads = new AtomicInteger();

  @Override
  public synchronized List<StoredSigningKey> all() {
    reads.incrementAndGet();
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

  /** What no server does: drops a key, so that only a cache can still accept its tokens. */
  synchronized void replaceAllWith(StoredSigningKey key) {
    keys.clear();
    keys.add(key);
  }

  synchronized StoredSigningKey only() {
    if (keys.size() != 1) {
      throw new IllegalStateException("expected one key, have " + keys.size());
    }
    return keys.getFirst();
  }
}
