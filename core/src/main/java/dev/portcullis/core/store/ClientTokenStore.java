package dev.portcullis.core.store;

import dev.portcullis.core.clienttoken.ClientToken;
import java.time.Instant;
import java.util.Optional;

/** Client-side tokens, stored by the SHA-256 of their value (API.md section 5). */
public interface ClientTokenStore {

  /** Stores a new token; its id and hash are unique. Its policy is kept as given, in order. */
  void insert(ClientToken token);

  /** The token with this hash, revoked or expired or not, so that those can be told apart. */
  Optional<ClientToken> findByHash(String hash);

  /** The project's token {@code id}, revoked or expired or not. */
  Optional<ClientToken> find(String projectId, String id);

  /** The project's tokens neither revoked nor expired at {@code now}, oldest first. */
  Page<ClientToken> listLive(String projectId, Instant now, PageRequest page);

  /** Marks the token revoked. @return false when there is no unrevoked token of that id in the project */
  boolean revoke(String projectId, String id, Instant at);

  /**
   * Whether a token of any project, neither revoked nor expired at {@code now}, is bound to
   * {@code hostname} (compared exactly; callers lower-case it): a browser preflight from that
   * origin is answered (API.md section 5).
   */
  boolean anyLiveWithHostname(String hostname, Instant now);
}
