package dev.portcullis.core.apikey;

import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.secret.OpaqueSecrets;
import dev.portcullis.core.secret.ResourceIds;
import dev.portcullis.core.secret.SecretKind;
import dev.portcullis.core.store.ApiKeyStore;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import dev.portcullis.core.workspace.Revocations;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** Mints, lists and revokes server API keys (API.md section 3). Thread-safe. */
public final class ApiKeys {

  private final ApiKeyStore store;
  private final ServerKeyAuthenticator authenticator;
  private final Revocations revocations;
  private final Clock clock;

  public ApiKeys(ApiKeyStore store, ServerKeyAuthenticator authenticator, Revocations revocations, Clock clock) {
    this.store = store;
    this.authenticator = authenticator;
    this.revocations = revocations;
    this.clock = clock;
  }

  /** A key just minted: the only time its value exists outside the caller's hands. */
  public record Created(ApiKey key, String value) {
    @Override
    public String toString() {
      return "Created[key=" + key + ", value=<redacted>]";
    }
  }

  public Created create(String projectId, String name, Optional<Instant> expiresAt) {
    Instant now = clock.instant();
    if (name.isBlank() || name.length() > 200) {
      throw PortcullisException.invalidRequest("name must be 1 to 200 characters.");
    }
    if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
      throw PortcullisException.invalidRequest("expires_at must be in the future.");
    }
    OpaqueSecrets.Minted minted = OpaqueSecrets.mint(SecretKind.SERVER_KEY);
    ApiKey key = new ApiKey(ResourceIds.next("key_"), projectId, name, minted.displayPrefix(),
        minted.hash(), now, expiresAt, Optional.empty(), Optional.empty());
    store.insert(key);
    return new Created(key, minted.value());
  }

  public Page<ApiKey> list(String projectId, PageRequest page) {
    return store.list(projectId, page);
  }

  /**
   * Revokes at once on this server; other servers drop their cached copy within a second. The
   * revocation log carries it too, for connections opened with a ticket, which hold no key to
   * look up ({@code dev.portcullis.core.ticket.WsTickets}).
   */
  public void revoke(String projectId, String keyId) {
    if (!store.revoke(projectId, keyId, clock.instant())) {
      throw PortcullisException.notFound("API key");
    }
    authenticator.forgetKey(keyId);
    revocations.revokeToken(projectId, keyId);
  }
}
