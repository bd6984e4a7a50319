package dev.portcullis.core.store;

import dev.portcullis.core.apikey.ApiKey;
import java.time.Instant;
import java.util.Optional;

/** Server API keys, stored by the SHA-256 of their value. */
public interface ApiKeyStore {

  /** Stores a new key; its id and hash are unique. */
  void insert(ApiKey key);

  /** The key with this hash, revoked or not, so that a revoked key can be told apart. */
  Optional<ApiKey> findByHash(String hash);

  /** The project's keys that are not revoked, oldest first. */
  Page<ApiKey> list(String projectId, PageRequest page);

  /** Marks the key revoked. @return false when there is no live key of that id in the project */
  boolean revoke(String projectId, String keyId, Instant at);

  /** Records a use of the key (callers throttle this). */
  void touch(String keyId, Instant at);
}
