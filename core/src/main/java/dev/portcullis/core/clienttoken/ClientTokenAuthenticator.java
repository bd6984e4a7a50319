package dev.portcullis.core.clienttoken;

import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.core.store.ClientTokenStore;
import dev.portcullis.core.workspace.Revocations;
import dev.portcullis.spi.AuthnRequest;
import dev.portcullis.spi.AuthnResult;
import dev.portcullis.spi.Authenticator;
import dev.portcullis.spi.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates {@code pc_ck_} client tokens (API.md section 5).
 *
 * <p>A token seen within {@link #CACHE_TTL} costs no database read: it is looked up by its hash
 * in memory. Revocation still holds at once: a deletion on this server drops the token from the
 * cache ({@link #forget}), and every server consults {@link Revocations}, which follows the
 * revocation log that deletions append to (within its poll interval, 200 ms). The cache TTL is
 * well inside the log's memory ({@link Revocations#MAX_TOKEN_TTL}), so no cached token outlives
 * the record of its revocation. Expiry is checked on every request. Thread-safe.
 *
 * <p>The principal is of kind {@code client}; its claims carry the policy in the API's form
 * ({@code policy}) and the bound origin ({@code hostname}), which the authorization engine and
 * the request gate enforce.
 */
public final class ClientTokenAuthenticator implements Authenticator {

  /** How long a looked-up token is trusted without asking the database again. */
  public static final Duration CACHE_TTL = Duration.ofMinutes(5);
  /** The claim holding the origin a bound token may be used from. */
  public static final String HOSTNAME_CLAIM = "hostname";
  private static final int MAX_CACHED = 100_000;

  private final ClientTokenStore store;
  private final Revocations revocations;
  private final Clock clock;
  private final Map<String, Cached> byHash = new ConcurrentHashMap<>();

  private record Cached(ClientToken token, Principal principal, Revocations.Token revocationKey, Instant loadedAt) {}

  public ClientTokenAuthenticator(ClientTokenStore store, Revocations revocations, Clock clock) {
    this.store = store;
    this.revocations = revocations;
    this.clock = clock;
  }

  @Override
  public AuthnResult authenticate(AuthnRequest request) {
    if (request.credential().isEmpty()) {
      return AuthnResult.abstain();
    }
    String value = request.credential().get().value();
    if (!value.startsWith(SecretKind.CLIENT_TOKEN.prefix())) {
      return AuthnResult.abstain();
    }
    Instant now = clock.instant();
    String hash = OpaqueSecrets.hash(value);
    Cached cached = byHash.get(hash);
    if (cached == null || !now.isBefore(cached.loadedAt().plus(CACHE_TTL))) {
      // A cached token skips the checksum: its value was well-formed when it was stored.
      if (!OpaqueSecrets.isWellFormed(value, SecretKind.CLIENT_TOKEN)) {
        return new AuthnResult.Rejected(AuthnResult.Reason.INVALID, "The client token is malformed.");
      }
      Optional<Cached> loaded = load(hash, now);
      if (loaded.isEmpty()) {
        return new AuthnResult.Rejected(AuthnResult.Reason.INVALID, "The client token is not known.");
      }
      cached = loaded.get();
    }
    ClientToken token = cached.token();
    if (token.revokedAt().isPresent() || revocations.isRevoked(cached.revocationKey())) {
      return new AuthnResult.Rejected(AuthnResult.Reason.REVOKED, "The client token has been revoked.");
    }
    if (token.expiredAt(now)) {
      return new AuthnResult.Rejected(AuthnResult.Reason.EXPIRED, "The client token has expired.");
    }
    return new AuthnResult.Authenticated(cached.principal());
  }

  /** Drops a token from this server's cache; call after revoking it. */
  public void forget(String tokenId) {
    byHash.values().removeIf(c -> c.token().id().equals(tokenId));
  }

  private Optional<Cached> load(String hash, Instant now) {
    Optional<ClientToken> found = store.findByHash(hash);
    if (found.isEmpty()) {
      byHash.remove(hash);
      return Optional.empty();
    }
    if (byHash.size() >= MAX_CACHED) {
      byHash.clear(); // crude bound; tokens outnumbering it means a cache would not help anyway
    }
    ClientToken token = found.get();
    Cached cached = new Cached(token, principal(token), Revocations.credential(token.projectId(), token.id()), now);
    byHash.put(hash, cached);
    return Optional.of(cached);
  }

  private static Principal principal(ClientToken token) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("policy", ClientTokens.policyView(token.policy()));
    token.hostname().ifPresent(h -> claims.put(HOSTNAME_CLAIM, h));
    return new Principal(Principal.Kind.CLIENT, token.id(), Optional.of(token.projectId()), Optional.empty(),
        List.of(), Optional.of(token.expiresAt()), token.id(), claims);
  }
}
