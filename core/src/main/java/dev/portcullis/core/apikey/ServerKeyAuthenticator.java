package dev.portcullis.core.apikey;

import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.core.store.ApiKeyStore;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Authenticator;
import dev.portcullis.spi.Credential;
import dev.portcullis.spi.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Authenticates {@code pc_sk_} server keys.
 *
 * <p>The checksum is verified before any database read. A key found in the database is
 * cached by its hash for {@link #CACHE_TTL}: a revocation on this server drops it at once
 * ({@link #forgetKey}); other servers sharing the database stop accepting it when their copy
 * ages out, within that TTL. Expiry is checked on every request against the cached
 * {@code expires_at}. {@code last_used_at} is written at most once per
 * {@link #LAST_USED_INTERVAL} per key, off the request path. Thread-safe.
 */
public final class ServerKeyAuthenticator implements Authenticator {

  /** How long a looked-up key is trusted without asking the database again. */
  public static final Duration CACHE_TTL = Duration.ofSeconds(1);
  /** The finest granularity of {@code last_used_at}. */
  public static final Duration LAST_USED_INTERVAL = Duration.ofMinutes(1);
  private static final int MAX_CACHED = 100_000;

  private final ApiKeyStore store;
  private final Clock clock;
  private final Executor background;
  private final Map<String, Cached> byHash = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastUseWritten = new ConcurrentHashMap<>();

  private record Cached(ApiKey key, Instant loadedAt) {}

  public ServerKeyAuthenticator(ApiKeyStore store, Clock clock, Executor background) {
    this.store = store;
    this.clock = clock;
    this.background = background;
  }

  @Override
  public AuthnResult authenticate(Credential credential) {
    String value = credential.value();
    if (!value.startsWith(SecretKind.SERVER_KEY.prefix())) {
      return AuthnResult.abstain();
    }
    if (!OpaqueSecrets.isWellFormed(value, SecretKind.SERVER_KEY)) {
      return new AuthnResult.Rejected(AuthnResult.Reason.INVALID, "The API key is malformed.");
    }
    Instant now = clock.instant();
    Optional<ApiKey> found = lookup(OpaqueSecrets.hash(value), now);
    if (found.isEmpty()) {
      return new AuthnResult.Rejected(AuthnResult.Reason.INVALID, "The API key is not known.");
    }
    ApiKey key = found.get();
    if (key.revokedAt().isPresent()) {
      return new AuthnResult.Rejected(AuthnResult.Reason.REVOKED, "The API key has been revoked.");
    }
    if (key.expiredAt(now)) {
      return new AuthnResult.Rejected(AuthnResult.Reason.EXPIRED, "The API key has expired.");
    }
    recordUse(key.id(), now);
    return new AuthnResult.Authenticated(new Principal(Principal.Kind.SERVER, key.id(),
        Optional.of(key.projectId()), Optional.empty(), List.of("project:*"), key.expiresAt(),
        key.id(), Map.of()));
  }

  /** Drops a key from this server's cache; call after revoking it. */
  public void forgetKey(String keyId) {
    byHash.values().removeIf(c -> c.key().id().equals(keyId));
  }

  private Optional<ApiKey> lookup(String hash, Instant now) {
    Cached cached = byHash.get(hash);
    if (cached != null && now.isBefore(cached.loadedAt().plus(CACHE_TTL))) {
      return Optional.of(cached.key());
    }
    Optional<ApiKey> key = store.findByHash(hash);
    if (key.isPresent()) {
      if (byHash.size() >= MAX_CACHED) {
        byHash.clear(); // crude bound; keys outnumbering it means a cache would not help anyway
      }
      byHash.put(hash, new Cached(key.get(), now));
    } else {
      byHash.remove(hash);
    }
    return key;
  }

  private void recordUse(String keyId, Instant now) {
    Instant last = lastUseWritten.get(keyId);
    if (last != null && now.isBefore(last.plus(LAST_USED_INTERVAL))) {
      return;
    }
    // Only the caller that wins the swap writes, so a burst writes once.
    boolean won = last == null
        ? lastUseWritten.putIfAbsent(keyId, now) == null
        : lastUseWritten.replace(keyId, last, now);
    if (won) {
      background.execute(() -> store.touch(keyId, now));
    }
  }
}
