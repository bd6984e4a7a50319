package dev.portcullis.bench;

import dev.portcullis.core.apikey.ApiKey;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.ResourceIds;
import dev.portcullis.core.store.ApiKeyStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link ApiKeyStore} held in a map, so that a benchmark measures the authenticator and not
 * a database. Only what {@code ServerKeyAuthenticator} calls does anything. Thread-safe.
 */
final class InMemoryApiKeyStore implements ApiKeyStore {

  private final Map<String, ApiKey> byHash = new ConcurrentHashMap<>();

  /** Stores a live, non-expiring key of {@code projectId} whose value is {@code value}. */
  ApiKey add(String value, String projectId) {
    ApiKey key = new ApiKey(ResourceIds.next("key_"), projectId, "bench",
        value.substring(0, OpaqueSecrets.DISPLAY_PREFIX_LENGTH), OpaqueSecrets.hash(value),
        Instant.now(), Optional.empty(), Optional.empty(), Optional.empty());
    insert(key);
    return key;
  }

  @Override
  public void insert(ApiKey key) {
    byHash.put(key.hash(), key);
  }

  @Override
  public Optional<ApiKey> findByHash(String hash) {
    return Optional.ofNullable(byHash.get(hash));
  }

  @Override
  public Page<ApiKey> list(String projectId, PageRequest page) {
    throw new UnsupportedOperationException("not on the authentication path");
  }

  @Override
  public boolean revoke(String projectId, String keyId, Instant at) {
    throw new UnsupportedOperationException("not on the authentication path");
  }

  @Override
  public void touch(String keyId, Instant at) {
    // last_used_at is not measured here; the authenticator calls this once a minute per key.
  }
}
