package dev.portcullis.bench;

import dev.portcullis.core.store.RevocationStore;
import java.time.Instant;
import java.util.List;

/** An empty revocation log: nothing is revoked while a benchmark runs. */
final class InMemoryRevocationStore implements RevocationStore {

  @Override
  public Revocation revokeToken(String projectId, String jti, Instant at) {
    throw new UnsupportedOperationException("not on the authentication path");
  }

  @Override
  public Revocation revokeWorkspace(String projectId, String workspaceId, Instant at) {
    throw new UnsupportedOperationException("not on the authentication path");
  }

  @Override
  public List<Revocation> after(long seq) {
    return List.of();
  }
}
