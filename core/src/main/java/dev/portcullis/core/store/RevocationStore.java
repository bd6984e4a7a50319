package dev.portcullis.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Revocations of workspace tokens, readable in order by every server. */
public interface RevocationStore {

  /**
   * One revocation: of token {@code jti}, or of every token of {@code workspaceId} issued until
   * {@code revokedAt}; exactly one of the two is present.
   */
  record Revocation(long seq, String projectId, Optional<String> jti, Optional<String> workspaceId,
      Instant revokedAt) {}

  Revocation revokeToken(String projectId, String jti, Instant at);

  Revocation revokeWorkspace(String projectId, String workspaceId, Instant at);

  /** Revocations stored after {@code seq}, in order. */
  List<Revocation> after(long seq);
}
