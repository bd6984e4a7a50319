package dev.portcullis.core.apikey;

import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.core.store.ApiKeyStore;
import dev.portcullis.core.workspace.Revocations;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Authenticator;
import dev.portcullis.spi.AuthnRequest;
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
 * <p>The checksum is verified before any database read (a key already in the cache skips it:
 * its value was well-formed when it was stored). A key found in the database is
 * cached by its hash for {@link #CACHE_TTL}: a revocation on this server drops it at once
 * ({@link #forgetKey}), and every server consults {@link Revocations}, which follows the
 * revocation log that revocations append to (within its poll interval, 200 ms); a copy also
 * ages out within the TTL. Expiry is checked on every request against the cached
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
  private final Revocations revocations;
  private final Map<String, Cached> byHash = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastUseWritten = new ConcurrentHashMap<>();

  private record Cached(ApiKey key, Principal principal, Revocations.Token revocationKey, Instant loadedAt) {}

  public ServerKeyAuthenticator(ApiKeyStore store, Revocations revocations, Clock clock, Executor background) {
    this.store = store;
    this.revocations = revocations;
    this.clock = clock;
    this.background = background;
  }

  @Override
  public AuthnResult authenticate(AuthnRequest request) {
    if (request.credential().isEmpty()) {
      return AuthnResult.abstain();
    }
    String value = request.credential().get().value();
    if (!value.startsWith(SecretKind.SERVER_KEY.prefix())) {
      return AuthnResult.abstain();
    }
    Instant now = clock.instant();
    String hash = OpaqueSecrets.hash(value);
    Cached cached = byHash.get(hash);
    if (cached == null || !now.isBefore(cached.loadedAt().plus(CACHE_TTL))) {
      // A cached key skips the checksum: its value was well-formed when it was stored.
      if (!OpaqueSecrets.isWellFormed(value, SecretKind.SERVER_KEY)) {
        return new AuthnResult.Rejected(AuthnResult.Reason.INVALID, "The API key is malformed.");
      }
      Optional<Cached> loaded = load(hash, now);
      if (loaded.isEmpty()) {
        return new AuthnResult.Rejected(AuthnResult.Reason.INVALID, "The API key is not known.");
      }
      cached = loaded.get();
    }
    ApiKey key = cached.key();
    if (key.revokedAt().isPresent() || revocations.isRevoked(cached.revocationKey())) {
      return new AuthnResult.Rejected(AuthnResult.Reason.REVOKED, "The API key has been revoked.");
    }
    if (key.expiredAt(now)) {
      return new AuthnResult.Rejected(AuthnResult.Reason.EXPIRED, "The API key has expired.");
    }
    recordUse(key.id(), now);
    return new AuthnResult.Authenticated(cached.principal());
  }

  /** Drops a key from this server's cache; call after revoking it. */
  public void forgetKey(String keyId) {
    byHash.values().removeIf(c -> c.key().id().equals(keyId));
  }

  private Optional<Cached> load(String hash, Instant now) {
    Optional<ApiKey> key = store.findByHash(hash);
    if (key.isEmpty()) {
      byHash.remove(hash);
      return Optional.empty();
    }
    if (byHash.size() >= MAX_CACHED) {
      byHash.clear(); // crude bound; keys outnumbering it means a cache would not help anyway
    }
    ApiKey k = key.get();
    Cached cached = new Cached(k, new Principal(Principal.Kind.SERVER, k.id(), Optional.of(k.projectId()),
        Optional.empty(), List.of("project:*"), k.expiresAt(), k.id(), Map.of()),
        Revocations.credential(k.projectId(), k.id()), now);
    byHash.put(hash, cached);
    return Optional.of(cached);
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
